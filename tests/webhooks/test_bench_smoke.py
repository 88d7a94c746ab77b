"""Every benchmark registered in `python -m bench` runs at its smoke size, so none rots; counts, never timings.

The ingress benchmark's smoke mode starts redis-server and gunicorn for real and checks that every event it sent is
a queued job. A benchmark whose Debian tools are missing here (`python -m bench` installs them) is skipped, and so is
one whose smoke size takes tens of seconds unless DEALCOACH_BENCH_SMOKE_ALL=1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS, missing_tools

ROOT = Path(__file__).resolve().parents[2]
# Their smoke size still runs whole embedded stacks for tens of seconds: on demand (DEALCOACH_BENCH_SMOKE_ALL=1).
SLOW = {"api_calls", "sweep_scale"}


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_benchmark_smoke(name: str) -> None:
    if name in SLOW and not os.environ.get("DEALCOACH_BENCH_SMOKE_ALL"):
        pytest.skip("slow smoke: set DEALCOACH_BENCH_SMOKE_ALL=1")
    if missing_tools(name):
        pytest.skip(f"needs {', '.join(missing_tools(name))} (installed by `python -m bench {name}`)")
    module, smoke = BENCHMARKS[name]
    result = subprocess.run([sys.executable, "-m", module, *smoke], cwd=ROOT, capture_output=True, text=True,
                            timeout=110)
    assert result.returncode == 0, result.stderr[-2000:]
    if name == "ingress":
        found = re.search(r"jobs queued (\d+) \(expected (\d+)\)", result.stdout)
        assert found and found.group(1) == found.group(2) == str((4 + 4) * 100 + 20), result.stdout
    if name == "pipeline_cpu":
        assert "smoke: calls=1 with_webhook_job_and_note=1" in result.stdout, result.stdout
    if name == "ingress_cpu":
        assert "jobs queued 21 of 21" in result.stdout, result.stdout
    if name == "worker_fork":
        assert "jobs=3 skipped_unknown_tenant=3" in result.stdout, result.stdout
    if name == "report_render":
        assert "deals=30 reps=3 activities=240 scores=60 sla_tasks=90" in result.stdout, result.stdout
