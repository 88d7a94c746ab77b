"""Settings an admin edits in Salesforce (DealCoach_Setting__mdt.Default) reach DealCoach's jobs within a minute;
invalid ones keep the last valid settings and give the admin one Task; "require SessionId" refuses bare messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import requests
from rq import Queue
from simple_salesforce.exceptions import SalesforceError

from connector.tenants import TenantRegistry
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from sync.forget import forget_tenant
from sync.queue import EVENTS
from sync.salesforce_settings import _CHECKED, CHECK_TTL_S
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app


@pytest.fixture
def stack(redis_conn: redis.Redis) -> Iterator[SalesforceStack]:
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        yield s


def _deploy(stack: SalesforceStack, **values: Any) -> None:
    """The admin saves the Default record in Setup (or deploys it)."""
    stack.control("PUT", "custom-metadata/DealCoach_Setting__mdt/Default", {"values": values})


def _settings(stack: SalesforceStack) -> Any:
    tenant = TenantRegistry(stack.conn, TEST_SECRET_KEY).get(stack.tenant)
    assert tenant is not None
    return tenant.settings


def _a_job_runs(stack: SalesforceStack) -> None:
    """A rep moves a deal: its Outbound Message queues a job, which reads the tenant (and the org's settings)."""
    stack.move_stage(stack.create_opportunity(name="設定 確認", stage="Prospecting"), "Qualification")
    stack.deliver_webhooks()
    stack.run_worker()


def _minute_passes(stack: SalesforceStack) -> None:
    """The once-a-minute check key expires (what sixty seconds would do)."""
    key = _CHECKED.format(stack.tenant)
    ttl = stack.conn.ttl(key)
    assert 0 < ttl <= CHECK_TTL_S <= 60
    stack.conn.pexpire(key, 1)
    while stack.conn.exists(key):
        pass


def _admin_tasks(stack: SalesforceStack) -> list[dict[str, Any]]:
    return list(stack.sf.query_all(
        "SELECT Id, Subject, Description, Status FROM Task WHERE DealCoach_Key__c LIKE 'dealcoach-settings-%'"
    )["records"])  # fmt: skip


def test_a_change_in_the_org_applies_within_a_minute(stack: SalesforceStack) -> None:
    _deploy(stack, Language__c="en", Time_Zone__c="America/New_York", SLA_Enabled__c=True, Noise_Budget__c=3.0,
            Phrase_Hints__c="DealCoach\nAcme, Globex", Redact_PII__c=True)  # fmt: skip
    _a_job_runs(stack)
    first = _settings(stack)
    assert (first.language, first.timezone, first.sla_enabled) == ("en", "America/New_York", True)
    assert first.sla.get("noise_budget") == 3 and first.phrase_hints == ["DealCoach", "Acme", "Globex"]
    _deploy(stack, Language__c="en", Time_Zone__c="Europe/Paris", SLA_Enabled__c=False, Redact_PII__c=True)
    _a_job_runs(stack)
    assert _settings(stack).timezone == "America/New_York", "read at most once a minute"
    _minute_passes(stack)
    _a_job_runs(stack)
    after = _settings(stack)
    assert (after.timezone, after.sla_enabled) == ("Europe/Paris", False)
    assert _admin_tasks(stack) == []
    assert forget_tenant(stack.conn, TenantRegistry(stack.conn, TEST_SECRET_KEY), stack.tenant)
    assert not list(stack.conn.scan_iter(match="dealcoach:sf:mdt:*")), "tenants remove forgets the settings keys"


def test_invalid_settings_keep_the_last_valid_ones_and_give_the_admin_one_task(stack: SalesforceStack) -> None:
    _deploy(stack, Language__c="ja", Time_Zone__c="Asia/Tokyo", Redact_PII__c=True)
    _a_job_runs(stack)
    _deploy(stack, Language__c="ja", Time_Zone__c="Asia/Tokio", Redact_PII__c=False)
    _minute_passes(stack)
    _a_job_runs(stack)
    settings = _settings(stack)
    assert (settings.timezone, settings.redact_pii) == ("Asia/Tokyo", True), "nothing of the invalid record applies"
    (task,) = _admin_tasks(stack)
    assert "Time_Zone__c" in task["Subject"]
    assert "'Asia/Tokio' is not an IANA time zone" in task["Description"]
    for _ in range(2):
        _minute_passes(stack)
        _a_job_runs(stack)
    assert len(_admin_tasks(stack)) == 1, "the same mistake is reported once"
    _deploy(stack, Language__c="ja", Time_Zone__c="Asia/Tokyo", SLA_Rules_JSON__c='{"nurture_30d": {"enabled": fals}}')
    _minute_passes(stack)
    _a_job_runs(stack)
    tasks = _admin_tasks(stack)
    assert len(tasks) == 2 and any(
        "SLA_Rules_JSON__c" in t["Subject"] and "not JSON" in t["Description"] for t in tasks
    )


def test_custom_metadata_cannot_be_written_through_the_data_api(stack: SalesforceStack) -> None:
    _deploy(stack, Language__c="ja")
    rows = stack.sf.query("SELECT Id, DeveloperName, QualifiedApiName, Language__c FROM DealCoach_Setting__mdt")
    (row,) = rows["records"]
    assert (row["DeveloperName"], row["Language__c"]) == ("Default", "ja") and row["Id"].startswith("m00")
    with pytest.raises(SalesforceError, match="INVALID_TYPE_FOR_OPERATION"):
        stack.sobject("DealCoach_Setting__mdt").update(row["Id"], {"Language__c": "en"})


def _bare_message(stack: SalesforceStack) -> bytes:
    """An Outbound Message as the org sends it with "Send Session ID" off."""
    stack.move_stage(stack.create_opportunity(name="A社", stage="Prospecting"), "Qualification")
    stack.deliver_webhooks()
    body = str(stack.control("GET", "outbound/deliveries")["deliveries"][-1]["body"])
    assert not re.search(r"<(?:\w+:)?SessionId>[^<]", body)
    return body.encode()


def _variant(body: bytes, n: int) -> bytes:
    """The same message for another deal, with its own notification id (so it is not a re-delivery)."""
    text = re.sub(r"(<(?:\w+:)?Id>)04l[^<]+(</)", rf"\g<1>04l00000000000{n}\g<2>", body.decode())
    return re.sub(r"(<(?:\w+:)?Id>)006[^<]+(</)", rf"\g<1>00600000000000{n}\g<2>", text, count=1).encode()


def test_require_session_id_refuses_messages_without_one(stack: SalesforceStack, redis_conn: redis.Redis) -> None:
    body, url = _bare_message(stack), f"{stack.app.url}/webhooks/salesforce/outbound"
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    queue = Queue(EVENTS, connection=redis_conn)
    before = queue.count
    assert requests.post(url, data=_variant(body, 1), headers=headers, timeout=10).status_code == 200
    assert queue.count == before + 1, "off: the org id is trusted as before"
    _deploy(stack, Require_Session_Id__c=True, Language__c="ja")
    stack.run_worker()
    assert _settings(stack).require_session_id is True
    queued = queue.count
    resp = requests.post(url, data=_variant(body, 2), headers=headers, timeout=10)
    assert resp.status_code == 401 and "session id required" in resp.text
    assert queue.count == queued, "nothing queued"


def test_an_unreadable_record_keeps_the_settings_and_is_tried_again_a_minute_later(
    stack: SalesforceStack, caplog: pytest.LogCaptureFixture
) -> None:
    _deploy(stack, Language__c="en", Redact_PII__c=True)
    stack.control("POST", "faults", {"status": 503, "count": 1, "path_prefix": "/services/data/v62.0/query"})
    _a_job_runs(stack)
    assert stack.control("GET", "faults")["faults"] == [] and "sync.settings_mdt.unreadable" in caplog.text
    assert _settings(stack).language == "ja"
    _a_job_runs(stack)
    assert _settings(stack).language == "ja", "not read again on every job"
    _minute_passes(stack)
    _a_job_runs(stack)
    assert _settings(stack).language == "en"
    assert Queue("events", connection=stack.conn).failed_job_registry.count == 0, "the jobs themselves went on"


def test_stage_maps_are_checked_against_the_orgs_own_stages_and_drive_the_stage_tasks(stack: SalesforceStack) -> None:
    """Salesforce has one stage list (OpportunityStage): a map naming an unknown stage is refused by name, a valid
    one is what the next stage task follows."""
    _deploy(stack, Language__c="en", Stage_Maps_JSON__c='{"default": {"Qualfication": "proposal"}}')
    _a_job_runs(stack)
    assert _settings(stack).stage_maps == {}
    (task,) = _admin_tasks(stack)
    assert "Stage_Maps_JSON__c" in task["Subject"] and "is not a stage of this pipeline" in task["Description"]
    _deploy(stack, Language__c="en", Stage_Maps_JSON__c='{"default": {"Qualification": "proposal"}}',
            Managers_JSON__c='{"005000000000001AAA": "005000000000002AAA"}', Stage_Tasks__c=True)  # fmt: skip
    _minute_passes(stack)
    opp = stack.create_opportunity(name="Map check", stage="Prospecting")
    stack.move_stage(opp, "Qualification")
    stack.deliver_webhooks()
    stack.run_worker()
    settings = _settings(stack)
    assert settings.stage_maps == {"default": {"Qualification": "proposal"}}
    assert settings.managers == {"005000000000001AAA": "005000000000002AAA"}
    subjects = [t["Subject"] for t in stack.tasks_on(opp)]
    assert any("Qualification" in s and "Proposal" in s for s in subjects), subjects
