"""The report benchmark's smoke size runs in the suite so it never rots (it asserts what was built, never time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_report_bench_smoke_runs() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "report_render.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "deals=30 reps=3 activities=240 scores=60 sla_tasks=90" in out
    assert "total  median" in out
