"""The `dealcoach sla evaluate` contract: state JSON in, `{"create", "update", "close"}` out, on fixture states with expected plans."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from sync.sla.business_calendar import BusinessCalendar
from sync.sla.engine import TASK_FIELDS, cli_evaluate, evaluate, plan_to_json
from sync.sla.rules import default_rules_path, default_sla_rules
from sync.sla.state import SlaStateError, state_from_json
from tests.conftest import FIXTURES
from tests.sla.sla_helpers import apply, deal, jst, state

SLA_FIXTURES = FIXTURES / "sla"
SCENARIOS = sorted(p.name.removesuffix("__state.json") for p in SLA_FIXTURES.glob("*__state.json"))
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def _evaluate_doc(doc: dict) -> object:
    st = state_from_json(doc)
    settings = dict(st.tenant_settings)
    return evaluate(st, default_sla_rules(), now=st.now, calendar=BusinessCalendar.from_settings(settings),
                    lang=settings.get("language", "ja"))


def test_there_are_fixture_states_each_with_an_expected_plan():
    assert len(SCENARIOS) >= 3
    for name in SCENARIOS:
        assert (SLA_FIXTURES / f"{name}__plan.json").exists(), name


@pytest.mark.parametrize("name", SCENARIOS)
def test_fixture_state_gives_the_expected_plan(name):
    expected = json.loads((SLA_FIXTURES / f"{name}__plan.json").read_text(encoding="utf-8"))
    assert cli_evaluate(SLA_FIXTURES / f"{name}__state.json") == expected


@pytest.mark.parametrize("name", SCENARIOS)
def test_fixture_plans_follow_the_contract_shape(name):
    plan = cli_evaluate(SLA_FIXTURES / f"{name}__state.json")
    assert list(plan) == ["create", "update", "close"]
    seen = set()
    for tasks in plan.values():
        for t in tasks:
            assert tuple(t) == TASK_FIELDS
            assert ISO_WITH_OFFSET.match(t["due"]), t["due"]
            assert t["key"].startswith(f"deal-{t['deal']}/sla-{t['rule']}/")
            assert t["priority"] in ("HIGH", "MEDIUM", "LOW") and t["subject"] and t["why"]
            assert t["rule"] in t["why"]
            assert t["key"] not in seen
            seen.add(t["key"])


@pytest.mark.parametrize("name", SCENARIOS)
def test_fixture_plans_once_written_settle(name):
    doc = json.loads((SLA_FIXTURES / f"{name}__state.json").read_text(encoding="utf-8"))
    after = apply(doc, _evaluate_doc(doc))
    assert plan_to_json(_evaluate_doc(after)) == {"create": [], "update": [], "close": []}


def test_body_is_available_to_the_writer_but_not_in_the_contract_output():
    doc = json.loads((SLA_FIXTURES / "friday_meeting__state.json").read_text(encoding="utf-8"))
    plan = _evaluate_doc(doc)
    thanks = next(t for t in plan.create if t.rule == "thank_you_minutes")
    assert "件名: 【議事録】本日の電子カルテ連携の件" in thanks.body
    assert thanks.description().startswith(thanks.body) and thanks.description().endswith(thanks.why)
    assert "body" not in plan_to_json(plan)["create"][0]
    assert plan_to_json(plan, include_body=True)["create"][0]["body"]


def test_cli_evaluate_uses_a_rules_file_when_given(tmp_path):
    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    next(r for r in data["rules"] if r["id"] == "thank_you_minutes")["enabled"] = False
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plan = cli_evaluate(SLA_FIXTURES / "friday_meeting__state.json", rules)
    assert "thank_you_minutes" not in {t["rule"] for t in plan["create"]}


def test_cli_evaluate_names_the_file_in_errors(tmp_path):
    with pytest.raises(SlaStateError, match="missing.json: file not found"):
        cli_evaluate(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(SlaStateError, match="broken.json: cannot read state JSON"):
        cli_evaluate(broken)
    naive = tmp_path / "naive.json"
    naive.write_text(json.dumps(state(jst(2026, 11, 20, 10), [deal()]) | {"now": "2026-11-20T10:00:00"}), encoding="utf-8")
    with pytest.raises(SlaStateError, match=r"naive.json: now: '2026-11-20T10:00:00' has no UTC offset"):
        cli_evaluate(naive)


def _doc(**changes) -> dict:
    doc = state(jst(2026, 11, 20, 10), [deal()], [{"kind": "call.logged", "deal": "D1", "at": "2026-11-20T09:00:00+09:00",
                                                   "commitments": [{"owner": "rep", "text": "URLを送る"}]}],
                [{"deal": "D1", "type": "email", "at": "2026-11-20T09:30:00Z", "subject": "x"}],
                [{"key": "k", "deal": "D1", "rule": "stale_deal", "due": "2026-11-21", "status": "open"}])
    for path, value in changes.items():
        target = doc
        *parents, leaf = path.split("__")
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        target[leaf] = value
    return doc


@pytest.mark.parametrize("changes, message", [
    ({"now": None}, "now: must be an ISO 8601 timestamp string"),
    ({"now": "yesterday"}, "now: 'yesterday' is not an ISO 8601 timestamp"),
    ({"deals__0__id": None}, "deals[0].id: missing"),
    ({"deals__0__stage": None}, "deals[0].stage: missing"),
    ({"deals__0__stage_order": "3"}, "deals[0].stage_order: must be a whole number or null"),
    ({"deals__0__is_closed": "no"}, "deals[0].is_closed: must be true or false"),
    ({"deals__0__amount": "高い"}, "deals[0].amount: must be a number or null"),
    ({"deals__0__stage_entered_at": "2026-11-02T10:00:00"}, "deals[0].stage_entered_at: '2026-11-02T10:00:00' has no UTC offset"),
    ({"deals": {}}, "deals: must be a list"),
    ({"events__0__at": "2026-11-20 09:00"}, "events[0].at: '2026-11-20 09:00' has no UTC offset"),
    ({"events__0__commitments": "URLを送る"}, "events[0].commitments: must be a list"),
    ({"events__0__commitments": [{"owner": "rep"}]}, "events[0].commitments[0].text: missing"),
    ({"events__0__scorecard": {"commitments": [{"text": "x", "due": "soon"}]}, "events__0__commitments": None},
     "events[0].scorecard.commitments[0].due: 'soon' is not an ISO 8601 timestamp"),
    ({"events__0__ended_at": "later"}, "events[0].ended_at: 'later' is not an ISO 8601 timestamp"),
    ({"activities__0__type": "sms"}, "activities[0].type: 'sms' is not one of email, meeting, call, note, task_completed"),
    ({"activities__0__direction": "sideways"}, "activities[0].direction: must be \"in\" or \"out\""),
    ({"open_tasks__0__key": None}, "open_tasks[0].key: missing"),
    ({"open_tasks__0__due": "2026-13-01"}, "open_tasks[0].due: '2026-13-01' is not an ISO date"),
    ({"tenant_settings": []}, "tenant_settings: must be an object"),
])
def test_state_errors_name_the_key_path(changes, message):
    with pytest.raises(SlaStateError) as err:
        state_from_json(_doc(**changes))
    assert str(err.value).startswith(message)


def test_state_parsing_normalizes_times_and_kind_specific_fields():
    st = state_from_json(_doc(events__0__bant={"budget": True, "need": {"found": True}}))
    assert st.activities[0].at == jst(2026, 11, 20, 18, 30)
    assert dict(st.events[0].data["bant"]) == {"budget": True, "authority": False, "need": True, "timeline": False}
    assert st.events[0].data["commitments"][0].owner == "rep"
    assert str(st.open_tasks[0].due) == "2026-11-21"

