"""Liveness and readiness: /healthz says the process answers, /readyz that Redis does too."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Any:
    try:
        current_app.extensions["dealcoach.redis"].ping()
    except RedisError:
        return jsonify(status="unavailable", redis="down"), 503
    return jsonify(status="ok", redis="up")
