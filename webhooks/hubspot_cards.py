"""The backend of DealCoach's UI inside HubSpot (settings page, deal card), called through `hubspot.fetch`.

Every request must carry HubSpot's v3 signature (method, full URL with query, raw body, timestamp: HubSpot appends
`userId`, `portalId`, `userEmail` and `appId` to the query, so they are signed too) and is answered for that portal
and user only: the portal must be installed, and its data is read with its own token.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from connector.base import CrmAuthError, CrmError, RetryableCrmError
from connector.hubspot.oauth import TokenProvider
from connector.tenants import Tenant, crm_for, tenant_id
from sync.admin_settings import InvalidSettings, deal_card, save_settings, settings_view
from webhooks.common import WebhookRejected, load_json, public_uri, read_body
from webhooks.oauth import oauth_app
from webhooks.signatures import HubSpotRequest, SignatureError, verify_hubspot

log = logging.getLogger("dealcoach.webhooks.hubspot_cards")

bp = Blueprint("hubspot_cards", __name__)

_ID = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True)
class SignedCaller:
    tenant: Tenant
    user_id: str


def signed_caller() -> tuple[SignedCaller, bytes]:
    """The portal and user HubSpot signed this request for (401 unsigned, 400 malformed, 404 not installed)."""
    body = read_body(request)
    signed = HubSpotRequest(request.method, public_uri(request), dict(request.headers.items()), body)
    if "x-hubspot-signature-v3" not in {k.lower() for k in request.headers.keys()}:
        raise WebhookRejected(401, "invalid_signature.v3_required", "signature verification failed")
    try:
        verify_hubspot(signed, current_app.config["HUBSPOT_CLIENT_SECRETS"])
    except SignatureError as exc:
        raise WebhookRejected(401, f"invalid_signature.{exc.slug}", "signature verification failed") from exc
    portal, user = request.args.get("portalId", ""), request.args.get("userId", "")
    if not _ID.fullmatch(portal) or not _ID.fullmatch(user):
        raise WebhookRejected(400, "malformed", "portalId and userId are required")
    tenant = current_app.extensions["dealcoach.tenants"].get(tenant_id("hubspot", portal))
    if tenant is None:
        raise WebhookRejected(404, "unknown_tenant", "DealCoach is not installed in this portal")
    if tenant.disconnected:
        raise WebhookRejected(409, "tenant_disconnected", "DealCoach lost access to this portal: reinstall it")
    return SignedCaller(tenant, user), body


@bp.get("/hubspot/ui/settings")
def get_settings() -> Any:
    caller, _ = signed_caller()
    return jsonify(settings_view(current_app.extensions["dealcoach.redis"], caller.tenant))


@bp.post("/hubspot/ui/settings")
def post_settings() -> Any:
    caller, body = signed_caller()
    try:
        payload = load_json(body)
    except ValueError as exc:
        raise WebhookRejected(400, "malformed", "body is not JSON") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("settings", {}), dict):
        raise WebhookRejected(400, "malformed", 'expected {"settings": {...}, "stage_maps": {...}}')
    changes = dict(payload.get("settings") or {})
    if "stage_maps" in payload:
        changes["stage_maps"] = payload["stage_maps"]
    conn = current_app.extensions["dealcoach.redis"]
    try:
        view = save_settings(
            conn, current_app.extensions["dealcoach.tenants"], caller.tenant, changes, user_id=caller.user_id
        )
    except InvalidSettings as exc:
        log.info("webhooks.cards.settings_refused tenant=%s key=%s", caller.tenant.id, exc.key[:80])
        return jsonify(error="invalid_settings", key=exc.key, message=exc.message), 422
    return jsonify(view)


@bp.get("/hubspot/ui/deal-card")
def get_deal_card() -> Any:
    caller, _ = signed_caller()
    deal_id = request.args.get("dealId", "")
    if not _ID.fullmatch(deal_id):
        raise WebhookRejected(400, "malformed", "dealId must be a HubSpot record id")
    conn, registry = current_app.extensions["dealcoach.redis"], current_app.extensions["dealcoach.tenants"]
    tenant = caller.tenant
    provider = TokenProvider(conn, registry, tenant.id, oauth_app(tenant.credentials.get("api_base", "")))
    crm = crm_for(tenant, token_provider=provider if "refresh_token" in tenant.credentials else None)
    try:
        return jsonify(deal_card(conn, tenant, crm, deal_id))
    except RetryableCrmError as exc:
        raise WebhookRejected(503, "crm_unavailable", "HubSpot is busy; try again") from exc
    except CrmAuthError as exc:
        raise WebhookRejected(409, exc.slug, "DealCoach lost access to this portal: reinstall it") from exc
    except CrmError as exc:
        if exc.status == 404:
            raise WebhookRejected(404, "deal_not_found", "no such deal in this portal") from exc
        raise WebhookRejected(502, exc.slug, "HubSpot refused the request") from exc
