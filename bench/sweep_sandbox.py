"""A sandbox CRM in its own process for bench/sweep_scale.py: the real CRM is remote, so its work must not share a
process (or a GIL) with DealCoach's sweep, and its CPU is read apart.

    python bench/sweep_sandbox.py salesforce|hubspot [--no-vendor-limits]

Prints one JSON line (URL and credentials), then serves until its stdin closes or it gets SIGTERM.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector.sandbox.hubspot import HubSpotSandboxConfig, create_hubspot_sandbox  # noqa: E402
from connector.sandbox.salesforce import SalesforceSandboxConfig, start_salesforce_sandbox  # noqa: E402
from connector.sandbox.server import ServerThread  # noqa: E402

# HubSpot's rate limits (5 searches a second per portal, its 10-second burst window), lifted on request.
LIFTED = {"burst_limit": 1_000_000, "search_per_second": 1_000_000}


def start(crm: str, *, vendor_limits: bool) -> tuple[dict[str, Any], ServerThread]:
    """Start the sandbox on a free port; what a tenant registration needs to reach it."""
    if crm == "hubspot":
        config = HubSpotSandboxConfig(**({} if vendor_limits else LIFTED))
        server = ServerThread(create_hubspot_sandbox(config))
        server.start()
        return {"url": server.url, "access_token": config.access_tokens[0], "portal_id": str(config.portal_id)}, server
    sf = SalesforceSandboxConfig()
    sf_server, app = start_salesforce_sandbox(sf)
    cert = app.extensions["salesforce_sandbox"].tls_cert
    info = {"url": sf_server.url, "session_id": sf.access_tokens[0], "cert": str(cert), "org_id": sf.org_id}
    return info | {"api_user_id": sf.api_user_id}, sf_server


def main() -> int:
    crm = sys.argv[1]
    info, server = start(crm, vendor_limits="--no-vendor-limits" not in sys.argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    print(json.dumps(info), flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
