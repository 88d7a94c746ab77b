"""The settings page and the deal card as HubSpot calls them (`hubspot.fetch`, signed v3 over method, URL with the
query HubSpot appends, body and timestamp), against the real app over HTTP, after a real install."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import requests

from connector import clock
from connector.models import Event, TenantSettings
from connector.tenants import Tenant
from scoring.rubric import load_rubric
from scoring.scorer import score_call
from scoring.transcript import parse_transcript
from sync.demo.stack import run_worker
from sync.queue import enqueue_events
from sync.state import DealState
from tests.admin.conftest import CLIENT_SECRET, PORTAL, TENANT, Admin
from tests.conftest import FIXTURES
from webhooks.signatures import hubspot_v3_headers, sign_hubspot_v2

USER = "9100001"


def fetch(
    admin: Admin,
    method: str,
    path: str,
    *,
    body: Any = None,
    portal: str = PORTAL,
    params: Any = None,
    secret: str = CLIENT_SECRET,
    tamper: dict[str, str] | None = None,
) -> requests.Response:
    """What `hubspot.fetch` sends: HubSpot's query parameters appended, the whole request signed v3."""
    query = {
        **(params or {}),
        "userId": USER,
        "userEmail": "taro.yamada@example.co.jp",
        "appId": "54321",
        "portalId": portal,
    }
    url = f"{admin.web.url}{path}?{urlencode(query)}"
    raw = b"" if body is None else json.dumps(body).encode()
    headers = hubspot_v3_headers(raw, secret, url, method=method)
    if tamper:
        url = f"{admin.web.url}{path}?{urlencode({**query, **tamper})}"
    return requests.request(method, url, data=raw, headers=headers, timeout=20)


def _seed_deal(admin: Admin, stage: str = "qualifiedtobuy") -> str:
    return str(
        admin.control(
            "POST",
            "seed",
            {"deals": [{"properties": {"dealname": "カード商談", "dealstage": stage, "hubspot_owner_id": "75000001"}}]},
        )["deals"][0]
    )


def _stage_event(deal: str, n: int = 0) -> Event:
    return Event(
        "deal.stage_changed",
        TENANT,
        f"card-evt-{deal}-{n}",
        deal,
        clock.now() - timedelta(minutes=1),
        data={"property_name": "dealstage", "property_value": "qualifiedtobuy"},
    )


def test_settings_page_reads_the_proposal_and_a_save_takes_effect_on_the_next_job(admin: Admin) -> None:
    assert admin.install().status_code == 200
    page = fetch(admin, "GET", "/hubspot/ui/settings")
    assert page.status_code == 200, page.text
    view = page.json()
    assert set(view["pipelines"]) == {"default", "renewals"} and view["confirmed"] == {
        "default": False,
        "renewals": False,
    }
    assert view["stage_maps"]["renewals"]["r_quote"] == "proposal"
    assert view["settings"]["stage_tasks"] is True

    maps = {**view["stage_maps"], "renewals": {**view["stage_maps"]["renewals"], "r_contact": "first_contact"}}
    saved = fetch(
        admin,
        "POST",
        "/hubspot/ui/settings",
        body={
            "settings": {"stage_tasks": False, "timezone": "America/New_York", "phrase_hints": ["DealCoach"]},
            "stage_maps": maps,
        },
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["confirmed"] == {"default": True, "renewals": True}
    tenant = admin.registry.get(TENANT)
    assert tenant is not None and (tenant.settings.stage_tasks, tenant.settings.timezone) == (False, "America/New_York")
    assert tenant.settings.stage_maps["renewals"]["r_contact"] == "first_contact"

    deal = _seed_deal(admin)
    enqueue_events(admin.conn, [_stage_event(deal)])
    run_worker(admin.conn)
    stage_tasks = [
        t
        for t in admin.control("GET", "objects/tasks")["results"]
        if "/stage-" in (t["properties"].get("hs_task_body") or "")
    ]
    assert stage_tasks == [], "stage tasks were switched off in the settings page"
    assert fetch(admin, "POST", "/hubspot/ui/settings", body={"settings": {"stage_tasks": True}}).status_code == 200
    enqueue_events(admin.conn, [_stage_event(deal, 1)])
    run_worker(admin.conn)
    assert any(
        "/stage-" in (t["properties"].get("hs_task_body") or "")
        for t in admin.control("GET", "objects/tasks")["results"]
    ), "switched back on: the next job acts"


def test_invalid_settings_name_the_key_and_the_last_valid_ones_stay(admin: Admin) -> None:
    assert admin.install().status_code == 200
    before = admin.registry.get(TENANT)
    cases = [
        ({"settings": {"timezone": "Mars/Olympus"}}, "timezone"),
        ({"settings": {"sla_enable": False}}, "sla_enable"),
        ({"settings": {"redact_pii": "no"}}, "redact_pii"),
        ({"settings": {"language": "fr"}}, "language"),
        ({"settings": {"sla": {"rules": {"ghosting": {"days": 0}}}}}, "sla.rules.ghosting.days"),
        ({"settings": {"calendar": {"extra_holidays": ["31/12/2026"]}}}, "calendar.extra_holidays"),
        ({"settings": {"scorer": "gpt"}}, "scorer"),
        ({"stage_maps": {"renewals": {"r_quote": "closing_dinner"}}}, "stage_maps.renewals.r_quote"),
        ({"stage_maps": {"other-portals-pipeline": {}}}, "stage_maps.other-portals-pipeline"),
        ({"stage_maps": {"renewals": {"r_quote": ["proposal"]}}}, "stage_maps.renewals.r_quote"),
        ({"stage_maps": {"renewals": ["r_quote"]}}, "stage_maps.renewals"),
        (
            {"settings": {"stage_tasks": False}, "stage_maps": {"default": {"nosuchstage": "proposal"}}},
            "stage_maps.default.nosuchstage",
        ),
    ]
    for body, key in cases:
        resp = fetch(admin, "POST", "/hubspot/ui/settings", body=body)
        assert resp.status_code == 422 and resp.json()["key"] == key, (body, resp.text)
    assert admin.registry.get(TENANT) == before, "nothing of a refused save is stored"


def test_every_request_is_signed_v3_and_answered_for_the_signed_portal_only(admin: Admin) -> None:
    assert admin.install().status_code == 200
    other = Tenant("hubspot", "777", credentials={"access_token": "x"}, settings=TenantSettings(timezone="UTC"))
    admin.registry.add(other)
    mine = fetch(admin, "GET", "/hubspot/ui/settings").json()["settings"]
    theirs = fetch(admin, "GET", "/hubspot/ui/settings", portal="777").json()["settings"]
    assert (mine["timezone"], theirs["timezone"]) == ("Asia/Tokyo", "UTC")

    url = f"{admin.web.url}/hubspot/ui/settings?{urlencode({'userId': USER, 'portalId': PORTAL})}"
    assert requests.get(url, timeout=10).status_code == 401, "unsigned"
    v2 = {"X-HubSpot-Signature": sign_hubspot_v2(b"", CLIENT_SECRET, "GET", url), "X-HubSpot-Signature-Version": "v2"}
    assert requests.get(url, headers=v2, timeout=10).status_code == 401, "v2 alone is not enough here"
    assert fetch(admin, "GET", "/hubspot/ui/settings", secret="not-the-app-secret").status_code == 401
    forged = fetch(admin, "GET", "/hubspot/ui/settings", portal="777", tamper={"portalId": PORTAL})
    assert forged.status_code == 401, "the portal is part of what is signed"
    body_swap = fetch(admin, "POST", "/hubspot/ui/settings", body={"settings": {}})
    assert body_swap.status_code == 200
    assert fetch(admin, "GET", "/hubspot/ui/settings", portal="31337").status_code == 404, "not installed"
    post_to_other = fetch(
        admin, "POST", "/hubspot/ui/settings", portal="777", body={"settings": {"sla_enabled": False}}
    )
    assert post_to_other.status_code == 200
    assert admin.registry.get(TENANT).settings.sla_enabled is True  # type: ignore[union-attr]


def test_deal_card_shows_the_latest_scorecard_and_open_dealcoach_tasks(admin: Admin) -> None:
    assert admin.install().status_code == 200
    deal = _seed_deal(admin)
    assert fetch(admin, "GET", "/hubspot/ui/deal-card", params={"dealId": deal}).json()["scorecard"] is None
    transcript = parse_transcript(
        (FIXTURES / "transcripts" / "discovery_good.ja.vtt").read_bytes(), filename="discovery_good.ja.vtt"
    )
    card = score_call(transcript, rubric=load_rubric("sales-7-phase", "ja"), mode="offline").to_dict()
    DealState(admin.conn, TENANT, deal).save_scorecard_if_newer(card, clock.now(), "call-1")
    enqueue_events(admin.conn, [_stage_event(deal)])
    run_worker(admin.conn)

    resp = fetch(admin, "GET", "/hubspot/ui/deal-card", params={"dealId": deal})
    assert resp.status_code == 200, resp.text
    shown = resp.json()
    assert shown["scorecard"]["overall"] == card["overall"]
    assert [p["score"] for p in shown["scorecard"]["phases"]] == [p["score"] for p in card["phases"]]
    assert shown["scorecard"]["phases"][0]["label"] != shown["scorecard"]["phases"][0]["id"], "rubric labels"
    assert shown["scorecard"]["bant"] == card["bant"] and shown["scorecard"]["next_step"] == card["next_step"]
    assert len(shown["open_tasks"]) >= 1 and all(t["subject"] for t in shown["open_tasks"])

    assert fetch(admin, "GET", "/hubspot/ui/deal-card", params={"dealId": "99999999999"}).status_code == 404
    assert fetch(admin, "GET", "/hubspot/ui/deal-card", params={"dealId": "1 OR 1"}).status_code == 400


def test_a_custom_pipeline_gets_stage_tasks_once_its_map_is_confirmed(admin: Admin) -> None:
    assert admin.install().status_code == 200
    deal = str(
        admin.control(
            "POST",
            "seed",
            {
                "deals": [
                    {
                        "properties": {
                            "dealname": "更新",
                            "pipeline": "renewals",
                            "dealstage": "r_quote",
                            "hubspot_owner_id": "75000001",
                        }
                    }
                ]
            },
        )["deals"][0]
    )

    def stage_tasks() -> list[dict[str, Any]]:
        return [
            t
            for t in admin.control("GET", "objects/tasks")["results"]
            if f"deal-{deal}/stage-r_quote" in (t["properties"].get("hs_task_body") or "")
        ]

    event = Event(
        "deal.stage_changed",
        TENANT,
        f"renewal-{deal}",
        deal,
        clock.now() - timedelta(minutes=1),
        data={"property_name": "dealstage", "property_value": "r_quote"},
    )
    enqueue_events(admin.conn, [event])
    run_worker(admin.conn)
    assert stage_tasks() == [], "a pipeline nobody mapped gets no coaching task"

    proposal = fetch(admin, "GET", "/hubspot/ui/settings").json()["stage_maps"]
    assert (
        fetch(
            admin, "POST", "/hubspot/ui/settings", body={"stage_maps": {"renewals": proposal["renewals"]}}
        ).status_code
        == 200
    )
    enqueue_events(admin.conn, [Event(**{**event.__dict__, "event_id": f"renewal-{deal}-2"})])
    run_worker(admin.conn)
    assert len(stage_tasks()) == 1, "confirmed: the stage's phase (proposal) coaches the deal"
