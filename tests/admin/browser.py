"""Headless Debian Chromium driven by Playwright (no browser download), and the preview pages of the real UI components.

The settings page and the deal card are the real `Settings.jsx` / `DealScorecard.jsx`, bundled by esbuild against
`hubspot-project/preview/shim.jsx` (a local DOM stand-in for `@hubspot/ui-extensions`, documented as such). The
page is served at the backend's own origin (Playwright answers `/_preview/*`, the API calls go to the real app), and
its `hubspot.fetch` signs every request v3 with the app secret as HubSpot's proxy would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PREVIEW = Path(__file__).resolve().parents[2] / "hubspot-project" / "preview"
ESBUILD = PREVIEW / "node_modules" / ".bin" / "esbuild"
LAPTOP = {"width": 1280, "height": 800}
STYLE = """body{font-family:"Noto Sans CJK JP","Noto Sans",sans-serif;margin:0;background:#f5f8fa;color:#33475b}
header{background:#2d3e50;color:#fff;padding:10px 24px;font-size:14px}main{max-width:760px;margin:24px auto;
background:#fff;border:1px solid #cbd6e2;border-radius:4px;padding:24px}.flex{display:flex}.column{flex-direction:
column}.gap-md{gap:14px}.gap-sm{gap:10px}.gap-xs{gap:6px}h2{font-size:18px;margin:8px 0 0}.field{display:grid;
grid-template-columns:300px 1fr;align-items:center;gap:12px;font-size:14px}input,select{font:inherit;padding:5px 8px;
border:1px solid #cbd6e2;border-radius:3px}input[type=checkbox]{justify-self:start;width:18px;height:18px}
button.primary{background:#ff7a59;color:#fff;border:0;border-radius:3px;padding:9px 20px;font:inherit;cursor:pointer;
align-self:flex-start}hr{border:0;border-top:1px solid #eaf0f6;width:100%}[role=status]{padding:10px;margin:0 auto;
max-width:760px;border-radius:3px}[data-alert-type=success]{background:#e5f8f6}[data-alert-type=danger]{background:
#fde8e9}.progress{display:grid;grid-template-columns:220px 1fr 90px;gap:10px;align-items:center;font-size:14px}
progress{width:100%}.tag{background:#eaf0f6;border-radius:3px;padding:2px 8px;align-self:flex-start}dl{display:grid;
grid-template-columns:140px 1fr;gap:6px;font-size:14px;margin:0}dt{font-weight:bold}dd{margin:0}ul{margin:0;
padding-left:20px;font-size:14px}p{margin:0}"""

needs_browser = pytest.mark.skipif(
    CHROMIUM is None or not ESBUILD.exists(),
    reason="needs Debian's chromium and `npm ci` in hubspot-project/preview (bash .ci/run does both)",
)


def shots_dir(tmp: Path) -> Path:
    """Screenshots go to DEALCOACH_ADMIN_SHOTS when set (docs/admin/ is refreshed that way), else a temp folder."""
    target = Path(os.environ.get("DEALCOACH_ADMIN_SHOTS") or tmp / "shots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def build_components(out: Path) -> Path:
    """Bundle the real components against the shim (hubspot-project/preview/build.sh)."""
    subprocess.run(["bash", str(PREVIEW / "build.sh"), str(out)], check=True, capture_output=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the whole module (Debian's binary, headless)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def serve_preview(page: Any, origin: str, bundle: Path, component: str, config: dict[str, Any]) -> str:
    """Answer `<origin>/_preview/<component>.html` (and its script) from the bundle; return the page's URL."""
    doc = (
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>DealCoach – {component}</title>'
        f"<style>{STYLE}</style></head><body><header>HubSpot · DealCoach ({component}, local preview)</header>"
        f'<div id="alerts"></div><main id="root"></main>'
        f"<script>window.DEALCOACH_PREVIEW = {json.dumps(config)};</script>"
        f'<script src="/_preview/{component}.js"></script></body></html>'
    )
    script = (bundle / f"{component}.js").read_text(encoding="utf-8")
    page.route(f"{origin}/_preview/{component}.html", lambda route: route.fulfill(body=doc, content_type="text/html"))
    page.route(
        f"{origin}/_preview/{component}.js",
        lambda route: route.fulfill(body=script, content_type="application/javascript"),
    )
    return f"{origin}/_preview/{component}.html"
