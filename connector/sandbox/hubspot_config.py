"""Configuration of a sandbox HubSpot portal: identity, seeded owners and pipelines, limits, webhooks.

Defaults describe a portal where DealCoach's app is installed (its custom properties exist) and two
Japanese users work deals in HubSpot's default sales pipeline.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from connector.hubspot.properties import coaching_property_specs

# (id, English label, Japanese label, probability, closed)
_DEFAULT_STAGES = (
    ("appointmentscheduled", "Appointment Scheduled", "アポイント設定済み", "0.2", False),
    ("qualifiedtobuy", "Qualified To Buy", "購入見込みあり", "0.4", False),
    ("presentationscheduled", "Presentation Scheduled", "プレゼン予定", "0.6", False),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "意思決定者の賛同", "0.8", False),
    ("contractsent", "Contract Sent", "契約書送付済み", "0.9", False),
    ("closedwon", "Closed Won", "成約", "1.0", True),
    ("closedlost", "Closed Lost", "失注", "0.0", True),
)


def sales_pipeline(*, japanese: bool = False) -> dict[str, Any]:
    """HubSpot's default deal pipeline ("default"), with English or Japanese portal labels."""
    return {
        "id": "default",
        "label": "営業パイプライン" if japanese else "Sales Pipeline",
        "displayOrder": 0,
        "stages": [
            {
                "id": sid,
                "label": ja if japanese else en,
                "displayOrder": i,
                "metadata": {"isClosed": "true" if closed else "false", "probability": prob},
            }
            for i, (sid, en, ja, prob, closed) in enumerate(_DEFAULT_STAGES)
        ],
    }


def default_owners() -> list[dict[str, Any]]:
    """Two Japanese users: the rep (山田 太郎) and the manager (佐藤 花子)."""
    return [
        {
            "id": "75000001",
            "email": "taro.yamada@example.co.jp",
            "firstName": "太郎",
            "lastName": "山田",
            "userId": 9100001,
            "teams": [{"id": "5001", "name": "営業一課", "primary": True}],
        },
        {
            "id": "75000002",
            "email": "hanako.sato@example.co.jp",
            "firstName": "花子",
            "lastName": "佐藤",
            "userId": 9100002,
            "teams": [{"id": "5001", "name": "営業一課", "primary": True}],
        },
    ]


def coaching_properties() -> list[dict[str, Any]]:
    """Phase scores, BANT checkboxes and assessed checks: the properties native HubSpot reports chart coaching with."""
    out = []
    for spec in coaching_property_specs():
        prop = {k: v for k, v in spec.items() if k not in ("field_type", "options")}
        prop.update(fieldType=spec["field_type"], groupName="dealcoach")
        if "options" in spec:
            prop["options"] = [{"label": label, "value": value} for label, value in spec["options"]]
        out.append(prop)
    return out


def dealcoach_properties() -> dict[str, list[dict[str, Any]]]:
    """The properties DealCoach's install creates, in the Properties API create format."""
    key = {
        "name": "dealcoach_key",
        "label": "DealCoach key",
        "type": "string",
        "fieldType": "text",
        "groupName": "dealcoach",
        "description": "Idempotency key of the DealCoach action that wrote this record",
    }
    return {
        "deals": [
            {
                "name": "dealcoach_score",
                "label": "DealCoach score",
                "type": "number",
                "fieldType": "number",
                "groupName": "dealcoach",
                "description": "Latest call scorecard, 0-100",
            },
            {
                "name": "dealcoach_bant",
                "label": "DealCoach BANT",
                "type": "string",
                "fieldType": "textarea",
                "groupName": "dealcoach",
                "description": "BANT findings of the latest call",
            },
            {
                "name": "dealcoach_deal_state",
                "label": "DealCoach deal state",
                "type": "enumeration",
                "fieldType": "select",
                "groupName": "dealcoach",
                "options": [
                    {"label": "商談", "value": "shodan"},
                    {"label": "話題", "value": "wadai"},
                    {"label": "ボツ", "value": "botsu"},
                ],
            },
            {
                "name": "dealcoach_last_scored_at",
                "label": "DealCoach last scored at",
                "type": "datetime",
                "fieldType": "date",
                "groupName": "dealcoach",
            },
            *coaching_properties(),
        ],
        "tasks": [dict(key)],
        "notes": [dict(key)],
    }


def default_subscriptions() -> list[dict[str, Any]]:
    """The webhook subscriptions DealCoach's app declares, in the Webhooks API shape."""
    return [
        {"subscriptionType": "deal.creation"},
        {"subscriptionType": "deal.propertyChange", "propertyName": "dealstage"},
        {"subscriptionType": "object.creation", "objectTypeId": "0-48"},
        {"subscriptionType": "object.creation", "objectTypeId": "0-49"},
        {"subscriptionType": "object.creation", "objectTypeId": "0-47"},
        {"subscriptionType": "object.propertyChange", "objectTypeId": "0-48", "propertyName": "hs_attachment_ids"},
        {"subscriptionType": "object.propertyChange", "objectTypeId": "0-48", "propertyName": "hs_call_recording_url"},
        {"subscriptionType": "object.propertyChange", "objectTypeId": "0-27", "propertyName": "hs_task_status"},
    ]


def dealcoach_scopes() -> list[str]:
    """The scopes DealCoach's app declares (hubspot-project/src/app/app-hsmeta.json); an install may ask for no other."""
    return [
        "oauth",
        "crm.objects.deals.read",
        "crm.objects.deals.write",
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
        "crm.objects.owners.read",
        "crm.schemas.deals.read",
        "crm.schemas.deals.write",
        "files",
    ]


RUNTIME_SETTINGS = ("search_lag_s", "search_max_results", "access_token_ttl_s")


@dataclass
class HubSpotSandboxConfig:
    """Everything that differs between sandbox portals; the defaults mimic a Free/Starter portal with DealCoach."""

    portal_id: int = 62515
    app_id: int = 54321
    # Static tokens, as a private app has: they never expire and get the daily rate-limit headers.
    access_tokens: list[str] = field(default_factory=lambda: ["sandbox-token"])
    # Static tokens of other apps installed in the portal (a dialer, the customer's own private app) → their app id:
    # their writes reach DealCoach's webhooks as changeSource INTEGRATION with that app's id, not DealCoach's.
    other_app_tokens: dict[str, int] = field(default_factory=lambda: {"sandbox-other-app-token": 7_100_001})
    client_id: str = "sandbox-client-id"
    client_secret: str = "sandbox-client-secret"
    # OAuth: refresh tokens of installs; access tokens from POST /oauth/v1/token live this long (HubSpot: 30 min).
    refresh_tokens: list[str] = field(default_factory=lambda: ["sandbox-refresh-token"])
    access_token_ttl_s: int = 1800
    # OAuth install (hubspot_oauth_install): the app's declared scopes and redirect URLs (empty: any is accepted).
    app_scopes: list[str] = field(default_factory=dealcoach_scopes)
    redirect_urls: list[str] = field(default_factory=list)
    # The app's webhook targetUrl; None records events (GET /_sandbox/webhooks/events) without sending them.
    target_url: str | None = None
    subscriptions: list[dict[str, Any]] = field(default_factory=default_subscriptions)
    custom_properties: dict[str, list[dict[str, Any]]] = field(default_factory=dealcoach_properties)
    pipelines: list[dict[str, Any]] = field(default_factory=lambda: [sales_pipeline()])
    owners: list[dict[str, Any]] = field(default_factory=default_owners)
    # Public (OAuth) app: 110 requests / 10 s per installing account; search has its own 5 / s.
    burst_limit: int = 110
    burst_interval_ms: int = 10_000
    daily_limit: int = 250_000
    search_per_second: int = 5
    # HubSpot's search returns at most 10,000 hits per query; paging past them is a 400.
    search_max_results: int = 10_000
    # Seconds before a new record shows up in search (HubSpot: "a few moments").
    search_lag_s: float = 0.0
    first_object_id: int = 17_000_000_000
    first_file_id: int = 190_000_000_000
    signing_key: str = "sandbox-cdn-signing-key"
    fault_seed: int | None = None
    webhook_batch_size: int = 100
    webhook_batch_window_s: float = 0.05
    webhook_max_attempts: int = 4
    webhook_retry_delays_s: tuple[float, ...] = (0.2, 0.5, 1.0)
    webhook_timeout_s: float = 5.0
    # HubSpot sends propertyChange events for subscribed properties set at creation too.
    property_change_on_create: bool = True

    def runtime(self) -> dict[str, Any]:
        """The settings tests may change on a running portal (`POST /_sandbox/settings`); reset restores them."""
        return {name: getattr(self, name) for name in RUNTIME_SETTINGS}

    def copy(self) -> HubSpotSandboxConfig:
        """A deep copy, so a running sandbox never shares mutable seeds with its caller."""
        return copy.deepcopy(self)
