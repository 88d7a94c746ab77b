"""The processes of bench/sweep_scale.py and what it reads of them: the sandbox CRM and DealCoach's RQ workers, each
in its own process, their CPU from /proc (a worker's reaped work-horses included) and their peak RSS, sampled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its children it has reaped (a worker's finished work-horses)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICK


def _children(parents: set[int]) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid in parents:
                out.append(int(entry))
    return out


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared with the parent (a forked work-horse's) counted once across them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler:
    """Samples, every `every_s`, the peak RSS (VmHWM) of the given processes and of their children (work-horses): the
    largest single process, the largest sum at one instant (pages a horse shares with its parent counted twice) and
    the largest sum of their PSS (shared pages counted once). A horse that grows in its last interval is missed;
    page jobs also report their own `ru_maxrss`."""

    def __init__(self, pids: Sequence[int], every_s: float = 0.1) -> None:
        self.pids, self.every_s = set(pids), every_s
        self.peak_kb = self.peak_sum_kb = self.peak_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            procs = [*self.pids, *_children(self.pids)]
            sizes = [_hwm_kb(p) for p in procs]
            self.peak_kb = max([self.peak_kb, *sizes])
            self.peak_sum_kb = max(self.peak_sum_kb, sum(sizes))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(p) for p in procs))
            self._stop.wait(self.every_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def sandbox_process(crm: str, *, vendor_limits: bool) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """The sandbox CRM in its own process (bench/sweep_sandbox.py); its connection details."""
    args = [sys.executable, str(ROOT / "bench" / "sweep_sandbox.py"), crm]
    proc = subprocess.Popen(
        args + ([] if vendor_limits else ["--no-vendor-limits"]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield proc, info
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def workers(count: int, env: dict[str, str], *, source: Path | None = None, log: Path) -> Iterator[list[int]]:
    """`count` production workers (`dealcoach worker --queues sync`: RQ's forking worker, a work-horse per job),
    running the code of `source` (another checkout, e.g. main's) when given; their pids."""
    code = "import sys; from dealcoach_cli import main; sys.exit(main(['worker', '--queues', 'sync']))"
    tree = source or ROOT
    full = {**os.environ, **env, "PYTHONPATH": str(tree)}
    with open(log, "a") as out:
        procs = [
            subprocess.Popen([sys.executable, "-c", code], cwd=tree, env=full, stdout=out, stderr=out)
            for _ in range(count)
        ]
    try:
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def wait_until(check: Any, timeout_s: float, what: str, every_s: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every_s)
    raise TimeoutError(f"timed out waiting for {what}")
