"""CRM search through the real SDK: operators, OR-ed groups, sorting, paging and HubSpot's limits."""

from __future__ import annotations

from typing import Any

import pytest
from hubspot.crm.deals import Filter, FilterGroup, PublicObjectSearchRequest


def _search(client: Any, groups: list[list[dict[str, Any]]], **kw: Any) -> Any:
    request = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(**f) for f in g]) for g in groups], **kw)
    return client.crm.deals.search_api.do_search(public_object_search_request=request)


def _names(page: Any) -> list[str]:
    return sorted(r.properties["dealname"] for r in page.results)


@pytest.fixture
def deals(sandbox: Any) -> list[str]:
    return sandbox.seed(deals=[
        {"properties": {"dealname": "Alpha Corp renewal", "amount": "100", "dealstage": "qualifiedtobuy",
                        "notes_last_updated": "2025-01-01T00:00:00Z"}, "createdAt": "2024-12-01T00:00:00Z"},
        {"properties": {"dealname": "Beta KK 新規", "amount": "250.5", "dealstage": "closedwon"},
         "createdAt": "2024-12-15T00:00:00Z"},
        {"properties": {"dealname": "Gamma expansion", "dealstage": "appointmentscheduled",
                        "notes_last_updated": "2025-02-10T00:00:00Z", "dealcoach_deal_state": "wadai"},
         "createdAt": "2025-01-20T00:00:00Z"},
    ])["deals"]


def test_operators(client: Any, deals: list[str]) -> None:
    cases = {
        ("amount", "EQ", "100"): ["Alpha Corp renewal"],
        ("amount", "NEQ", "100"): ["Beta KK 新規", "Gamma expansion"],
        ("amount", "GT", "100"): ["Beta KK 新規"],
        ("amount", "GTE", "100"): ["Alpha Corp renewal", "Beta KK 新規"],
        ("amount", "LT", "250.5"): ["Alpha Corp renewal"],
        ("amount", "LTE", "250.5"): ["Alpha Corp renewal", "Beta KK 新規"],
        ("dealname", "CONTAINS_TOKEN", "corp"): ["Alpha Corp renewal"],
        ("dealname", "CONTAINS_TOKEN", "exp*"): ["Gamma expansion"],
        ("dealname", "NOT_CONTAINS_TOKEN", "corp"): ["Beta KK 新規", "Gamma expansion"],
        ("amount", "HAS_PROPERTY", None): ["Alpha Corp renewal", "Beta KK 新規"],
        ("amount", "NOT_HAS_PROPERTY", None): ["Gamma expansion"],
        ("dealstage", "EQ", "closedwon"): ["Beta KK 新規"],
    }
    for (prop, op, value), expected in cases.items():
        f: dict[str, Any] = {"property_name": prop, "operator": op}
        if value is not None:
            f["value"] = value
        assert _names(_search(client, [[f]], properties=["dealname"])) == expected, (prop, op)
    assert _names(_search(client, [[{"property_name": "dealstage", "operator": "IN",
                                     "values": ["closedwon", "appointmentscheduled"]}]])) == [
        "Beta KK 新規", "Gamma expansion"]
    assert _names(_search(client, [[{"property_name": "dealstage", "operator": "NOT_IN",
                                     "values": ["closedwon"]}]])) == ["Alpha Corp renewal", "Gamma expansion"]
    # Dates compare as instants whether given as ms since the epoch or ISO 8601.
    between = {"property_name": "createdate", "operator": "BETWEEN", "value": "1733011200000",
               "high_value": "2024-12-31T00:00:00Z"}
    assert _names(_search(client, [[between]])) == ["Alpha Corp renewal", "Beta KK 新規"]


def test_groups_are_ored_and_filters_anded(client: Any, deals: list[str]) -> None:
    # The SLA sweep's query: stale activity, or no activity and an old deal; then drop closed stages.
    stale = {"property_name": "notes_last_updated", "operator": "LT", "value": "1736899200000"}  # 2025-01-15
    never = [{"property_name": "notes_last_updated", "operator": "NOT_HAS_PROPERTY"},
             {"property_name": "createdate", "operator": "LT", "value": "1735689600000"}]  # 2025-01-01
    page = _search(client, [[stale], never], properties=["dealname", "hs_is_closed"])
    assert _names(page) == ["Alpha Corp renewal", "Beta KK 新規"]
    assert {r.properties["hs_is_closed"] for r in page.results} == {"false", "true"}
    assert page.total == 2


def test_sorting_and_paging(client: Any, sandbox: Any) -> None:
    sandbox.seed(deals=[{"properties": {"dealname": f"deal {i:02d}", "amount": str(i)}} for i in range(25)])
    seen: list[str] = []
    after = None
    while True:
        page = _search(client, [], sorts=["-amount"], properties=["dealname"], limit=10, after=after)
        assert page.total == 25
        seen += [r.properties["dealname"] for r in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
    assert seen == [f"deal {i:02d}" for i in reversed(range(25))]
    asc = client.crm.deals.search_api.do_search(public_object_search_request=PublicObjectSearchRequest(
        sorts=[{"propertyName": "amount", "direction": "ASCENDING"}], limit=3))
    assert [r.properties["amount"] for r in asc.results] == ["0", "1", "2"]


def test_query_matches_default_searchable_properties(client: Any, deals: list[str]) -> None:
    page = client.crm.deals.search_api.do_search(public_object_search_request=PublicObjectSearchRequest(query="kk"))
    assert [r.properties["dealname"] for r in page.results] == ["Beta KK 新規"]


def test_limits(client: Any, api_error: Any, sandbox: Any) -> None:
    one = {"property_name": "amount", "operator": "HAS_PROPERTY"}
    with api_error(400) as err:
        _search(client, [[one]] * 6)
    assert err.body["category"] == "VALIDATION_ERROR"
    with api_error(400):
        _search(client, [[one] * 11])
    with api_error(400):
        _search(client, [[one] * 10, [one] * 10, [one] * 6])
    _search(client, [[one] * 10, [one] * 10, [one] * 5])
    with api_error(400):
        _search(client, [], limit=201)
    with api_error(400) as err:
        _search(client, [[{"property_name": "no_such_prop", "operator": "EQ", "value": "1"}]])
    assert "no_such_prop" in err.body["message"]
    with api_error(400) as err:
        _search(client, [], after="10000")
    assert "10000" in err.body["message"]


def test_other_object_types_search(client: Any, sandbox: Any) -> None:
    from hubspot.crm.objects import Filter as OFilter
    from hubspot.crm.objects import FilterGroup as OGroup
    from hubspot.crm.objects import PublicObjectSearchRequest as ORequest

    sandbox.seed(tasks=[{"properties": {"hs_timestamp": "2025-01-01T00:00:00Z", "dealcoach_key": "sla:17:first"}},
                        {"properties": {"hs_timestamp": "2025-01-02T00:00:00Z", "dealcoach_key": "sla:18:first"}}])
    page = client.crm.objects.tasks.search_api.do_search(public_object_search_request=ORequest(
        filter_groups=[OGroup(filters=[OFilter(property_name="dealcoach_key", operator="EQ", value="sla:18:first")])],
        properties=["dealcoach_key", "hs_task_status"]))
    assert page.total == 1 and page.results[0].properties["hs_task_status"] == "NOT_STARTED"


def test_result_cap_stops_offset_paging(sandbox: Any, api_error: Any) -> None:
    sandbox.control("POST", "settings", {"search_max_results": 50})
    sandbox.seed(deals=[{"properties": {"dealname": f"deal {i:03d}"}} for i in range(120)])
    first = _search(sandbox.client(), [], limit=200, sorts=["hs_object_id"])
    assert first.total == 120 and len(first.results) == 50 and first.paging.next.after == "50"
    with api_error(400) as err:
        _search(sandbox.client(), [], limit=200, after=first.paging.next.after)
    assert err.body["category"] == "VALIDATION_ERROR"
    # A moving filter restarts the query instead: every deal comes back.
    seen: list[str] = []
    while True:
        groups = [[{"property_name": "hs_object_id", "operator": "GT", "value": seen[-1]}]] if seen else []
        page = _search(sandbox.client(), groups, limit=200, sorts=["hs_object_id"])
        seen += [r.id for r in page.results]
        if page.paging is None:
            break
    assert len(seen) == len(set(seen)) == 120


def test_search_lags_behind_writes(sandbox: Any, client: Any) -> None:
    sandbox.control("POST", "settings", {"search_lag_s": 60})
    deal = client.crm.deals.basic_api.create(simple_public_object_input_for_create=_new_deal())
    assert _search(client, []).total == 0
    assert client.crm.deals.basic_api.get_by_id(deal.id).id == deal.id  # reads by id are immediate
    sandbox.control("POST", "settings", {"search_lag_s": 0})
    assert _search(client, []).total == 1


def _new_deal() -> Any:
    from hubspot.crm.deals import SimplePublicObjectInputForCreate

    return SimplePublicObjectInputForCreate(properties={"dealname": "遅延"})
