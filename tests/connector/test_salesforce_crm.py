"""SalesforceCrm specifics through simple-salesforce and the TLS sandbox: sessions, composite results, budget."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceResourceNotFound

from connector.base import (
    CrmAuthError,
    FatalCrmError,
    PartialWriteError,
    RetryableCrmError,
)
from connector.download import DownloadPolicy
from connector.models import NoteSpec, TaskSpec
from connector.salesforce.auth import SalesforceAuth
from connector.salesforce.crm import SalesforceCrm
from connector.salesforce.errors import classify_salesforce
from connector.sandbox.salesforce import (
    SalesforceSandboxConfig,
    start_salesforce_sandbox,
)
from connector.sandbox.salesforce_client import SandboxOrg, trusted_session
from connector.sandbox.salesforce_config import DEPARTED_PAIR_REP_ID, DEPARTED_REP_ID, MANAGER_USER_ID
from sync.writeback import Writeback, deal_lock

DUE = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)  # 18:30 in Tokyo

# The sandbox org serves its files on loopback: a policy only a test (or the demo) builds.
SANDBOX_FILES = DownloadPolicy.for_local_sandbox("127.0.0.1")


@pytest.fixture
def org() -> Iterator[SandboxOrg]:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig())
    yield SandboxOrg(server, app)
    server.stop()


@pytest.fixture
def org_without_key_field() -> Iterator[SandboxOrg]:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(custom_fields={}))
    yield SandboxOrg(server, app)
    server.stop()


def connector(org: SandboxOrg, **auth: str) -> SalesforceCrm:
    base = {"instance_url": org.url, "session_id": "sandbox-session-id"}
    return SalesforceCrm(auth=SalesforceAuth(**{**base, **auth}), tenant="salesforce:00D5g000004XyZaEAK",
                         session=trusted_session(org.cert), downloads=SANDBOX_FILES)


def opportunity(org: SandboxOrg) -> str:
    return org.client().Opportunity.create({"Name": "商談", "StageName": "Qualification", "CloseDate": "2026-12-31"})["id"]


def specs(deal: str, n: int, prefix: str = "k") -> list[TaskSpec]:
    return [TaskSpec(key=f"t/deal-{deal}/{prefix}{i}", deal_id=deal, subject=f"件名{i}", body="本文", due=DUE) for i in range(n)]


def test_task_fields_follow_salesforce_conventions(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    (task_id,) = crm.create_tasks([TaskSpec(key="t/x", deal_id=deal, subject="御礼メール", body="理由", due=DUE,
                                            priority="HIGH", owner_id="0055g00000TARO1AAP")])
    task = org.client().Task.get(task_id)
    assert task["ActivityDate"] == "2026-11-20"  # the due date in the tenant's time zone
    assert task["ReminderDateTime"].startswith("2026-11-20T09:30:00")
    assert (task["Priority"], task["Status"], task["WhatId"], task["OwnerId"]) == ("High", "Not Started", deal, "0055g00000TARO1AAP")
    assert task["DealCoach_Key__c"] == "t/x" and "[dealcoach:key=t/x]" in task["Description"]


def test_composite_batches_of_200(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    assert len(set(crm.create_tasks(specs(deal, 250)))) == 250
    calls = org.control("GET", "calls")["byEndpoint"]
    assert calls["POST /services/data/v{version}/composite/sobjects"] == 2


def test_partial_failure_keeps_the_written_records(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "faults", {"composite_record_failures": 1, "status_code": "UNABLE_TO_LOCK_ROW"})
    with pytest.raises(PartialWriteError) as err:
        crm.create_tasks(specs(deal, 3))
    assert len(err.value.created) == 2 and len(err.value.failed) == 1 and err.value.retryable
    assert "UNABLE_TO_LOCK_ROW" in next(iter(err.value.failed.values()))
    assert len(crm.list_marked(deal_id=deal, kind="task")) == 2


def test_validation_failure_is_not_retryable(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "faults", {"composite_record_failures": 1, "status_code": "FIELD_CUSTOM_VALIDATION_EXCEPTION"})
    with pytest.raises(PartialWriteError) as err:
        crm.create_tasks(specs(deal, 2))
    assert not err.value.retryable


def test_expired_direct_session_names_the_tenant(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "sessions/expire", {"tokens": ["sandbox-session-id"]})
    with pytest.raises(CrmAuthError, match="salesforce:00D5g000004XyZaEAK"):
        crm.get_deal(deal)


def test_refresh_token_renews_an_expired_session(org: SandboxOrg) -> None:
    deal = opportunity(org)
    crm = connector(org, session_id="", refresh_token="sandbox-refresh-token", consumer_key="sandbox-consumer-key",
                    consumer_secret="sandbox-consumer-secret", token_url=f"{org.url}/services/oauth2/token")
    assert crm.get_deal(deal).id == deal
    org.control("POST", "sessions/expire", {})
    assert crm.get_deal(deal).id == deal, "a 401 is followed by one refresh and the call goes on"
    bad = connector(org, session_id="", refresh_token="revoked", consumer_key="sandbox-consumer-key",
                    consumer_secret="sandbox-consumer-secret", token_url=f"{org.url}/services/oauth2/token")
    with pytest.raises(CrmAuthError, match="invalid_grant"):
        bad.get_deal(deal)


def refresh_token_connector(org: SandboxOrg) -> SalesforceCrm:
    return connector(org, session_id="", refresh_token="sandbox-refresh-token", consumer_key="sandbox-consumer-key",
                     consumer_secret="sandbox-consumer-secret", token_url=f"{org.url}/services/oauth2/token")


def test_download_after_the_session_expired_refreshes_it(org: SandboxOrg, tmp_path: Path) -> None:
    """A recording listed with one session and downloaded after it expired: refreshed once, then streamed."""
    seeded = org.seed(opportunities=[{"Name": "録音", "StageName": "Qualification", "CloseDate": "2026-12-31"}],
                      tasks=[{"Subject": "通話", "TaskSubtype": "Call", "Status": "Completed", "WhatId": 0}],
                      files=[{"title": "録音", "path_on_client": "call.wav", "content": "RIFF" + "x" * 5000,
                              "link_to": {"tasks": 0}}])
    crm = refresh_token_connector(org)
    (attachment,) = crm.get_call(seeded["tasks"][0], object_type="task").attachments
    org.control("POST", "sessions/expire", {})
    assert crm.stream_attachment(attachment.id, tmp_path / "call.wav", max_bytes=10_000) == 5004
    assert (tmp_path / "call.wav").read_bytes().startswith(b"RIFF")
    assert org.control("GET", "calls")["byStatus"]["401"] == 1


def test_writes_stop_inside_the_daily_reserve(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "limits", {"used": 90_500, "max": 100_000})
    crm.get_deal(deal)
    with pytest.raises(RetryableCrmError, match="budget"):
        crm.create_tasks(specs(deal, 1))
    assert crm.budget.daily_remaining is not None and crm.budget.daily_remaining < 10_000


def test_reserve_stops_writes_before_the_daily_limit(org: SandboxOrg) -> None:
    """Against Salesforce's real `api-usage=…; api-bursts=…` header, writes stop with 10 % of the allowance left."""
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "limits", {"used": 89_980, "max": 100_000})
    written = 0
    with pytest.raises(RetryableCrmError, match="budget"):
        for i in range(40):
            crm.create_tasks(specs(deal, 1, prefix=f"r{i}-"))
            written += 1
    used = org.control("GET", "limits")["used"]
    assert 0 < written < 40 and used <= 90_001, "stopped at the reserve, far before the limit"


def test_exhausted_daily_limit_is_retryable(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "limits", {"used": 100_000, "max": 100_000})
    with pytest.raises(RetryableCrmError, match="daily API limit") as err:
        crm.get_deal(deal)
    assert err.value.retry_after == 24 * 3600 * 0.10, "the time an evenly used 24 h window takes to free the reserve"
    assert err.value.status == 403 and not isinstance(err.value, CrmAuthError)


def test_concurrent_request_limit_is_retryable_soon() -> None:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(concurrent_long_running_limit=1,
                                                                   long_running_s=0.2))
    org = SandboxOrg(server, app)
    try:
        crm = connector(org)
        deal = opportunity(org)
        org.control("POST", "faults", {"delay_s": 1.5, "count": 1, "path_prefix": "limits"})
        slow = threading.Thread(target=lambda: org.api("GET", "limits"))
        slow.start()
        time.sleep(0.5)
        with pytest.raises(RetryableCrmError, match="concurrent") as err:
            crm.get_deal(deal)
        assert err.value.retry_after == 30 and err.value.status == 403
        slow.join()
        assert crm.get_deal(deal).id == deal
    finally:
        server.stop()


@pytest.mark.parametrize("body", [
    [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}],
    [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND", "fields": []}],
    "<html>Not Found</html>",
], ids=["without_fields", "with_fields", "text"])
def test_error_bodies_with_or_without_fields(body: object) -> None:
    err = classify_salesforce(SalesforceResourceNotFound("u", 404, "Opportunity", body), tenant="t",
                              reserve_fraction=0.1)
    assert type(err) is FatalCrmError and err.status == 404
    assert "NOT_FOUND" in str(err) or isinstance(body, str)


def test_read_only_field_is_left_out_of_the_deal_write(org: SandboxOrg) -> None:
    """Field-level security Read without Edit on one DealCoach field: the others are still written."""
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "field_security", {"objectType": "Opportunity", "readOnly": ["DealCoach_BANT__c"]})
    written = crm.update_deal(deal, {"dealcoach_score": 72, "dealcoach_bant": "B:✔", "dealcoach_deal_state": "shodan"})
    assert written == ["dealcoach_deal_state", "dealcoach_score"]
    opp = org.client().Opportunity.get(deal)
    assert (opp["DealCoach_Score__c"], opp["DealCoach_Deal_State__c"], opp["DealCoach_BANT__c"]) == (72.0, "shodan", None)


def test_read_only_key_field_is_not_sent_on_task_insert(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    org.control("POST", "field_security", {"objectType": "Task", "readOnly": ["DealCoach_Key__c"]})
    (task_id,) = crm.create_tasks(specs(deal, 1))
    assert [m.id for m in crm.list_marked(deal_id=deal, kind="task")] == [task_id], "found by its Description marker"


@pytest.mark.parametrize(("owner", "language", "expected_owner", "line"), [
    (DEPARTED_REP_ID, "ja", MANAGER_USER_ID, "担当者 鈴木 次郎 が無効なユーザーのため、上長の 佐藤 花子 に割り当てました。"),
    (DEPARTED_REP_ID, "en", MANAGER_USER_ID, "Assigned to 佐藤 花子, the manager of 鈴木 次郎, because 鈴木 次郎 is no longer an active user."),
    (DEPARTED_PAIR_REP_ID, "ja", MANAGER_USER_ID, "担当者 高橋 健 が無効なユーザーのため、連携ユーザーに割り当てました。"),
], ids=["manager_ja", "manager_en", "integration_user"])
def test_task_for_a_departed_rep_goes_to_the_manager_or_the_integration_user(
        org: SandboxOrg, owner: str, language: str, expected_owner: str, line: str) -> None:
    """The sandbox's API user is the manager 佐藤 花子, so the integration-user fallback is owned by her too."""
    crm = SalesforceCrm(auth=SalesforceAuth(instance_url=org.url, session_id="sandbox-session-id"), tenant="t",
                        language=language, session=trusted_session(org.cert), downloads=SANDBOX_FILES)
    deal = opportunity(org)
    spec = TaskSpec(key="t/departed", deal_id=deal, subject="御礼", body="本文", due=DUE, owner_id=owner)
    (task_id,) = crm.create_tasks([spec])
    task = org.client().Task.get(task_id)
    assert task["OwnerId"] == expected_owner
    assert task["Description"] == f"本文\n{line}\n\n[dealcoach:key=t/departed]"
    crm.update_tasks({task_id: spec})
    written = org.control("GET", "writes?objectType=Task")["results"]
    assert [w["action"] for w in written] == ["create", "update"]
    assert ("OwnerId" in written[1]["fields"]) is (owner == DEPARTED_REP_ID), "the fallback to us sends no OwnerId"


def test_long_body_keeps_its_marker_so_a_rerun_updates(org_without_key_field: SandboxOrg, redis_conn: Any) -> None:
    """No DealCoach_Key__c: the marker at the end of a 40,000-character body survives the 32,000 limit."""
    org = org_without_key_field
    crm = connector(org)
    deal = opportunity(org)
    spec = TaskSpec(key="t/long", deal_id=deal, subject="長文", body="あ" * 40_000, due=DUE)
    for expected in ("created", "updated"):
        with deal_lock(redis_conn, "t", deal) as fence:
            (result,) = Writeback(redis_conn, crm, "t", deal, fence=fence).upsert_tasks([spec])
        assert result.action == expected
        redis_conn.flushdb()  # without the idempotency map, the re-run must find the task by its marker
    tasks = org.dump("Task")
    assert len(tasks) == 1 and len(tasks[0]["Description"]) == 32_000
    assert tasks[0]["Description"].endswith("…\n\n[dealcoach:key=t/long]")


# The shapes render_note_html emits: bold labels, lists, a score table, quotes escaped by html.escape.
SCORECARD_HTML = ("<p><b>総合スコア</b>: 72<br>商談: A社 &quot;SFA&quot; 導入</p><ul><li>「御社&#x27;s 課題は？」</li></ul>"
                  "<table><tr><td>導入</td><td>80</td></tr><tr><td>ヒアリング</td><td>65</td></tr></table>")


def test_scorecard_note_is_sent_in_the_contentnote_subset(org: SandboxOrg) -> None:
    crm = connector(org)
    deal = opportunity(org)
    note_id = crm.create_note(NoteSpec(key="n/1", deal_id=deal, title="スコアカード", body_html=SCORECARD_HTML))
    version = org.dump("ContentNote")[0]["LatestPublishedVersionId"]
    stored = org.api("GET", f"sobjects/ContentVersion/{version}/VersionData").content.decode()
    assert stored == ("<p><b>総合スコア</b>: 72<br>商談: A社 &quot;SFA&quot; 導入</p><ul><li>「御社&#39;s 課題は？」</li></ul>"
                      "<p>導入 | 80</p><p>ヒアリング | 65</p><p>[dealcoach:key=n/1]</p>")
    assert [m.id for m in crm.list_marked(deal_id=deal, kind="note")] == [note_id]


def test_stage_entry_time_comes_from_opportunity_history(org: SandboxOrg) -> None:
    crm = connector(org)
    seeded = org.control("POST", "seed", {"opportunities": [{
        "Name": "履歴", "StageName": "Needs Analysis", "CloseDate": "2026-12-31",
        "history": [{"StageName": "Prospecting", "CreatedDate": "2026-10-01T00:00:00Z"},
                    {"StageName": "Needs Analysis", "CreatedDate": "2026-10-10T00:00:00Z"}]}]})
    deal = crm.get_deal(seeded["opportunities"][0])
    assert deal.stage_entered_at == datetime(2026, 10, 10, tzinfo=timezone.utc)


def test_rerun_restores_the_link_a_crashed_run_left_out(org: SandboxOrg, redis_conn: Any) -> None:
    """The note and its links are two requests: a run that died between them left a note without its call link."""
    crm = connector(org)
    deal = opportunity(org)
    call = org.client().Task.create({"Subject": "通話", "WhatId": deal, "Status": "Completed"})["id"]
    spec = NoteSpec(key=f"n/deal-{deal}/call-{call}", deal_id=deal, call_id=call, title="スコア", body_html="<p>72</p>")
    with deal_lock(redis_conn, "t", deal) as fence:
        first = Writeback(redis_conn, crm, "t", deal, fence=fence).upsert_note(spec)
    sf = org.client()

    def linked_to(entity: str) -> list[dict[str, Any]]:
        soql = f"SELECT Id, ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{entity}'"
        return [r for r in sf.query(soql)["records"] if r["ContentDocumentId"] == first.id]

    (call_link,) = linked_to(call)
    sf.ContentDocumentLink.delete(call_link["Id"])
    assert linked_to(call) == []
    redis_conn.flushdb()  # the crashed run never recorded the note: the re-run finds it by its marker
    with deal_lock(redis_conn, "t", deal) as fence:
        again = Writeback(redis_conn, crm, "t", deal, fence=fence).upsert_note(spec)
    assert (again.id, again.action) == (first.id, "updated")
    assert len(linked_to(call)) == 1 and len(linked_to(deal)) == 1
    assert len(org.dump("ContentNote")) == 1


def _notes_run(crm: SalesforceCrm, redis_conn: Any, spec: NoteSpec) -> Any:
    with deal_lock(redis_conn, "t", spec.deal_id) as fence:
        return Writeback(redis_conn, crm, "t", spec.deal_id, fence=fence).upsert_note(spec)


def test_note_and_links_are_one_request_so_a_failed_link_leaves_no_note(org: SandboxOrg, redis_conn: Any) -> None:
    """Issue 11: the note was created, then linked in a second request; when that one failed (or the worker died),
    the note stayed unlinked, the marker scan (which reads the deal's links) could not find it, and the retry wrote a
    second note. The failure is injected on the request that carries the links, whichever that is."""
    crm = connector(org)
    deal = opportunity(org)
    call = org.client().Task.create({"Subject": "通話", "WhatId": deal, "Status": "Completed"})["id"]
    spec = NoteSpec(key=f"n/deal-{deal}/call-{call}", deal_id=deal, call_id=call, title="スコア", body_html="<p>72</p>")
    org.control("POST", "faults", {"status": 400, "count": 1, "method": "POST",
                                   "path_prefix": "/services/data/v62.0/composite"})
    with pytest.raises(FatalCrmError):
        _notes_run(crm, redis_conn, spec)
    assert [n for n in org.dump("ContentNote") if not n.get("IsDeleted")] == [], "nothing half-written"
    again = _notes_run(crm, redis_conn, spec)
    notes = [n for n in org.dump("ContentNote") if not n.get("IsDeleted")]
    assert again.action == "created" and [n["Id"] for n in notes] == [again.id], "one note, not two"
    links = org.client().query(f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = '{again.id}'")
    assert {r["LinkedEntityId"] for r in links["records"]} >= {deal, call}


def test_a_refused_link_rolls_the_note_back(org: SandboxOrg, redis_conn: Any) -> None:
    """allOrNone: a link Salesforce refuses (here, a parent that does not exist) undoes the note in the same request."""
    crm = connector(org)
    deal = opportunity(org)
    gone = org.client().Task.create({"Subject": "通話", "WhatId": deal, "Status": "Completed"})["id"]
    org.client().Task.delete(gone)
    spec = NoteSpec(key=f"n/deal-{deal}/call-{gone}", deal_id=deal, call_id=gone, title="スコア", body_html="<p>1</p>")
    before = org.control("GET", "calls")["total"]
    with pytest.raises(FatalCrmError):
        crm.create_note(spec)
    assert org.control("GET", "calls")["total"] - before == 1, "the note and its links are one request"
    assert [n for n in org.dump("ContentNote") if not n.get("IsDeleted")] == []


def test_sweep_pages_read_deals_history_and_tasks_a_page_at_a_time(org: SandboxOrg) -> None:
    """Keyset pages by Id: every open deal once, with its own stage history and Tasks, three queries a page."""
    from connector.salesforce.sweep import sweep_pages

    crm = connector(org)
    seeded = org.control("POST", "seed", {"opportunities": [
        {"Name": f"商談{i}", "StageName": "Needs Analysis", "CloseDate": "2026-12-31",
         "history": [{"StageName": "Needs Analysis", "CreatedDate": f"2026-10-0{i + 1}T00:00:00Z"}]} for i in range(5)]})
    opps = seeded["opportunities"]
    (task_id,) = crm.create_tasks([TaskSpec(key="t/sweep", deal_id=opps[3], subject="件名", body="本文", due=DUE)])
    before = org.control("GET", "calls")["total"]
    pages = list(sweep_pages(crm, page_size=2))
    assert [len(p) for p in pages] == [2, 2, 1]
    assert org.control("GET", "calls")["total"] - before == 3 * 3, "three queries per page"
    by_id = {deal.id: (deal, records) for page in pages for deal, records in page}
    assert sorted(by_id) == sorted(opps)
    assert [m.id for m in by_id[opps[3]][1].tasks] == [task_id] and by_id[opps[2]][1].tasks == []
    assert by_id[opps[0]][0].stage_entered_at == datetime(2026, 10, 1, tzinfo=timezone.utc)
