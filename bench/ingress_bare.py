"""The anchor of the single-event ingress figure: a bare Flask endpoint that reads the body and answers JSON.

Served by `bench/ingress.py` under the same gunicorn settings as the real app (`gunicorn bench.ingress_bare:app`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request

app = Flask("bare")


@app.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")


@app.post("/bare")
def bare() -> Any:
    return jsonify(received=len(request.get_data())), 200
