"""`python -m bench all | NAME [args...] | list`: run the benchmarks; `--smoke` runs each at the size tests use.

Each benchmark is a module of this package run in its own process (`python -m bench.MODULE`), so one's imports and
servers never colour another's figures. Figures and their commands are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> (module, smoke arguments). Keep it a plain dict: add a line per benchmark.
BENCHMARKS: dict[str, tuple[str, list[str]]] = {
    "ingress": ("bench.ingress", ["--smoke"]),
    "metrics": ("bench.ingress_metrics", ["--smoke"]),
    "webhook_ack": ("bench.webhook_ack", ["--requests", "3"]),
    "offline_scoring": ("bench.offline_scoring", ["--minutes", "3", "--runs", "1"]),
    "recording_memory": ("bench.recording_memory", ["--hours", "0.01"]),
    "api_calls": ("bench.api_calls", ["--deals", "1"]),
    "sweep_scale": ("bench.sweep_scale", ["--deals", "200"]),
    "report_render": ("bench.report_render", ["--smoke"]),
    "pipeline_cpu": ("bench.pipeline_cpu", ["--smoke"]),
    "ingress_cpu": ("bench.ingress_cpu", ["--smoke"]),
    "worker_fork": ("bench.worker_fork", ["--smoke"]),
}
# The Debian packages (by their command's name) a benchmark drives; `python -m bench` installs the missing ones.
NEEDS: dict[str, list[str]] = {"ingress": ["wrk"], "recording_memory": ["ffmpeg", "sox", "espeak-ng"]}


def missing_tools(name: str) -> list[str]:
    return [tool for tool in NEEDS.get(name, []) if shutil.which(tool) is None]


def ensure_tools(name: str) -> None:
    """Install the Debian packages a benchmark drives (wrk) when they are missing."""
    missing = missing_tools(name)
    if not missing:
        return
    print(f"installing {' '.join(missing)} (apt-get)", flush=True)
    apt = ["apt-get", "install", "-y", "-q", *missing]
    if subprocess.run(apt, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, check=True)
        subprocess.run(apt, stdout=subprocess.DEVNULL, check=True)


def run(name: str, args: list[str]) -> int:
    """One benchmark in its own process; its exit status."""
    module, _ = BENCHMARKS[name]
    ensure_tools(name)
    print(f"== {name}: python -m {module} {' '.join(args)}".rstrip(), flush=True)
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "list"):
        print(__doc__.splitlines()[0])
        for name, (module, smoke) in BENCHMARKS.items():
            print(f"  {name:18} python -m {module}   (smoke: {' '.join(smoke)})")
        return 0
    name, rest = argv[0], argv[1:]
    if name == "all":
        smoke = rest == ["--smoke"]
        failed = [n for n, (_, s) in BENCHMARKS.items() if run(n, s if smoke else []) != 0]
        if failed:
            print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1 if failed else 0
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}; `python -m bench list` shows them", file=sys.stderr)
        return 2
    return run(name, BENCHMARKS[name][1] if rest == ["--smoke"] else rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
