"""In-process CPU per single-event Flow request against the bare Flask endpoint (issue 12's 0.5x goal is CPU).

Usage: python -m bench.ingress_cpu [--requests N] [--rounds R] [--source DIR] [--profile] [--smoke] [--flask-view]
Both apps are called through WSGI directly (no HTTP server, no test client) with a prebuilt environ per request, the
real app on a throwaway redis-server, every event new. Each round measures `process_time` over N requests of each
app in turn; the figures are the medians over the rounds. Their ratio, bare ÷ ours, is a floor under the wrk ratio of
`python -m bench ingress` when both sides are CPU-bound (gunicorn's own work per request adds to both sides). `--source` imports the app from another tree (an
export of `main`) for before/after pairs; metrics run in prometheus_client's multiprocess mode, as under gunicorn; `--profile` prints a cProfile (CPU clock) of our requests.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def environ_for(path: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """A WSGI environ as gunicorn builds it for a POST (its input stream replaced per call)."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "RAW_URI": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8080",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


def call(app: Wsgi, env: dict[str, Any], body: bytes) -> str:
    """One request through `app`; its status line."""
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(line)

    env = dict(env)
    env["wsgi.input"] = io.BytesIO(body)
    result = app(env, start_response)
    for _ in result:
        pass
    close = getattr(result, "close", None)
    if close is not None:
        close()
    return status[0]


def cpu_per_request(app: Wsgi, path: str, reqs: list[tuple[bytes, dict[str, str]]]) -> float:
    """Mean `process_time` of one request, in microseconds; every answer must be a 200."""
    envs = [(environ_for(path, body, headers), body) for body, headers in reqs]
    started = time.process_time()
    statuses = [call(app, env, body) for env, body in envs]
    spent = time.process_time() - started
    bad = [s for s in statuses if not s.startswith("200")]
    if bad:
        raise SystemExit(f"{len(bad)} answers were not 200, e.g. {bad[0]}")
    return spent / len(envs) * 1e6


def redis_cpu_s(conn: Any) -> float:
    """redis-server's own CPU so far (user + system, seconds): it shares the machine's cores with the app under wrk."""
    cpu = conn.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source", type=Path, default=ROOT, help="tree to import the app from (default: this one)")
    parser.add_argument("--profile", action="store_true", help="print a CPU-clock cProfile of our requests")
    parser.add_argument("--smoke", action="store_true", help="a few requests, one round (tests run it)")
    parser.add_argument(
        "--flask-view", action="store_true", help="serve Flow through its Flask view, not the route that skips Flask"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.rounds = 20, 1
    sys.path.insert(0, str(args.source.resolve()))
    # As under `dealcoach serve` and the wrk bench: prometheus_client's multiprocess mode (read when it is imported).
    metrics_dir = tempfile.mkdtemp(prefix="bench-cpu-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    ingress = importlib.import_module("bench.ingress")
    bare = importlib.import_module("bench.ingress_bare").app
    webhooks_app = importlib.import_module("webhooks.app")
    with ingress.redis_server() as (_url, conn):
        ingress.register(conn)
        ours = webhooks_app.create_app(
            {
                "REDIS": conn,
                "DEALCOACH_SECRET_KEY": ingress.KEY,
                "SALESFORCE_EVENTS_SECRETS": [ingress.FLOW_SECRET],
                "FAST_ROUTES": not args.flask_view,
            }
        )
        (body, headers), path = ingress.flow_events(1, 10**9)[0], "/webhooks/salesforce/events"
        call(ours.wsgi_app, environ_for(path, body, headers), body)  # once per process: connection, script loading
        rows = []
        for r in range(args.rounds):
            reqs = ingress.flow_events(args.requests, r * 10**7)
            server_before = redis_cpu_s(conn)
            mine = cpu_per_request(ours.wsgi_app, path, reqs)
            server = (redis_cpu_s(conn) - server_before) / len(reqs) * 1e6
            anchor = cpu_per_request(bare.wsgi_app, "/bare", reqs)
            rows.append((mine, anchor))
            print(
                f"round {r}: Flow {mine:.0f} us/request (+ redis-server {server:.0f}), bare {anchor:.0f} us/request, "
                f"bare/ours {anchor / mine:.2f}"
            )
        if args.profile:
            reqs = ingress.flow_events(args.requests, 10**8)
            profiler = cProfile.Profile(time.process_time)
            profiler.runcall(cpu_per_request, ours.wsgi_app, path, reqs)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        queued = ingress.queued(conn)
    shutil.rmtree(metrics_dir, ignore_errors=True)
    mine, anchor = statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
    expected = args.requests * (args.rounds + (1 if args.profile else 0)) + 1
    print(
        f"source={args.source}{' (Flask view)' if args.flask_view else ''} requests={args.requests} rounds={args.rounds}: Flow {mine:.0f} us, bare {anchor:.0f} "
        f"us of CPU per request; bare/ours {anchor / mine:.2f} (a floor under the wrk ratio); "
        f"jobs queued {queued} of {expected}"
    )
    return 0 if queued == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
