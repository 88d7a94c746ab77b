"""HubSpotCrm through the real hubspot-api-client against the sandbox: domain objects out, classified errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from connector import clock
from connector.base import CrmAuthError, FatalCrmError, RetryableCrmError
from connector.download import DownloadPolicy
from connector.hubspot.crm import HubSpotCrm
from connector.models import NoteSpec, TaskSpec
from connector.sandbox.hubspot import HubSpotSandboxConfig, create_hubspot_sandbox
from connector.sandbox.server import ServerThread

DUE = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)

# The sandbox serves its files over http on loopback: a policy only a test (or the demo) builds.
SANDBOX_FILES = DownloadPolicy.for_local_sandbox("127.0.0.1")


def start(config: HubSpotSandboxConfig) -> ServerThread:
    server = ServerThread(create_hubspot_sandbox(config))
    server.start()
    return server


@pytest.fixture
def sandbox() -> Iterator[ServerThread]:
    server = start(HubSpotSandboxConfig())
    yield server
    server.stop()


def crm(server: ServerThread, token: str = "sandbox-token") -> HubSpotCrm:
    return HubSpotCrm(access_token=token, api_base=server.url, portal_id="62515", downloads=SANDBOX_FILES)


def make_deal(c: HubSpotCrm, stage: str = "qualifiedtobuy") -> str:
    from hubspot.crm.objects import SimplePublicObjectInputForCreate

    deal = c.client.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(properties={
        "dealname": "テスト商談", "dealstage": stage, "pipeline": "default", "hubspot_owner_id": "75000001", "amount": "500000"}))
    return str(deal.id)


def test_get_deal_maps_stage_owner_and_closed_flags(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = c.get_deal(make_deal(c))
    assert (deal.stage, deal.pipeline, deal.owner_id, deal.owner_name) == ("qualifiedtobuy", "default", "75000001", "山田 太郎")
    assert deal.amount == 500000.0 and not deal.is_closed and deal.stage_label == "Qualified To Buy"
    won = c.get_deal(make_deal(c, "closedwon"))
    lost = c.get_deal(make_deal(c, "closedlost"))
    assert (won.is_closed, won.is_won, lost.is_closed, lost.is_won) == (True, True, True, False)
    assert int(deal.id) > 2**31


def _stage_history(server: ServerThread, deal_id: str) -> list[datetime]:
    """The sandbox's own record of when `dealstage` took each value, newest first (HubSpot's wire format)."""
    import requests

    got = requests.get(f"{server.url}/crm/v3/objects/deals/{deal_id}", params={"propertiesWithHistory": "dealstage"},
                       headers={"Authorization": "Bearer sandbox-token"}, timeout=10).json()
    return [datetime.fromisoformat(v["timestamp"].replace("Z", "+00:00")) for v in got["propertiesWithHistory"]["dealstage"]]


def test_stage_entered_at_is_the_start_of_the_current_run_of_the_stage(
    sandbox: ServerThread, world_clock: clock.AnchoredClock
) -> None:
    c = crm(sandbox)
    deal_id = make_deal(c, "appointmentscheduled")
    world_clock.advance(timedelta(days=3))
    c.update_deal(deal_id, {"dealstage": "qualifiedtobuy"})
    world_clock.advance(timedelta(days=4))
    c.update_deal(deal_id, {"dealstage": "appointmentscheduled"})  # back: a new run of the stage starts here
    world_clock.advance(timedelta(days=2))
    c.update_deal(deal_id, {"dealstage": "appointmentscheduled", "amount": 600000})  # same stage: the run goes on
    import requests

    reads = "GET /crm/v3/objects/deals/{objectId}"
    before = requests.get(f"{sandbox.url}/_sandbox/calls", timeout=10).json()["byEndpoint"].get(reads, 0)
    deal = c.get_deal(deal_id)
    after = requests.get(f"{sandbox.url}/_sandbox/calls", timeout=10).json()["byEndpoint"][reads]
    assert after == before + 1  # the history comes with the deal: still one request
    back_in_a, in_b, first_in_a = _stage_history(sandbox, deal_id)
    assert deal.stage == "appointmentscheduled"
    assert deal.stage_entered_at == back_in_a != first_in_a
    assert deal.created_at == first_in_a < in_b < back_in_a
    assert abs(back_in_a - (clock.now() - timedelta(days=2))) < timedelta(seconds=5)


def test_stage_entered_at_of_a_deal_never_moved_is_its_creation(sandbox: ServerThread) -> None:
    import requests

    created = clock.now() - timedelta(days=30)
    seeded = requests.post(f"{sandbox.url}/_sandbox/seed", timeout=10, json={"deals": [{
        "createdAt": int(created.timestamp() * 1000),
        "properties": {"dealname": "据え置き", "dealstage": "presentationscheduled", "hubspot_owner_id": "75000001"}}]})
    deal = crm(sandbox).get_deal(seeded.json()["deals"][0])
    assert deal.stage_entered_at == deal.created_at == _stage_history(sandbox, deal.id)[0]
    assert abs(deal.stage_entered_at - created) < timedelta(milliseconds=1)
    c = crm(sandbox)
    fresh = c.get_deal(make_deal(c))
    assert fresh.stage_entered_at == fresh.created_at is not None


def test_run_start_is_the_oldest_of_the_leading_versions_holding_the_stage() -> None:
    from types import SimpleNamespace as V

    from connector.hubspot.format import run_started_at

    day = [datetime(2026, 11, d, tzinfo=timezone.utc) for d in range(1, 6)]
    versions = [V(value="a", timestamp=day[4]), V(value="a", timestamp=day[3]), V(value="b", timestamp=day[2]),
                V(value="a", timestamp=day[1]), V(value="a", timestamp=day[0])]
    assert run_started_at(versions, "a") == day[3]
    assert run_started_at(list(reversed(versions)), "a") == day[3]  # order is not trusted blindly
    assert run_started_at(versions, "b") is None and run_started_at([], "a") is None and run_started_at(None, "") is None


def test_notes_and_tasks_carry_keys_and_are_found_again(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = make_deal(c)
    note_id = c.create_note(NoteSpec(key="t/deal/note", deal_id=deal, body_html="<p>本文</p>"))
    specs = [TaskSpec(key=f"t/deal/task-{i}", deal_id=deal, subject=f"件名{i}", body="やること", due=DUE) for i in range(3)]
    ids = c.create_tasks(specs)
    assert len(set(ids)) == 3
    assert {m.key: m.id for m in c.list_marked(deal_id=deal, kind="task")} == {s.key: i for s, i in zip(specs, ids)}
    assert [(m.key, m.id) for m in c.list_marked(deal_id=deal, kind="note")] == [("t/deal/note", note_id)]


def test_create_tasks_batches_at_100(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = make_deal(c)
    specs = [TaskSpec(key=f"t/deal/bulk-{i}", deal_id=deal, subject="s", body="b", due=DUE) for i in range(150)]
    assert len(c.create_tasks(specs)) == 150
    import requests

    counts = requests.get(f"{sandbox.url}/_sandbox/calls", timeout=10).json()
    assert counts["byEndpoint"]["POST /crm/v3/objects/tasks/batch/create"] == 2


def test_update_deal_writes_only_existing_properties(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = make_deal(c)
    assert c.update_deal(deal, {"dealcoach_score": 80, "not_a_property": "x"}) == ["dealcoach_score"]
    bare = start(HubSpotSandboxConfig(custom_properties={}))
    try:
        b = crm(bare)
        assert b.update_deal(make_deal(b), {"dealcoach_score": 80}) == []
    finally:
        bare.stop()


def test_wrong_token_is_an_auth_error(sandbox: ServerThread) -> None:
    with pytest.raises(CrmAuthError) as err:
        crm(sandbox, token="wrong").get_deal("17000000000")
    assert err.value.status == 401


def test_missing_deal_is_fatal(sandbox: ServerThread) -> None:
    with pytest.raises(FatalCrmError) as err:
        crm(sandbox).get_deal("99999999999")
    assert err.value.status == 404 and not isinstance(err.value, CrmAuthError)


def test_long_retry_after_surfaces_to_the_job(sandbox: ServerThread) -> None:
    import requests

    c = crm(sandbox)
    deal = make_deal(c)
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"status": 429, "count": 1, "retry_after": 30,
                                                          "path_prefix": "/crm/v3/objects/deals"}, timeout=10)
    with pytest.raises(RetryableCrmError) as err:
        c.get_deal(deal)
    assert err.value.retry_after == 30


def test_short_faults_are_retried_in_process(sandbox: ServerThread) -> None:
    import requests

    c = crm(sandbox)
    deal = make_deal(c)
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"status": 503, "count": 2, "path_prefix": "/crm/v3/objects/deals"},
                  timeout=10)
    assert c.get_deal(deal).id == deal


def test_writes_stop_inside_the_daily_reserve() -> None:
    server = start(HubSpotSandboxConfig(daily_limit=40))
    try:
        c = crm(server)
        deal = make_deal(c)
        with pytest.raises(RetryableCrmError, match="budget"):
            for i in range(40):
                c.create_tasks([TaskSpec(key=f"t/b/{i}", deal_id=deal, subject="s", body="b", due=DUE)])
        assert c.budget.daily_remaining is not None and c.budget.daily_remaining <= 4
    finally:
        server.stop()


def test_download_attachment_respects_the_cap(sandbox: ServerThread, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    c = crm(sandbox)
    path = tmp_path / "call.vtt"
    path.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n<v 山田>こんにちは\n", encoding="utf-8")
    uploaded = c.client.files.files_api.upload(file=str(path), folder_path="/t", options=json.dumps({"access": "PRIVATE"}))
    assert c.download_attachment(str(uploaded.id), max_bytes=1000).startswith(b"WEBVTT")
    with pytest.raises(FatalCrmError):
        c.download_attachment(str(uploaded.id), max_bytes=10)


def test_an_http_api_base_relaxes_no_download_rule(sandbox: ServerThread, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Production code never guesses "sandbox" from a URL's scheme: without a policy that names the local host,
    files served over plain http on loopback are refused, transcripts and recordings alike."""
    import json

    from connector.download_errors import DownloadError

    production = HubSpotCrm(access_token="sandbox-token", api_base=sandbox.url, portal_id="62515")
    path = tmp_path / "call.vtt"
    path.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n<v 山田>こんにちは\n", encoding="utf-8")
    uploaded = production.client.files.files_api.upload(file=str(path), folder_path="/t",
                                                        options=json.dumps({"access": "PRIVATE"}))
    with pytest.raises(DownloadError):
        production.download_attachment(str(uploaded.id), max_bytes=1000)
    with pytest.raises(DownloadError):
        production.stream_attachment(str(uploaded.id), tmp_path / "rec", max_bytes=1000)


def test_writes_need_no_properties_read_unless_the_portal_lacks_dealcoachs_properties() -> None:
    """A portal set up by DealCoach: the note, the tasks and the deal fields go out without reading the property lists.
    A bare portal refuses the unknown properties (400); the list is then read once and the write goes out again
    with what exists (the note keeps its body marker)."""
    import requests

    for config, reads in ((HubSpotSandboxConfig(), 0), (HubSpotSandboxConfig(custom_properties={}), 3)):
        server = start(config)
        try:
            c = crm(server)
            deal_id = make_deal(c)
            spec = NoteSpec(key="t1/deal-1/call-1/scorecard", deal_id=deal_id, body_html="<p>72</p>")
            note_id = c.create_note(spec)
            written = c.update_deal(deal_id, {"dealcoach_score": 72, "dealcoach_sla_status": "on_track"})
            due = datetime(2026, 11, 17, 9, tzinfo=timezone.utc)
            task = TaskSpec(key="t1/deal-1/sla-thank_you/x", deal_id=deal_id, subject="御礼", body="送る", due=due)
            [task_id] = c.create_tasks([task])
            by = requests.get(f"{server.url}/_sandbox/calls", timeout=10).json()["byEndpoint"]
            assert sum(v for k, v in by.items() if k.startswith("GET /crm/v3/properties/")) == reads
            assert [m.id for m in c.list_marked(deal_id=deal_id, kind="note")] == [note_id]
            assert [m.id for m in c.list_marked(deal_id=deal_id, kind="task")] == [task_id]
            assert written == ([] if reads else ["dealcoach_score", "dealcoach_sla_status"])
        finally:
            server.stop()
