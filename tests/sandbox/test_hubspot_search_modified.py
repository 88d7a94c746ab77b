"""Search on tasks, emails, meetings and calls by `hs_lastmodifieddate`, through the real SDK: what the incremental
sweep asks (docs/sandboxes/hubspot.md, "Search"). Every property change moves the record's last-modified time, an
archived record leaves the search, and a keyset on hs_object_id pages the answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hubspot.crm.objects import Filter, FilterGroup, PublicObjectSearchRequest, SimplePublicObjectInput

from connector import clock

TYPES = {
    "tasks": {"hs_task_subject": "電話", "hs_timestamp": "2026-11-01T00:00:00Z"},
    "emails": {"hs_email_subject": "御礼", "hs_timestamp": "2026-11-01T00:00:00Z"},
    "meetings": {"hs_meeting_title": "定例", "hs_timestamp": "2026-11-01T00:00:00Z"},
    "calls": {"hs_call_title": "架電", "hs_timestamp": "2026-11-01T00:00:00Z"},
}


def _since(client: Any, object_type: str, since_ms: int, *extra: dict[str, Any], limit: int = 200) -> list[str]:
    filters = [Filter(property_name="hs_lastmodifieddate", operator="GTE", value=str(since_ms))]
    filters += [Filter(**f) for f in extra]
    request = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=filters)], sorts=["hs_object_id"], properties=["hs_lastmodifieddate"],
        limit=limit,
    )  # fmt: skip
    page = client.crm.objects.search_api.do_search(object_type, public_object_search_request=request)
    return [str(r.id) for r in page.results]


def _ms() -> int:
    return int(clock.now().timestamp() * 1000)


def test_engagements_are_searched_by_last_modified_time(client: Any, world_clock: clock.AnchoredClock) -> None:
    api = client.crm.objects
    made = {t: [str(api.basic_api.create(t, {"properties": p}).id) for _ in range(3)] for t, p in TYPES.items()}
    world_clock.advance(timedelta(minutes=5))
    since = _ms()
    assert all(_since(client, t, since) == [] for t in TYPES), "nothing changed since"
    changed = {"tasks": {"hs_task_status": "COMPLETED"}, "emails": {"hs_email_subject": "再送"},
               "meetings": {"hs_meeting_title": "延期"}, "calls": {"hs_call_title": "折返し"}}  # fmt: skip
    for object_type, props in changed.items():
        api.basic_api.update(object_type, made[object_type][1], SimplePublicObjectInput(properties=props))
    for object_type in TYPES:
        assert _since(client, object_type, since) == [made[object_type][1]], object_type
        assert len(_since(client, object_type, since - 10 * 60 * 1000)) == 3, "all three modified in the window"
    completed = {"property_name": "hs_task_status", "operator": "EQ", "value": "COMPLETED"}
    assert _since(client, "tasks", since, completed) == [made["tasks"][1]]
    api.basic_api.archive("emails", made["emails"][1])
    assert _since(client, "emails", since) == [], "an archived record is not searchable"


def test_a_modified_since_search_pages_by_id_past_its_first_page(client: Any, sandbox: Any) -> None:
    ids = sandbox.seed(tasks=[{"properties": TYPES["tasks"]} for _ in range(5)])["tasks"]
    since = _ms() - 60_000
    seen: list[str] = []
    while True:
        bound = [{"property_name": "hs_object_id", "operator": "GT", "value": seen[-1]}] if seen else []
        page = _since(client, "tasks", since, *bound, limit=2)
        if not page:
            break
        seen += page
    assert seen == sorted(ids, key=int)
