"""Configuration of a sandbox Salesforce org: identity, users, sales process, limits, custom fields, outbound.

Defaults describe an Enterprise Edition org in Japan where DealCoach's package is installed (its custom fields
exist), two Japanese users work opportunities in Salesforce's default sales process, and workflow outbound
messages are defined for Opportunity stage changes, logged calls and attached files.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from connector.check_code_field import SALESFORCE_FIELD as CHECKS_CODE_FIELD
from connector.coaching_fields import COACHING_FIELDS, HISTORY_FIELDS, SLA_STATUS, SLA_STATUS_VALUES, salesforce_name

from .salesforce_ids import to18

# Salesforce's default sales process: (StageName, probability %, forecast category, IsClosed, IsWon).
DEFAULT_STAGES: tuple[tuple[str, float, str, bool, bool], ...] = (
    ("Prospecting", 10.0, "Pipeline", False, False),
    ("Qualification", 10.0, "Pipeline", False, False),
    ("Needs Analysis", 20.0, "Pipeline", False, False),
    ("Value Proposition", 50.0, "Pipeline", False, False),
    ("Id. Decision Makers", 60.0, "Pipeline", False, False),
    ("Perception Analysis", 70.0, "Pipeline", False, False),
    ("Proposal/Price Quote", 75.0, "Pipeline", False, False),
    ("Negotiation/Review", 90.0, "Pipeline", False, False),
    ("Closed Won", 100.0, "Closed", True, True),
    ("Closed Lost", 0.0, "Omitted", True, False),
)

REP_USER_ID = to18("0055g00000TARO1") or ""
MANAGER_USER_ID = to18("0055g00000HANA2") or ""
# Deactivated users (IsActive false): a rep who left, reporting to the active manager; and one whose manager left too.
DEPARTED_REP_ID = to18("0055g00000JIRO3") or ""
DEPARTED_PAIR_REP_ID = to18("0055g00000KEN04") or ""
DEPARTED_MANAGER_ID = to18("0055g00000BOSS5") or ""


def default_stages() -> list[dict[str, Any]]:
    """The OpportunityStage picklist as dicts (`StageName`, `Probability`, `ForecastCategoryName`, `IsClosed`,
    `IsWon`), in sales-process order."""
    return [
        {"StageName": s, "Probability": p, "ForecastCategoryName": fc, "IsClosed": closed, "IsWon": won}
        for s, p, fc, closed, won in DEFAULT_STAGES
    ]


def default_users() -> list[dict[str, Any]]:
    """Japanese users: the rep (山田 太郎) reporting to the manager (佐藤 花子), both active; a departed rep
    (鈴木 次郎, inactive) reporting to 佐藤; and a departed rep (高橋 健) whose manager (伊藤 誠) left too."""
    common = {
        "IsActive": True,
        "TimeZoneSidKey": "Asia/Tokyo",
        "LocaleSidKey": "ja_JP",
        "LanguageLocaleKey": "ja",
        "Department": "営業一課",
    }
    return [
        {
            "Id": REP_USER_ID,
            "LastName": "山田",
            "FirstName": "太郎",
            "Email": "taro.yamada@example.co.jp",
            "Username": "taro.yamada@example.co.jp.dealcoach",
            "Alias": "tyamada",
            "Title": "営業担当",
            "ManagerId": MANAGER_USER_ID,
            **common,
        },
        {
            "Id": MANAGER_USER_ID,
            "LastName": "佐藤",
            "FirstName": "花子",
            "Email": "hanako.sato@example.co.jp",
            "Username": "hanako.sato@example.co.jp.dealcoach",
            "Alias": "hsato",
            "Title": "営業マネージャー",
            "ManagerId": None,
            **common,
        },
        {
            "Id": DEPARTED_REP_ID,
            "LastName": "鈴木",
            "FirstName": "次郎",
            "Email": "jiro.suzuki@example.co.jp",
            "Username": "jiro.suzuki@example.co.jp.dealcoach",
            "Alias": "jsuzuki",
            "Title": "営業担当",
            "ManagerId": MANAGER_USER_ID,
            **common,
            "IsActive": False,
        },
        {
            "Id": DEPARTED_PAIR_REP_ID,
            "LastName": "高橋",
            "FirstName": "健",
            "Email": "ken.takahashi@example.co.jp",
            "Username": "ken.takahashi@example.co.jp.dealcoach",
            "Alias": "ktakaha",
            "Title": "営業担当",
            "ManagerId": DEPARTED_MANAGER_ID,
            **common,
            "IsActive": False,
        },
        {
            "Id": DEPARTED_MANAGER_ID,
            "LastName": "伊藤",
            "FirstName": "誠",
            "Email": "makoto.ito@example.co.jp",
            "Username": "makoto.ito@example.co.jp.dealcoach",
            "Alias": "mito",
            "Title": "営業部長",
            "ManagerId": None,
            **common,
            "IsActive": False,
        },
    ]


def coaching_fields() -> list[dict[str, Any]]:
    """Phase scores, BANT checkboxes and assessed checks: the fields native Salesforce reports chart coaching with."""
    out: list[dict[str, Any]] = []
    for name in COACHING_FIELDS:
        api = salesforce_name(name)
        label = api.removesuffix("__c").replace("_", " ")
        if name.startswith("dealcoach_phase_"):
            out.append({"name": api, "label": label, "type": "double", "precision": 3, "scale": 0})
        elif name.startswith("dealcoach_bant_"):
            out.append({"name": api, "label": label, "type": "boolean", "defaultValue": False})
        elif name == SLA_STATUS:
            values = [{"value": v, "label": ja} for v, ja, _en in SLA_STATUS_VALUES]
            out.append({"name": api, "label": label, "type": "picklist", "restricted": True, "picklistValues": values})
        else:
            out.append({"name": api, "label": label, "type": "textarea", "length": 32768})
    return out


def default_field_history() -> list[str]:
    """Opportunity fields whose changes land in OpportunityFieldHistory (DealCoach's package turns these on)."""
    return ["StageName", *(salesforce_name(f) for f in HISTORY_FIELDS), CHECKS_CODE_FIELD]


def dealcoach_fields() -> dict[str, list[dict[str, Any]]]:
    """The custom fields DealCoach's package adds, as describe-style field specs."""
    return {
        "Opportunity": [
            {"name": "DealCoach_Score__c", "label": "DealCoach Score", "type": "double", "precision": 3, "scale": 0},
            {"name": "DealCoach_BANT__c", "label": "DealCoach BANT", "type": "textarea", "length": 32768},
            {
                "name": "DealCoach_Deal_State__c",
                "label": "DealCoach Deal State",
                "type": "picklist",
                "restricted": True,
                "picklistValues": [
                    {"value": "shodan", "label": "商談"},
                    {"value": "wadai", "label": "話題"},
                    {"value": "botsu", "label": "ボツ"},
                ],
            },
            {"name": "DealCoach_Last_Scored_At__c", "label": "DealCoach Last Scored At", "type": "datetime"},
            *coaching_fields(),
            {"name": CHECKS_CODE_FIELD, "label": "DealCoach Checks Code", "type": "string", "length": 255},
        ],
        "Task": [
            {
                "name": "DealCoach_Key__c",
                "label": "DealCoach Key",
                "type": "string",
                "length": 255,
                "externalId": True,
                "unique": True,
            },
        ],
    }


def default_outbound_fields() -> dict[str, list[str]]:
    """Fields each outbound message definition sends (the admin selects them; the Id is always sent first).

    Who made the change is among them (LastModifiedById on Opportunity and Task, CreatedById on ContentVersion, which
    is only ever inserted), so the receiver can skip the events of its own writes.
    """
    return {
        "Opportunity": [
            "Name",
            "StageName",
            "Amount",
            "CloseDate",
            "OwnerId",
            "IsClosed",
            "IsWon",
            "LastModifiedDate",
            "LastModifiedById",
        ],
        "Task": [
            "Subject",
            "WhatId",
            "WhoId",
            "OwnerId",
            "TaskSubtype",
            "Status",
            "ActivityDate",
            "CallDurationInSeconds",
            "CreatedDate",
            "LastModifiedById",
        ],
        "ContentVersion": [
            "ContentDocumentId",
            "Title",
            "PathOnClient",
            "FileExtension",
            "ContentSize",
            "FirstPublishLocationId",
            "CreatedDate",
            "CreatedById",
        ],
    }


@dataclass
class SalesforceSandboxConfig:
    """Everything that differs between sandbox orgs; defaults mimic an Enterprise Edition org with DealCoach."""

    org_id: str = "00D5g000004XyZaEAK"
    # Session ids (OAuth access tokens) the org accepts as `Authorization: Bearer <id>`.
    access_tokens: list[str] = field(default_factory=lambda: ["sandbox-session-id"])
    # The connected app's OAuth refresh-token flow (`POST /services/oauth2/token`).
    oauth_client_id: str = "sandbox-consumer-key"
    oauth_client_secret: str = "sandbox-consumer-secret"
    refresh_tokens: list[str] = field(default_factory=lambda: ["sandbox-refresh-token"])
    # The user the API session runs as (default owner of API-created records): the manager who connected DealCoach.
    api_user_id: str = MANAGER_USER_ID
    # Sessions of other users (a rep's own tools, e.g. Salesforce mobile or a dialer): session id → user id. Every
    # session acts as its user: records it writes carry that CreatedById / LastModifiedById.
    user_sessions: dict[str, str] = field(default_factory=lambda: {"sandbox-rep-session-id": REP_USER_ID})
    # The user simulated UI changes (`/_sandbox/changes`) act as by default: the rep.
    ui_user_id: str = REP_USER_ID
    users: list[dict[str, Any]] = field(default_factory=default_users)
    stages: list[dict[str, Any]] = field(default_factory=default_stages)
    # Custom fields per sObject; `{}` gives a bare org without DealCoach's package.
    custom_fields: dict[str, list[dict[str, Any]]] = field(default_factory=dealcoach_fields)
    # Opportunity fields with Field History Tracking on (at most 20, as Salesforce allows): DealCoach's package
    # tracks the deal state, the score, the time of scoring and the phase scores for the manager report.
    field_history_tracked: list[str] = field(default_factory=default_field_history)
    time_zone: str = "Asia/Tokyo"
    locale_sid_key: str = "ja_JP"
    # Versions `GET /services/data/` lists; any `vNN.N` is accepted in paths.
    api_versions: list[str] = field(default_factory=lambda: ["58.0", "59.0", "60.0", "61.0", "62.0", "63.0"])
    daily_api_limit: int = 100_000
    # Monthly API-burst entitlement shown as `api-bursts=n/entitlement` in Sforce-Limit-Info (None: part left out).
    api_bursts_entitlement: int | None = 750
    # Concurrent long-running requests: at most this many may have run for `long_running_s` or more (production: 25
    # of 20 s); tests shorten the time.
    concurrent_long_running_limit: int = 25
    long_running_s: float = 20.0
    query_page_size: int = 2000
    # Overrides the base URL in outbound messages and record URLs' host (default: where the server listens).
    instance_url: str | None = None
    # Outbound messages (SOAP) per object type; `outbound_url` applies to every type without its own URL.
    outbound_url: str | None = None
    outbound_urls: dict[str, str] = field(default_factory=dict)
    outbound_fields: dict[str, list[str]] = field(default_factory=default_outbound_fields)
    # The entry conditions of the admin's record-triggered Flow on Task insert that sends the Task's Outbound
    # Message (or Flow event): any group matches when all its fields equal their values. The default fires for
    # logged calls only; DealCoach's set-up (README) adds email Tasks and completed Tasks (activity.logged).
    task_outbound_criteria: list[dict[str, str]] = field(default_factory=lambda: [{"TaskSubtype": "Call"}])
    send_session_id: bool = False
    # Flow HTTP callout mode: JSON events signed with X-DealCoach-Signature.
    flow_url: str | None = None
    flow_secret: str = "sandbox-flow-secret"
    # Delivery: notifications queued within the window go into one message (≤ 100); failed deliveries are retried
    # after initial, 2×initial, 4×initial … seconds (capped at max), `outbound_max_attempts` times in all.
    outbound_batch_window_s: float = 0.05
    outbound_retry_initial_s: float = 1.0
    outbound_retry_max_s: float = 60.0
    outbound_max_attempts: int = 8
    outbound_timeout_s: float = 10.0
    fault_seed: int | None = None

    def copy(self) -> SalesforceSandboxConfig:
        """A deep copy, so one config object can start several independent orgs."""
        return copy.deepcopy(self)

    def stage(self, name: str) -> dict[str, Any] | None:
        """The stage definition for a StageName (exact match, as Salesforce's picklist)."""
        return next((s for s in self.stages if s["StageName"] == name), None)
