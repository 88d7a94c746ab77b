"""The one settings model: every way in (CLI `--settings`, the settings page) refuses a bad value naming the key, and
a saved setting reaches the worker's parts on the next job, well within a minute (clock seam, no sleeps)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import redis

from connector import clock
from connector.models import TenantSettings
from connector.tenants import Tenant
from sync.demo.hubspot_stack import embedded_stack
from sync.demo.run import sample_transcript
from sync.demo.stack import stack_runtime
from sync.settings_validation import SettingsError, parse_tenant_settings, validate_settings
from sync.sweep import sweep
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app

BAD = [
    ('{"sla_enable": false}', "sla_enable"),
    ('{"redact_pii": "no"}', "redact_pii"),
    ('{"timezone": "Mars/Olympus"}', "timezone"),
    ('{"language": "fr"}', "language"),
    ('{"scorer": "gpt"}', "scorer"),
    ('{"sla": {"noise_budget": 0}}', "sla.noise_budget"),
    ('{"sla": {"rules": {"stale_deal": {"inactive_days": 0}}}}', "sla.rules.stale_deal.inactive_days"),
    ('{"sla": {"rules": {"stale_deal": {"inactive_weeks": 2}}}}', "sla.rules.stale_deal.inactive_weeks"),
    ('{"sla": {"rules": {"no_such_rule": {"enabled": false}}}}', "sla.rules.no_such_rule"),
    ('{"calendar": {"business_hours": {"start": "19:00", "end": "18:00"}}}', "calendar.business_hours"),
    ('{"calendar": {"extra_holidays": ["2026-13-01"]}}', "calendar.extra_holidays"),
    ('{"calendar": {"holidays": []}}', "calendar.holidays"),
    ('{"calendar": {"year_end_holidays": "yes"}}', "calendar.year_end_holidays"),
    ('{"managers": {"75000001": 7}}', "managers"),
    ('{"team_managers": {"5001": " "}}', "team_managers.5001"),
    ('{"recording_hosts": ["https://dialer.example.com/x"]}', "recording_hosts[0]"),
    ('{"phrase_hints": [""]}', "phrase_hints[0]"),
    ('{"stage_maps": {"default": {"appointmentscheduled": "closing_dinner"}}}', "stage_maps.default.appointmentscheduled"),
]


@pytest.mark.parametrize(("raw", "key"), BAD, ids=[k for _, k in BAD])
def test_a_bad_value_is_refused_naming_its_key(raw: str, key: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_tenant_settings(raw)
    assert caught.value.key == key, str(caught.value)


def test_every_setting_at_once_is_accepted_and_round_trips() -> None:
    full = {
        "language": "en", "scorer": "offline", "timezone": "America/New_York", "stage_tasks": False,
        "next_action_tasks": True, "redact_pii": True, "restore_pii_in_note": True, "manager_id": "75000009",
        "managers": {"75000001": "75000002"}, "sla_enabled": True,
        "sla": {"noise_budget": 3, "rules": {"stale_deal": {"inactive_days": 10}, "nurture_30d": {"enabled": False}}},
        "calendar": {"business_hours": {"start": "08:30", "end": "17:30"}, "year_end_holidays": True,
                     "extra_holidays": ["2026-08-14"]},
        "phrase_hints": ["DealCoach"], "recording_hosts": ["recordings.dialer.example.com"],
        "stage_maps": {"default": {"appointmentscheduled": "first_contact"}},
    }  # fmt: skip
    settings = TenantSettings(**{**dataclasses.asdict(TenantSettings()), **validate_settings(full)})
    assert dataclasses.asdict(settings) == {**dataclasses.asdict(TenantSettings()), **full}


def test_a_saved_setting_reaches_the_next_job_within_a_minute() -> None:
    rt = stack_runtime(TEST_SECRET_KEY, {"DEALCOACH_SCORER": "llm"})
    tenant = Tenant("salesforce", "00D000000000001AAA", credentials={"instance_url": "https://x.my.salesforce.com",
                                                                      "access_token": "t"})  # fmt: skip
    start = datetime(2026, 4, 1, 10, tzinfo=UTC)
    with clock.using(clock.AnchoredClock(start)) as clk:
        first = rt.crm(tenant)
        clk.advance(timedelta(seconds=30))
        assert rt.crm(tenant) is first, "unchanged settings keep the cached client"
        saved = dataclasses.replace(
            tenant, settings=TenantSettings(timezone="America/New_York", recording_hosts=["dialer.example.com"])
        )
        clk.advance(timedelta(seconds=29))
        after = rt.crm(saved)
        assert after is not first, "a saved setting is not hidden behind the five-minute client cache"
        assert "dialer.example.com" in after.downloads.allowed_hosts  # type: ignore[attr-defined]
        assert str(after.tz) == "America/New_York"  # type: ignore[attr-defined]
        clk.advance(timedelta(minutes=5))
        assert rt.crm(saved) is not after, "the cache itself still expires"
    assert rt.scorer_mode(tenant) == "llm", "no choice: the deployment's DEALCOACH_SCORER"
    assert rt.scorer_mode(dataclasses.replace(tenant, settings=TenantSettings(scorer="offline"))) == "offline"
    wants_llm = dataclasses.replace(tenant, settings=TenantSettings(scorer="llm"))
    assert rt.scorer_mode(wants_llm) == "auto", "no LLM endpoint here: offline until one is configured"
    with_llm = stack_runtime(TEST_SECRET_KEY, {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert with_llm.scorer_mode(wants_llm) == "llm"


def test_a_manager_named_for_an_owner_gets_that_owners_escalations(redis_conn: redis.Redis) -> None:
    rep, other_rep, boss, their_boss = "75000001", "75000002", "75000009", "75000008"
    settings = TenantSettings(manager_id=boss, managers={rep: their_boss})
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=settings) as hub:
        month_ago = str(int((clock.now() - timedelta(days=30)).timestamp() * 1000))
        seeded = hub.control("POST", "seed", json={"deals": [{"properties": {
            "dealname": f"放置案件{i}", "dealstage": "decisionmakerboughtin", "pipeline": "default",
            "hubspot_owner_id": owner, "amount": "3000000", "createdate": month_ago, "notes_last_updated": month_ago}}
            for i, owner in enumerate((rep, other_rep))]})  # fmt: skip
        plan = sweep(redis_conn, hub.tenant, now=clock.now(), dry_run=True)
    owners = {d["deal"]: {t["owner"] for t in d["plan"]["create"] if t["rule"] == "stale_deal"} for d in plan["deals"]}
    mine, theirs = seeded["deals"]
    assert owners[mine] == {rep, their_boss}, "the owner's own manager"
    assert owners[theirs] == {other_rep, boss}, "everyone else's: the tenant's manager"


def test_the_call_job_scores_with_the_tenants_scorer(redis_conn: redis.Redis) -> None:
    """The deployment says `llm` and has no endpoint (every call would fail); the tenant chose `offline`."""
    settings = TenantSettings(scorer="offline")
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=settings,
                        env={"DEALCOACH_SCORER": "llm"}) as hub:  # fmt: skip
        deal = hub.create_deal(name="採点方式テスト", stage="appointmentscheduled", owner_id="75000001")
        hub.drain()
        hub.log_call(deal_id=deal, transcript=sample_transcript(), title="初回", owner_id="75000001",
                     at=clock.now() - timedelta(hours=1))  # fmt: skip
        hub.drain()
        notes, props = hub.notes_on(deal), hub.deal_properties(deal)
    assert len(notes) == 1 and props.get("dealcoach_score"), "scored offline, as the tenant chose"
