"""`rubrics/sla-rules.yaml`: the seeds' practices as data, validated on load, with errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sync.sla.rules import RULE_IDS, RubricError, default_rules_path, load_sla_rules
from sync.sla.schema import Due

RULES = load_sla_rules()


def test_every_rule_of_the_issue_is_configured_with_seed_templates_in_both_languages():
    assert [r.id for r in RULES.rules] == list(RULE_IDS)
    assert RULES.noise_budget == 5
    for rule in RULES.rules:
        assert rule.enabled and rule.seed and rule.priority in ("HIGH", "MEDIUM", "LOW"), rule.id
        for task in rule.tasks:
            assert task.subject.ja and task.subject.en and task.body.ja and task.body.en, (rule.id, task.id)


def test_thresholds_follow_the_seeds():
    assert RULES.rule("thank_you_minutes").task("send").due == Due("business_hours", 3)
    assert RULES.rule("promise_small").task("keep").due == Due("business_days", 1)
    assert RULES.rule("promise_deliverable").task("deliver").due == Due("days", 7)
    assert RULES.rule("promise_deliverable").task("interim").show_after == Due("business_days", 3)
    stale = RULES.rule("stale_deal").trigger
    assert (stale["min_stage_order"], stale["inactive_days"]) == (3, 14)
    assert [t.due.amount for t in RULES.rule("nurture_30d").tasks] == [1, 4, 10, 18, 30]
    assert [t.due.to_dict() for t in RULES.rule("post_contract").tasks] == [
        {"days": 7}, {"months": 1}, {"months": 3}, {"months": 6}, {"months": 12}]
    assert RULES.rule("lost_deal").task("renewal").due == Due("months", 11)
    assert set(RULES.rule("missing_bant").trigger["items"]) == {"budget", "authority", "need", "timeline"}


def test_seed_wording_is_kept():
    ghost = RULES.rule("ghosting")
    assert "何か当方でお力になれること" in ghost.task("check_in").body.ja
    assert "今回はご縁がなかったものと理解いたしました" in ghost.task("closing").body.ja
    assert "関連する導入事例" in RULES.rule("nurture_30d").task("day04").subject.ja
    assert "理由を教えていただければ、今後の改善に活かしたいです" in RULES.rule("lost_deal").task("feedback").body.ja


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "sla-rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["rules"].pop(0), "rules: rule thank_you_minutes must appear exactly once"),
    (lambda d: d["rules"].append({**_rule(d, "ghosting")}), "rules: rule ghosting must appear exactly once (found 2)"),
    (lambda d: _rule(d, "ghosting").update(id="ghosted"), "rules[6].id: unknown rule 'ghosted'"),
    (lambda d: _rule(d, "stale_deal")["trigger"].update(inactive_days=0),
     "rules.stale_deal.trigger.inactive_days: must be a whole number ≥ 1"),
    (lambda d: _rule(d, "stale_deal")["trigger"].update(inactive_dayz=3), "rules.stale_deal.trigger.inactive_dayz: unknown key"),
    (lambda d: _rule(d, "stale_deal")["trigger"].update(kind="stage_entered"),
     "rules.stale_deal.trigger.kind: rule stale_deal is triggered by 'no_activity'"),
    (lambda d: _rule(d, "nurture_30d")["trigger"].pop("stages"), "rules.nurture_30d.trigger.stages: missing"),
    (lambda d: _rule(d, "thank_you_minutes")["tasks"][0].update(due={"business_hours": 3, "days": 1}),
     "rules.thank_you_minutes.tasks[0].due: must have exactly one of"),
    (lambda d: _rule(d, "thank_you_minutes")["tasks"][0].update(due={"fortnights": 1}),
     "rules.thank_you_minutes.tasks[0].due.fortnights: unknown key"),
    (lambda d: _rule(d, "promise_deliverable")["tasks"][0].update(due={"days": 1.5}),
     "rules.promise_deliverable.tasks[0].due.days: must be a whole number"),
    (lambda d: _rule(d, "thank_you_minutes")["tasks"][0]["subject"].update(ja="{deal_nam} へ御礼"),
     "rules.thank_you_minutes.tasks[0].subject.ja: unknown placeholder {deal_nam}"),
    (lambda d: _rule(d, "thank_you_minutes")["tasks"][0]["body"].pop("en"), "rules.thank_you_minutes.tasks[0].body.en: missing"),
    (lambda d: _rule(d, "ghosting").update(priority="URGENT"), "rules.ghosting.priority: must be one of HIGH, MEDIUM, LOW"),
    (lambda d: _rule(d, "ghosting").update(enabled="yes"), "rules.ghosting.enabled: must be true or false"),
    (lambda d: _rule(d, "ghosting")["tasks"].pop(), "rules.ghosting.tasks: must be exactly check_in, closing"),
    (lambda d: _rule(d, "nurture_30d")["tasks"][1].update(due={"days": 4}), "rules.nurture_30d.tasks: each cadence step needs"),
    (lambda d: _rule(d, "post_contract")["tasks"].append(dict(_rule(d, "post_contract")["tasks"][0])),
     "rules.post_contract.tasks: task ids must be unique"),
    (lambda d: _rule(d, "lost_deal")["tasks"][0].update(satisfied_by=["fax"]),
     "rules.lost_deal.tasks[0].satisfied_by[0]: 'fax' is not one of"),
    (lambda d: _rule(d, "missing_bant")["trigger"]["items"].pop("need"), "rules.missing_bant.trigger.items: must name exactly"),
    (lambda d: _rule(d, "stale_deal")["trigger"]["days_in_stage"]["by_order"].update({3: "three"}),
     "rules.stale_deal.trigger.days_in_stage.by_order.3: must be a whole number ≥ 1 or null"),
    (lambda d: d.update(noise_budget=0), "noise_budget: must be a whole number ≥ 1"),
    (lambda d: d.update(extras=1), "extras: unknown key"),
])
def test_validation_errors_name_the_file_and_key(tmp_path, mutate, message):
    with pytest.raises(RubricError) as err:
        load_sla_rules(_write(tmp_path, mutate))
    assert str(err.value).startswith("sla-rules.yaml: ")
    assert message in str(err.value)


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(RubricError, match="nope.yaml: file not found"):
        load_sla_rules(tmp_path / "nope.yaml")
    bad = tmp_path / "broken.yaml"
    bad.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"broken.yaml: line \d+, column \d+: invalid YAML"):
        load_sla_rules(bad)


def test_tenant_settings_override_thresholds_without_touching_the_defaults():
    tuned = RULES.with_settings({"sla": {"noise_budget": 3, "rules": {
        "stale_deal": {"inactive_days": 10, "trigger": {"min_stage_order": 2}},
        "thank_you_minutes": {"due": {"business_hours": 2}, "priority": "MEDIUM"},
        "nurture_30d": {"enabled": False},
        "promise_deliverable": {"tasks": {"interim": {"show_after": {"business_days": 2}, "enabled": False}}},
        "post_contract": {"horizon_days": None},
    }}})
    assert tuned.noise_budget == 3
    assert (tuned.rule("stale_deal").trigger["inactive_days"], tuned.rule("stale_deal").trigger["min_stage_order"]) == (10, 2)
    assert tuned.rule("thank_you_minutes").task("send").due == Due("business_hours", 2)
    assert tuned.rule("thank_you_minutes").priority == "MEDIUM"
    assert not tuned.rule("nurture_30d").enabled
    interim = tuned.rule("promise_deliverable").task("interim")
    assert interim.show_after == Due("business_days", 2) and not interim.enabled
    assert tuned.rule("post_contract").horizon_days is None
    assert RULES.rule("stale_deal").trigger["inactive_days"] == 14 and RULES.noise_budget == 5
    assert RULES.with_settings({}) is RULES and RULES.with_settings({"language": "en"}) is RULES


@pytest.mark.parametrize("sla, message", [
    ({"rules": {"nope": {}}}, "tenant_settings: sla.rules.nope: unknown key"),
    ({"rules": {"stale_deal": {"inactive_days": "ten"}}}, "tenant_settings: sla.rules.stale_deal.inactive_days: must be a whole number"),
    ({"rules": {"stale_deal": {"trigger": {"inactive_days": -1}}}}, "sla.rules.stale_deal.trigger.inactive_days: must be a whole"),
    ({"rules": {"ghosting": {"due": {"days": 3}}}}, "sla.rules.ghosting.due: rule ghosting has several tasks; use tasks.<id>.due"),
    ({"rules": {"ghosting": {"tasks": {"nudge": {}}}}}, "sla.rules.ghosting.tasks.nudge: unknown key"),
    ({"rules": {"ghosting": {"enabled": "off"}}}, "sla.rules.ghosting.enabled: must be true or false"),
    ({"rules": {"thank_you_minutes": {"due": {"business_hours": -3}}}}, "sla.rules.thank_you_minutes.due.business_hours: must be a number"),
    ({"noise_budget": 0}, "tenant_settings: sla.noise_budget: must be a whole number ≥ 1"),
    ({"limits": 1}, "tenant_settings: sla.limits: unknown key"),
])
def test_bad_tenant_overrides_name_the_settings_key(sla, message):
    with pytest.raises(RubricError) as err:
        RULES.with_settings({"sla": sla})
    assert message in str(err.value)
