"""The SFDX package through the Salesforce CLI itself, offline: `sf project convert source` (the CLI's own reading of
source format into Metadata API format). It catches what the CLI knows (a file whose suffix or folder names no
metadata type: seen once by renaming a flow to `.flw-meta.xml`, "Could not infer a metadata type"); it does not read
the XML against the schema, which tests/admin/test_salesforce_package.py does (and shows failing on a broken copy)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "salesforce-package"


def _sf() -> str | None:
    local = ROOT / ".ci" / "sfcli" / "node_modules" / ".bin" / "sf"
    return str(local) if local.exists() else shutil.which("sf")


SF = _sf()
pytestmark = pytest.mark.skipif(SF is None, reason="Salesforce CLI not installed (.ci/run installs it with npm)")


def _convert(root: Path, out: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "SF_DISABLE_TELEMETRY": "true", "SF_AUTOUPDATE_DISABLE": "true",
           "SF_SKIP_NEW_VERSION_CHECK": "true", "SF_HIDE_RELEASE_NOTES": "true"}  # fmt: skip
    assert SF is not None
    cmd = [SF, "project", "convert", "source", "--root-dir", "force-app", "--output-dir", str(out), "--json"]
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_sf_converts_the_package(tmp_path: Path) -> None:
    done = _convert(PACKAGE, tmp_path / "mdapi", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "mdapi"
    assert (out / "objects" / "DealCoach_Setting__mdt.object").exists()
    assert (out / "customMetadata" / "DealCoach_Setting.Default.md").exists()
    assert {p.name for p in (out / "flows").iterdir()} == {
        f"DealCoach_{o}_Outbound.flow" for o in ("Opportunity", "Task", "ContentVersion")
    }
