"""WSGI entry point for App Engine / gunicorn (`gunicorn main:app`): configuration comes from the environment."""

from __future__ import annotations

import logging
import os

from webhooks.app import create_app

logging.basicConfig(
    level=os.environ.get("DEALCOACH_LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s"
)

app = create_app()
