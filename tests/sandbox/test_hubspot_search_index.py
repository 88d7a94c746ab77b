"""The indexed deal search answers exactly what the scan over every record answers: results, totals, paging, the
10,000-result cap and errors, on random portals and queries, before and after creates, edits and archives."""

from __future__ import annotations

import random
from typing import Any

import pytest

from connector.sandbox.hubspot_config import HubSpotSandboxConfig
from connector.sandbox.hubspot_errors import ApiError
from connector.sandbox.hubspot_index import indexed_search, search_portal
from connector.sandbox.hubspot_search import search
from connector.sandbox.hubspot_store import HubSpotStore, Origin
from connector.sandbox.hubspot_values import now_ms

STAGES = ["appointmentscheduled", "qualifiedtobuy", "closedwon", "closedlost"]
SEED = Origin("INTEGRATION", "", None, None)
DAY = 86_400_000


def _deal(rng: random.Random, base: int) -> dict[str, Any]:
    props: dict[str, Any] = {"dealname": f"deal {rng.randrange(1000)}", "dealstage": rng.choice(STAGES)}
    if rng.random() < 0.6:
        props["amount"] = str(rng.randrange(0, 500))
    if rng.random() < 0.5:
        props["closedate"] = str(base + rng.randrange(-800, 200) * DAY)
    # Some records are created "in the future": the search lag hides them until then.
    return {"properties": props, "createdAt": base + rng.randrange(-300, 3) * DAY}


def _query(rng: random.Random, ids: list[int], base: int) -> dict[str, Any]:
    def bound() -> dict[str, Any]:
        value = str(rng.choice(ids) + rng.choice([-1, 0, 1])) if ids and rng.random() < 0.9 else rng.choice(["x", ""])
        return {"propertyName": "hs_object_id", "operator": rng.choice(["GT", "GTE", "LT", "LTE"]), "value": value}

    pool = [
        lambda: {"propertyName": "hs_is_closed", "operator": "EQ", "value": rng.choice(["false", "true"])},
        lambda: {"propertyName": "closedate", "operator": "GTE", "value": str(base + rng.randrange(-500, 100) * DAY)},
        lambda: {
            "propertyName": "amount",
            "operator": rng.choice(["LT", "GTE", "HAS_PROPERTY", "NEQ"]),
            "value": "250",
        },
        lambda: {"propertyName": "dealstage", "operator": "IN", "values": rng.sample(STAGES, 2)},
        lambda: {"propertyName": "hs_object_id", "operator": "NEQ", "value": str(rng.choice(ids)) if ids else "1"},
        bound,
    ]
    groups = [[rng.choice(pool)() for _ in range(rng.randrange(0, 4))] for _ in range(rng.randrange(0, 4))]
    body: dict[str, Any] = {"filterGroups": [{"filters": g} for g in groups], "limit": rng.choice([0, 1, 7, 200])}
    body["sorts"] = rng.choice([[], [{"propertyName": "hs_object_id", "direction": "ASCENDING"}], ["hs_object_id"]])
    if rng.random() < 0.3:
        body["after"] = rng.choice(["0", "3", "40", "59", "60", "abc"])
    return body


def _answer(fn: Any) -> tuple[Any, ...]:
    try:
        page = fn()
    except ApiError as exc:
        return ("error", exc.status, str(exc))
    except ValueError as exc:  # what the scan raises on a value it cannot parse (a 500), the index path must too
        return ("raised", type(exc).__name__, str(exc))
    return (page.total, [o.id for o in page.results], page.next_after)


def _compare(store: HubSpotStore, body: dict[str, Any], horizon: int, cap: int) -> None:
    defs = store.properties["deals"]

    def type_of(name: str) -> str | None:
        return defs[name]["type"] if name in defs else None

    def scanned() -> Any:
        objects = [o for o in store.all("deals") if o.created_ms <= horizon]
        return search(objects, body, type_of=type_of, searchable=("dealname",), max_results=cap)

    def indexed() -> Any:
        return search_portal(
            store, "deals", body, type_of=type_of, searchable=("dealname",), max_results=cap, horizon_ms=horizon
        )

    assert _answer(indexed) == _answer(scanned), body


@pytest.mark.parametrize("seed", range(6))
def test_indexed_search_answers_as_the_scan(seed: int) -> None:
    rng = random.Random(seed)
    store = HubSpotStore(HubSpotSandboxConfig())
    base = now_ms()
    store.create_many("deals", [_deal(rng, base) for _ in range(rng.randrange(20, 120))], SEED, trusted=True)
    cap = rng.choice([10_000, 60])
    for _round in range(4):
        ids = [int(o.id) for o in store.all("deals", archived=None)]
        for _ in range(40):
            body = _query(rng, ids, base)
            for _twice in range(2):  # the second time builds the group's view
                _compare(store, body, base + rng.choice([0, DAY, 3 * DAY]), cap)
        live = [o.id for o in store.all("deals")]
        store.update_many(
            "deals", [(i, {"dealstage": rng.choice(STAGES)}) for i in rng.sample(live, min(10, len(live)))], SEED
        )
        store.archive_many("deals", rng.sample(live, min(5, len(live))), SEED)
        store.create_many("deals", [_deal(rng, base) for _ in range(10)], SEED, trusted=True)


def test_the_sweeps_keyset_pages_are_answered_from_the_index() -> None:
    """The sweep's query (open or recently closed, id above the cursor, ascending) takes the indexed path."""
    store = HubSpotStore(HubSpotSandboxConfig())
    rng = random.Random(7)
    base = now_ms()
    store.create_many("deals", [_deal(rng, base) for _ in range(300)], SEED, trusted=True)
    defs = store.properties["deals"]
    cursor, seen = "", []
    while True:
        bound = [{"propertyName": "hs_object_id", "operator": "GT", "value": cursor}] if cursor else []
        body = {
            "filterGroups": [
                {"filters": [{"propertyName": "hs_is_closed", "operator": "EQ", "value": "false"}, *bound]},
                {"filters": [{"propertyName": "closedate", "operator": "GTE", "value": str(base - 400 * DAY)}, *bound]},
            ],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "limit": 50,
        }
        with store.lock:
            page = indexed_search(store, "deals", body, lambda n: defs[n]["type"] if n in defs else None, 10_000, base)
        assert page is not None
        _compare(store, body, base, 10_000)
        seen += [o.id for o in page.results]
        if page.next_after is None:
            break
        cursor = page.results[-1].id
    assert len(seen) == len(set(seen)) > 50


def test_a_filter_value_the_scan_cannot_parse_is_left_to_the_scan() -> None:
    """A date filter value that int() refuses raises only where the scan reaches it, whichever path answers."""
    store = HubSpotStore(HubSpotSandboxConfig())
    base = now_ms()
    store.create_many("deals", [_deal(random.Random(3), base) for _ in range(30)], SEED, trusted=True)
    top = max(int(o.id) for o in store.all("deals"))
    bad = {"propertyName": "closedate", "operator": "GTE", "value": "²"}
    bodies = [
        {"filterGroups": [{"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": str(top)}, bad]}]},
        {"filterGroups": [{"filters": [bad]}]},
        {"filterGroups": [{"filters": [{"propertyName": "hs_is_closed", "operator": "EQ", "value": "false"}]},
                          {"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": "0"}, bad]}]},
    ]  # fmt: skip
    for body in bodies:
        for _twice in range(2):
            _compare(store, body, base + 3 * DAY, 10_000)
