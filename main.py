"""WSGI entry point for gunicorn (`gunicorn main:app`): configuration comes from the environment.

`dealcoach serve` runs the same app under gunicorn with its settings (gthread, multiprocess metrics); a bare
`gunicorn main:app` with several workers needs `PROMETHEUS_MULTIPROC_DIR` set to an empty directory for /metrics to
sum its workers. Logs are JSON lines (`DEALCOACH_LOG_FORMAT=text` for a terminal).

A configuration that cannot accept any webhook fails the import with one clear message (gunicorn prints it and
halts) instead of serving 401s.
"""

from __future__ import annotations

import os

from dealcoach_cli import log_level
from sync import log_format
from webhooks.app import config_from_env, create_app, required_config_problems

log_format.configure(
    log_level(os.environ.get("DEALCOACH_LOG_LEVEL"), "INFO"),
    log_format.parse_format(os.environ.get("DEALCOACH_LOG_FORMAT")),
)

_config = config_from_env()
_problems = required_config_problems(_config)
if _problems:
    raise RuntimeError(f"dealcoach cannot start: {'; '.join(_problems)}")

app = create_app(_config)
