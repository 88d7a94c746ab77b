"""The worker's parent prepares itself once before forking: job modules imported, heap frozen (sync.worker)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A fresh interpreter, as `dealcoach worker` starts: what is left for a work-horse to import once the parent is ready.
PROBE = """
import gc, json, sys
from rq.utils import import_attribute
from sync.queue import JOB_BY_KIND
from sync.worker import prepare_to_fork
prepare_to_fork()
before = set(sys.modules)
functions = sorted({f for _, f in JOB_BY_KIND.values()} | {"sync.sweep.sweep_tenant", "sync.sweep.enqueue_sweeps",
                    "sync.report.digest.digest_tenant", "sync.report.digest.enqueue_digests"})
for name in functions:
    assert callable(import_attribute(name)), name
print(json.dumps({"imported_in_horse": sorted(set(sys.modules) - before), "frozen": gc.get_freeze_count(),
                  "functions": len(functions)}))
"""


def test_a_horse_has_no_job_module_left_to_import_and_inherits_a_frozen_heap() -> None:
    """Each horse used to import `sync.jobs` and the CRM SDKs behind it, ~200 ms of CPU per job (bench.worker_fork)."""
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["imported_in_horse"] == [] and seen["functions"] >= 8
    assert seen["frozen"] > 10_000
