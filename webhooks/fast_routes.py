"""Routes answered as plain WSGI, without Flask's request and app contexts: the single-event Flow ingress (issue 12).

Flask's own work per request (request object, URL adapter bound twice, contexts pushed and popped, response object and
its headers) was ~130 µs of a Flow request's ~290 µs of CPU (`python -m bench.ingress_cpu` with and without
`--flask-view`; docs/benchmarks.md). The handler here runs the same steps as the Flask view
(`webhooks.salesforce.flow_events`): the same body cap, signature check, parsing, one-round-trip enqueue and answers,
and refusals and bugs through the same `webhooks.errors` functions as Flask's error handlers. It sits inside `RequestContext`, so the request id, log binding and metrics are
unchanged; any other method or path goes to Flask. `tests/webhooks/test_fast_routes.py` sends the same requests
(every status) through both and compares answers, log lines, metrics and the jobs in Redis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from webhooks import errors
from webhooks.common import WebhookRejected, counts_body, queue_events_on, read_environ_body
from webhooks.request_context import REQUEST_ID_KEY, Wsgi
from webhooks.salesforce import FLOW_PATH, FLOW_SIGNATURE_HEADER, verified_flow_events

StartResponse = Callable[..., Any]
_SIGNATURE_ENVIRON = "HTTP_" + FLOW_SIGNATURE_HEADER.upper().replace("-", "_")


class FastRoutes:
    """WSGI dispatcher: (method, path) pairs with a handler of their own; everything else goes to the Flask app."""

    def __init__(self, flask_wsgi: Wsgi, routes: dict[tuple[str, str], Wsgi]) -> None:
        self.flask_wsgi, self.routes = flask_wsgi, routes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        handler = self.routes.get((environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")))
        return (handler or self.flask_wsgi)(environ, start_response)


def fast_routes(app: Flask) -> dict[tuple[str, str], Wsgi]:
    """The routes of `app` that skip Flask, each bound to the app's configuration and Redis."""

    def flow(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        return flow_events_wsgi(app, environ, start_response)

    return {("POST", FLOW_PATH): flow}


def flow_events_wsgi(app: Flask, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """POST /webhooks/salesforce/events as `webhooks.salesforce.flow_events` answers it, without Flask."""
    try:
        body = read_environ_body(environ, app.config.get("MAX_CONTENT_LENGTH"))
        events = verified_flow_events(body, environ.get(_SIGNATURE_ENVIRON), app.config["SALESFORCE_EVENTS_SECRETS"])
        result = queue_events_on(app.extensions["dealcoach.redis"], events, environ.get(REQUEST_ID_KEY))
        answer = counts_body(result.queued, result.duplicates, result.unrouted)
    except WebhookRejected as exc:
        return errors.rejected_response(app, exc)(environ, start_response)
    except HTTPException as exc:
        return errors.http_error_response(app, exc)(environ, start_response)
    except Exception as exc:
        return errors.unexpected_response(app, exc)(environ, start_response)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
    return [answer]
