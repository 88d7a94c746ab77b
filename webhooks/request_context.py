"""Each request's id, log context and metrics as one WSGI middleware around the Flask app.

Flask's before/after/teardown hooks did this for ~25 µs of CPU a request (three hook lists walked, `g` and `request`
read through context-local proxies several times), a tenth of a single-event webhook's own work (issue 12). The
middleware does the same once per request: a fresh id of ours (never the caller's) in the environ, echoed in
`X-Request-Id` and bound to the log context for the request's lines; for `/webhooks/` paths one answer counted by the
route template Flask matches (`unknown` when none) and its ingest time.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, RequestRedirect

from sync import log_format
from webhooks.metrics import PREFIX, WebhookMetrics

REQUEST_ID_HEADER = "X-Request-Id"
# Where the request's id lives for the views (`request.environ[REQUEST_ID_KEY]`), e.g. to put it in queued jobs.
REQUEST_ID_KEY = "dealcoach.request_id"

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class RequestContext:
    """WSGI middleware: request id, log binding, and the webhook answer metrics (route template, status, seconds)."""

    def __init__(self, wsgi_app: Wsgi, url_map: Map, metrics: WebhookMetrics) -> None:
        self.wsgi_app, self.url_map, self.metrics = wsgi_app, url_map, metrics
        self._static: dict[tuple[str, str], str] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = secrets.token_hex(8)
        environ[REQUEST_ID_KEY] = request_id
        token = log_format.bind(request_id=request_id)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append((REQUEST_ID_HEADER, request_id))
            if environ.get("PATH_INFO", "").startswith(PREFIX):
                self.metrics.observe(self.rule_for(environ), int(status[:3]), time.perf_counter() - started)
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, start)
        finally:
            log_format.reset(token)

    def rule_for(self, environ: dict[str, Any]) -> str | None:
        """The route template Flask matched for this request (None when none did: 404, 405, a redirect).

        Routes without variables are looked up by (method, path) in a table built once; anything else is matched
        by the URL map itself, as Flask did."""
        static = self._static
        if static is None:
            static = self._static = {
                (method, rule.rule): rule.rule
                for rule in self.url_map.iter_rules()
                if not rule.arguments
                for method in rule.methods or ()
            }
        found = static.get((environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")))
        if found is not None:
            return found
        try:
            rule, _ = self.url_map.bind_to_environ(environ).match(return_rule=True)
        except (HTTPException, RequestRedirect):
            return None
        return str(rule.rule)
