"""`create_app(config)`: the HTTP face of DealCoach. Webhooks only verify, parse and enqueue."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

import redis
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from connector.tenants import TenantRegistry
from sync.queue import announce_enqueue_path
from webhooks import errors, health, hubspot, hubspot_cards, hubspot_workflow, metrics, oauth, salesforce
from webhooks.common import WebhookRejected
from webhooks.fast_routes import FastRoutes, fast_routes
from webhooks.request_context import REQUEST_ID_HEADER as REQUEST_ID_HEADER  # what tests and callers read
from webhooks.request_context import RequestContext

log = logging.getLogger("dealcoach.webhooks")

# 100 HubSpot events are ~40 KB; 1 MB leaves room for large Salesforce SOAP batches and stops abuse early.
DEFAULT_MAX_BODY = 1024 * 1024


def config_from_env(env: dict[str, str] | None = None) -> dict[str, Any]:
    """12-factor configuration; every key can be overridden by the `config` passed to `create_app`."""
    env = dict(os.environ if env is None else env)

    def listed(name: str) -> list[str]:
        return [s.strip() for s in env.get(name, "").split(",") if s.strip()]

    return {
        "REDIS_URL": env.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DEALCOACH_SECRET_KEY": env.get("DEALCOACH_SECRET_KEY", ""),
        "DEALCOACH_SECRET_KEY_PREVIOUS": listed("DEALCOACH_SECRET_KEY_PREVIOUS"),
        "HUBSPOT_CLIENT_SECRETS": listed("HUBSPOT_CLIENT_SECRET"),
        "HUBSPOT_CLIENT_ID": env.get("HUBSPOT_CLIENT_ID", ""),
        "HUBSPOT_REDIRECT_URI": env.get("HUBSPOT_REDIRECT_URI", ""),
        "HUBSPOT_API_BASE": env.get("HUBSPOT_API_BASE", ""),
        "HUBSPOT_AUTHORIZE_URL": env.get("HUBSPOT_AUTHORIZE_URL", ""),
        "SALESFORCE_CLIENT_ID": env.get("SALESFORCE_CLIENT_ID", ""),
        "SALESFORCE_CLIENT_SECRET": env.get("SALESFORCE_CLIENT_SECRET", ""),
        "SALESFORCE_LOGIN_URL": env.get("SALESFORCE_LOGIN_URL", ""),
        "SALESFORCE_REDIRECT_URI": env.get("SALESFORCE_REDIRECT_URI", ""),
        "SALESFORCE_ALLOWED_ORG_IDS": listed("SALESFORCE_ALLOWED_ORG_IDS"),
        "SALESFORCE_EVENTS_SECRETS": listed("SALESFORCE_EVENTS_SECRET"),
        "PUBLIC_URL": env.get("DEALCOACH_PUBLIC_URL", ""),
        # Set by `dealcoach serve` before its workers start: prometheus_client's multiprocess mode.
        "PROMETHEUS_MULTIPROC_DIR": env.get("PROMETHEUS_MULTIPROC_DIR", ""),
        "MAX_CONTENT_LENGTH": int(env.get("DEALCOACH_MAX_BODY_BYTES", DEFAULT_MAX_BODY)),
        # Per-org cap on Outbound Message notifications a minute; anything but a positive number keeps the default.
        "SALESFORCE_INGRESS_PER_MINUTE": int(raw)
        if (raw := env.get("SALESFORCE_INGRESS_PER_MINUTE", "")).isdigit() and int(raw) > 0
        else None,
    }


def required_config_problems(
    config: Mapping[str, Any], *, registered_tenants: Callable[[], list[str]] | None = None
) -> list[str]:
    """Why this configuration cannot serve any webhook (empty when it can); `dealcoach serve` and main.py refuse to
    start on a problem, since an app that answers 401 to everything still looks alive to a health check.

    Without a secret, only Salesforce Outbound Messages from registered orgs can be accepted, so the tenant list is
    read (`registered_tenants`, default: from the configured Redis); Redis being down is the readiness probe's
    business, so then the orgs are assumed to be there.
    """
    problems = []
    if not config.get("DEALCOACH_SECRET_KEY"):
        problems.append("DEALCOACH_SECRET_KEY is not set (it encrypts the stored CRM tokens)")
    secrets = ("HUBSPOT_CLIENT_SECRETS", "SALESFORCE_EVENTS_SECRETS", "SALESFORCE_ALLOWED_ORG_IDS")
    if not any(config.get(name) for name in secrets):
        if registered_tenants is None and config.get("DEALCOACH_SECRET_KEY"):
            conn = config.get("REDIS") or redis.Redis.from_url(
                config.get("REDIS_URL", ""), socket_timeout=2, socket_connect_timeout=2
            )
            registered_tenants = TenantRegistry(conn, config["DEALCOACH_SECRET_KEY"]).list_ids
        try:
            salesforce_orgs = [t for t in (registered_tenants or list)() if t.startswith("salesforce:")]
        except redis.RedisError:
            log.warning("webhooks.startup.tenants_unknown")
            salesforce_orgs = ["unknown"]
        if not salesforce_orgs:
            problems.append(
                "no webhook can be verified: set HUBSPOT_CLIENT_SECRET, SALESFORCE_EVENTS_SECRET or "
                "SALESFORCE_ALLOWED_ORG_IDS, or register a Salesforce org (dealcoach tenants add --provider salesforce)"
            )
    return problems


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; tests and the demo inject `REDIS` (a client) and secrets through `config`."""
    app = Flask("dealcoach")
    app.config.update(config_from_env())
    app.config.update(config or {})
    conn = app.config.get("REDIS") or redis.Redis.from_url(
        app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2
    )
    app.extensions["dealcoach.redis"] = conn
    app.extensions["dealcoach.tenants"] = TenantRegistry(
        conn, app.config["DEALCOACH_SECRET_KEY"], app.config.get("DEALCOACH_SECRET_KEY_PREVIOUS") or ()
    )
    app.extensions["dealcoach.metrics"] = metrics.WebhookMetrics(app.config.get("PROMETHEUS_MULTIPROC_DIR") or None)
    announce_enqueue_path()
    app.register_blueprint(health.bp)
    app.register_blueprint(hubspot.bp)
    app.register_blueprint(salesforce.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(hubspot_cards.bp)
    app.register_blueprint(hubspot_workflow.bp)

    # Request id, log context and webhook metrics: one WSGI middleware, not three Flask hooks (webhooks/request_context.py).
    # The Flow ingress answered without Flask's contexts (webhooks/fast_routes.py), inside the same middleware.
    # `FAST_ROUTES: False` in the config sends them through their Flask views instead; tests hold both equal.
    inner = FastRoutes(app.wsgi_app, fast_routes(app)) if app.config.get("FAST_ROUTES", True) else app.wsgi_app
    app.wsgi_app = RequestContext(  # type: ignore[method-assign]
        inner, app.url_map, app.extensions["dealcoach.metrics"]
    )

    @app.errorhandler(WebhookRejected)
    def _rejected(exc: WebhookRejected) -> Response:
        return errors.rejected_response(app, exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return errors.http_error_response(app, exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        return errors.unexpected_response(app, exc)

    return app
