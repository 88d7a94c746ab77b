"""HubSpotCrm against HubSpot's 207 multi-status batch answers, the search result cap and search lag (real SDK)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
from hubspot.crm.objects import SimplePublicObjectInputForCreate

from connector.base import PartialWriteError
from connector.hubspot.crm import HubSpotCrm
from connector.models import TaskSpec
from connector.sandbox.hubspot import HubSpotSandboxConfig, create_hubspot_sandbox
from connector.sandbox.server import ServerThread

DUE = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)


def start(**overrides: Any) -> ServerThread:
    server = ServerThread(create_hubspot_sandbox(HubSpotSandboxConfig(**overrides)))
    server.start()
    return server


@pytest.fixture
def sandbox() -> Iterator[ServerThread]:
    server = start()
    yield server
    server.stop()


def crm(server: ServerThread) -> HubSpotCrm:
    return HubSpotCrm(access_token="sandbox-token", api_base=server.url, portal_id="62515")


def control(server: ServerThread, method: str, path: str, body: Any = None) -> Any:
    resp = requests.request(method, f"{server.url}/_sandbox/{path}", json=body, timeout=10)
    assert resp.status_code < 300, resp.text
    return resp.json()


def make_deal(c: HubSpotCrm, **props: str) -> str:
    deal = c.client.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(properties={
        "dealname": "部分失敗テスト", "dealstage": "qualifiedtobuy", **props}))
    return str(deal.id)


def specs(deal: str, n: int, **kw: Any) -> list[TaskSpec]:
    return [TaskSpec(key=f"t/{deal}/task-{i}", deal_id=deal, subject=f"件名{i}", body="本文", due=DUE, **kw)
            for i in range(n)]


def test_close_tasks_reports_a_task_that_failed_to_close(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = make_deal(c)
    kept, gone = c.create_tasks(specs(deal, 2))
    c.client.crm.objects.tasks.basic_api.archive(gone)
    with pytest.raises(PartialWriteError) as err:
        c.close_tasks([kept, gone])
    assert err.value.created == {kept: kept}
    assert list(err.value.failed) == [gone] and err.value.failed[gone].startswith("OBJECT_NOT_FOUND:")
    assert not err.value.retryable
    assert [m.status for m in c.list_marked(deal_id=deal, kind="task")] == ["COMPLETED"]


def test_update_tasks_keys_refusals_by_the_task_key(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = make_deal(c)
    tasks = specs(deal, 2)
    ids = c.create_tasks(tasks)
    c.client.crm.objects.tasks.basic_api.archive(ids[1])
    with pytest.raises(PartialWriteError) as err:
        c.update_tasks({i: TaskSpec(**{**s.__dict__, "subject": "変更"}) for i, s in zip(ids, tasks)})
    assert err.value.created == {tasks[0].key: ids[0]}
    assert list(err.value.failed) == [tasks[1].key] and "OBJECT_NOT_FOUND" in err.value.failed[tasks[1].key]


def test_create_tasks_keeps_what_was_written_when_a_record_is_rate_limited(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = make_deal(c)
    control(sandbox, "POST", "faults", {"batch_record_failures": 1, "category": "RATE_LIMITS",
                                        "message": "You have reached your ten_secondly_rolling limit."})
    tasks = specs(deal, 3)
    with pytest.raises(PartialWriteError) as err:
        c.create_tasks(tasks)
    assert list(err.value.failed) == [tasks[0].key] and err.value.retryable
    assert sorted(err.value.created) == sorted(s.key for s in tasks[1:])
    assert {m.key: m.id for m in c.list_marked(deal_id=deal, kind="task")} == err.value.created


def test_an_invalid_value_is_not_retryable(sandbox: ServerThread) -> None:
    c = crm(sandbox)
    deal = make_deal(c)
    tasks = specs(deal, 1) + specs(deal, 2, priority="URGENT")[1:]
    with pytest.raises(PartialWriteError) as err:
        c.create_tasks(tasks)
    assert list(err.value.created) == [tasks[0].key] and list(err.value.failed) == [tasks[1].key]
    assert err.value.failed[tasks[1].key].startswith("VALIDATION_ERROR:") and not err.value.retryable


def test_list_open_deals_reads_past_the_search_result_cap() -> None:
    server = start(search_max_results=50, search_per_second=1000)
    try:
        c = crm(server)
        seeded = control(server, "POST", "seed", {"deals": [
            {"properties": {"dealname": f"案件{i}", "dealstage": "qualifiedtobuy"}} for i in range(120)] + [
            {"properties": {"dealname": "昔の失注", "dealstage": "closedlost", "closedate": "2020-01-01T00:00:00Z"}}]})
        open_ids = seeded["deals"][:120]
        got = c.list_open_deals()
        assert got == open_ids and len(set(got)) == 120
        # The offset paging it replaced fails at the cap, as HubSpot's 400 past 10,000 results.
        offset = requests.post(f"{server.url}/crm/v3/objects/deals/search", timeout=10,
                               json={"limit": 200, "after": "50"}, headers={"Authorization": "Bearer sandbox-token"})
        assert offset.status_code == 400
    finally:
        server.stop()


def test_dealcoach_finds_its_tasks_while_search_lags() -> None:
    server = start(search_lag_s=60)
    try:
        c = crm(server)
        deal = make_deal(c)
        ids = c.create_tasks(specs(deal, 2))
        assert {m.id for m in c.list_marked(deal_id=deal, kind="task")} == set(ids)
        assert c.list_open_deals() == []  # the new deal is not searchable yet: HubSpot's lag, modelled
    finally:
        server.stop()
