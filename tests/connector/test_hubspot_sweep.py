"""The HubSpot sweep's bulk reads (`connector/hubspot/sweep.py`) give each deal what the per-deal reads give: the
same deal (stage entry from HubSpot's `hs_v2_date_entered_<stage>`, closed flags) and the same tasks, activities
and rep's completed tasks, through the real client against the sandbox."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hubspot.crm.objects import (
    AssociationSpec,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectInputForCreate,
)

from connector import clock
from connector.hubspot.crm import HubSpotCrm
from connector.hubspot.sweep import sweep_pages
from connector.models import TaskSpec
from connector.sandbox.hubspot import HubSpotSandboxConfig, create_hubspot_sandbox
from connector.sandbox.server import ServerThread

REP = "75000001"


@pytest.fixture
def sandbox() -> Iterator[ServerThread]:
    server = ServerThread(create_hubspot_sandbox(HubSpotSandboxConfig(burst_limit=100_000, search_per_second=1000)))
    server.start()
    yield server
    server.stop()


def _crm(server: ServerThread) -> HubSpotCrm:
    return HubSpotCrm(access_token="sandbox-token", api_base=server.url, portal_id="62515")


def _deal(c: HubSpotCrm, name: str, stage: str) -> str:
    props = {"dealname": name, "dealstage": stage, "pipeline": "default", "hubspot_owner_id": REP}
    return str(c.client.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(properties=props)).id)


def _activity(c: HubSpotCrm, object_type: str, deal_id: str, type_id: int, props: dict[str, str]) -> None:
    assoc = PublicAssociationsForObject(
        to=PublicObjectId(id=deal_id),
        types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)],
    )
    stamp = clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    api = getattr(c.client.crm.objects, object_type).basic_api
    api.create(SimplePublicObjectInputForCreate(properties={"hs_timestamp": stamp, **props}, associations=[assoc]))


def test_bulk_pages_match_the_per_deal_reads(sandbox: ServerThread, world_clock: clock.AnchoredClock) -> None:
    c = _crm(sandbox)
    moved = _deal(c, "移動", "appointmentscheduled")
    world_clock.advance(timedelta(days=3))
    c.update_deal(moved, {"dealstage": "qualifiedtobuy"})
    world_clock.advance(timedelta(days=2))
    c.update_deal(moved, {"dealstage": "appointmentscheduled"})  # re-entered: the entry is the latest one
    busy = _deal(c, "活動あり", "presentationscheduled")
    won = _deal(c, "成約", "closedwon")
    quiet = [_deal(c, f"静か {i}", "qualifiedtobuy") for i in range(5)]
    due = datetime(2027, 1, 8, 1, 0, tzinfo=UTC)
    c.create_tasks([TaskSpec(key=f"t/{busy}/sla-x", deal_id=busy, subject="SLA", body="b", due=due, owner_id=REP)])
    _activity(c, "emails", busy, 210, {"hs_email_subject": "御礼", "hs_email_direction": "INCOMING_EMAIL"})
    _activity(c, "meetings", busy, 212, {"hs_meeting_title": "定例"})
    _activity(c, "calls", busy, 206, {"hs_call_title": "架電"})
    _activity(c, "tasks", busy, 216, {"hs_task_subject": "手作業", "hs_task_status": "COMPLETED"})

    pages = list(sweep_pages(c, chunk=3))
    assert [len(p) for p in pages] == [3, 3, 2], "chunks of the asked size, every deal once"
    swept = {deal.id: (deal, records) for page in pages for deal, records in page}
    assert list(swept) == sorted([moved, busy, won, *quiet], key=int)
    for deal_id, (deal, records) in swept.items():
        expected = dataclasses.replace(c.get_deal(deal_id), owner_name=None)
        assert deal == expected, deal_id
        per_deal = c.deal_records(deal_id=deal_id)
        assert (records.tasks, records.activities) == (per_deal.tasks, per_deal.activities), deal_id
    entered = swept[moved][0].stage_entered_at
    assert entered is not None and abs(entered - clock.now()) < timedelta(seconds=5), "the latest entry, not the first"
    assert {a.type for a in swept[busy][1].activities} == {"email", "meeting", "call", "task_completed"}
    assert [t.key for t in swept[busy][1].tasks] == [f"t/{busy}/sla-x"]
