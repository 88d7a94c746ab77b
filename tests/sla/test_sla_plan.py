"""Plan guarantees across rules: idempotent re-runs, completed tasks stay completed, updates in place, the noise budget."""

from __future__ import annotations

from sync.sla.engine import SUMMARY_RULE, plan_to_json
from tests.sla.sla_helpers import (
    activity,
    apply,
    assert_settled,
    call,
    complete,
    deal,
    jst,
    keys,
    run,
    state,
)

COMMITMENTS = [{"owner": "rep", "text": f"資料{i}の件で確認して連絡する"} for i in range(6)]


def busy_state(now=jst(2026, 11, 20, 17, 5), open_tasks=None, settings=None):
    """A deal whose meeting produced a thank-you task and six small promises: more than the budget of five."""
    return state(now, [deal(stage_entered_at="2026-11-20T16:30:00+09:00")],
                 [call(commitments=[{**c, "text": c["text"].replace("資料", "件")} for c in COMMITMENTS])],
                 open_tasks=open_tasks, settings=settings)


def open_count(doc, deal_id="D1"):
    return sum(1 for t in doc["open_tasks"] if t["deal"] == deal_id and t["status"] == "open")


def test_over_the_budget_the_rest_is_merged_into_one_summary_task():
    doc = busy_state()
    plan = run(doc)
    assert len(plan.create) == 5
    [summary] = [t for t in plan.create if t.rule == SUMMARY_RULE]
    assert summary.key.startswith("deal-D1/sla-summary/")
    assert "ほかに3件のフォローアップ" in summary.subject and summary.body.count("・") == 3
    assert "thank_you_minutes" in [t.rule for t in plan.create]
    assert "ノイズ上限" in summary.why and summary.priority == "HIGH"
    doc = apply(doc, plan)
    assert open_count(doc) == 5
    assert_settled(doc)


def test_as_the_rep_completes_tasks_merged_ones_get_their_own_slot_and_the_summary_is_rekeyed():
    doc = apply(busy_state(), run(busy_state()))
    old_summary = next(t["key"] for t in doc["open_tasks"] if t["rule"] == SUMMARY_RULE)
    individual = next(t["key"] for t in doc["open_tasks"] if t["rule"] == "promise_small")
    doc = complete(doc, individual)
    plan = run(doc)
    assert [t.rule for t in plan.create].count("promise_small") == 1
    assert [t.key for t in plan.close] == [old_summary]
    [new_summary] = [t for t in plan.create if t.rule == SUMMARY_RULE]
    assert "ほかに2件" in new_summary.subject
    doc = apply(doc, plan)
    assert open_count(doc) == 5 and individual not in [t.key for t in plan.create]
    assert_settled(doc)


def test_when_the_overflow_clears_the_summary_closes():
    doc = apply(busy_state(), run(busy_state()))
    doc["activities"] = [activity("email", jst(2026, 11, 20, 18), "御礼と各種ご連絡")]
    plan = run(doc)
    assert {t.rule for t in plan.close} == {"thank_you_minutes", "promise_small", SUMMARY_RULE}
    assert plan.create == []


def test_the_noise_budget_is_a_tenant_setting_and_other_dealcoach_tasks_count():
    plan = run(busy_state(settings={"sla": {"noise_budget": 2}}))
    assert len(plan.create) == 2 and [t.rule for t in plan.create].count(SUMMARY_RULE) == 1
    coaching = [{"key": f"deal-D1/stage-task/{i}", "deal": "D1", "rule": "stage_entry", "due": "2026-11-21T10:00:00+09:00",
                 "status": "open"} for i in range(4)]
    plan = run(busy_state(open_tasks=coaching))
    assert [t.rule for t in plan.create] == [SUMMARY_RULE]
    assert not any(t.key.startswith("deal-D1/stage-task") for t in plan.close + plan.update)
    full = [{**c, "key": f"{c['key']}x"} for c in coaching] + coaching[:1]
    assert run(busy_state(open_tasks=full)).is_empty()


def test_a_summary_the_rep_completed_is_not_recreated():
    doc = apply(busy_state(), run(busy_state()))
    summary = next(t["key"] for t in doc["open_tasks"] if t["rule"] == SUMMARY_RULE)
    assert run(complete(doc, summary)).is_empty()


def test_completed_tasks_of_time_driven_rules_are_never_reopened_either():
    doc = state(jst(2026, 11, 17, 10), [deal(stage_entered_at="2026-11-16T10:00:00+09:00",
                                             last_activity_at="2026-11-02T10:00:00+09:00")])
    doc = apply(doc, run(doc))
    for t in list(doc["open_tasks"]):
        doc = complete(doc, t["key"])
    for day in (18, 19, 20):
        doc["now"] = jst(2026, 11, day, 10).isoformat()
        assert run(doc).is_empty()


def test_changed_due_or_subject_updates_in_place_and_same_content_does_nothing():
    doc = apply(busy_state(settings={"sla": {"noise_budget": 10}}), run(busy_state(settings={"sla": {"noise_budget": 10}})))
    assert_settled(doc)
    doc["tenant_settings"] = {"sla": {"noise_budget": 10, "rules": {"thank_you_minutes": {"due": {"business_hours": 1}}}}}
    [update] = run(doc).update
    assert update.rule == "thank_you_minutes" and update.due == jst(2026, 11, 20, 18)
    doc = apply(doc, run(doc))
    assert_settled(doc)
    thanks = next(t for t in doc["open_tasks"] if t["rule"] == "thank_you_minutes")
    thanks["subject"] = "御礼メール（担当者が編集）"
    assert [t.key for t in run(doc).update] == [thanks["key"]]
    del thanks["subject"]
    assert run(doc).is_empty()


def test_a_date_only_due_from_the_crm_compares_by_day():
    doc = apply(busy_state(settings={"sla": {"noise_budget": 10}}), run(busy_state(settings={"sla": {"noise_budget": 10}})))
    for t in doc["open_tasks"]:
        t["due"] = t["due"][:10]
        t.pop("subject")
    assert run(doc).is_empty()
    next(t for t in doc["open_tasks"] if t["rule"] == "thank_you_minutes")["due"] = "2026-11-25"
    assert [t.rule for t in run(doc).update] == ["thank_you_minutes"]


def test_tasks_of_deals_not_in_the_state_and_unknown_rules_are_left_alone():
    others = [{"key": "deal-D9/sla-stale_deal/1/owner", "deal": "D9", "rule": "stale_deal", "due": "2026-11-01T10:00:00+09:00",
               "status": "open"},
              {"key": "deal-D1/next-action/xyz", "deal": "D1", "rule": "next_action", "due": "2026-11-01T10:00:00+09:00",
               "status": "open"}]
    plan = run(busy_state(open_tasks=others))
    assert not {t.key for t in plan.close + plan.update} & {o["key"] for o in others}


def test_redelivered_events_produce_one_task_per_key():
    once = run(state(jst(2026, 11, 20, 17, 5), [deal()], [call()]))
    twice = run(state(jst(2026, 11, 20, 17, 5), [deal()], [call(), call()]))
    assert plan_to_json(once) == plan_to_json(twice)


def test_every_rule_can_be_switched_off_per_tenant():
    ids = ("thank_you_minutes", "promise_small", "promise_deliverable", "stale_deal", "nurture_30d", "post_contract", "ghosting",
           "lost_deal", "missing_bant")
    off = {"sla": {"rules": {rid: {"enabled": False} for rid in ids}}}
    docs = [busy_state(settings=off),
            state(jst(2026, 11, 17, 10), [deal(last_activity_at="2026-11-02T10:00:00+09:00")], settings=off),
            state(jst(2026, 11, 2, 11), [deal(stage="qualifiedtobuy", stage_order=2, stage_entered_at="2026-11-02T10:00:00+09:00")],
                  settings=off),
            state(jst(2026, 11, 17, 10), [deal(is_closed=True, is_won=True, stage="closedwon")], settings=off),
            state(jst(2026, 11, 17, 10), [deal(is_closed=True, stage="closedlost")], settings=off)]
    for doc in docs:
        assert run(doc).is_empty()
        doc.pop("tenant_settings")
        assert not run(doc).is_empty()


def test_the_engine_reads_no_clock_the_same_state_gives_the_same_plan():
    doc = busy_state()
    assert plan_to_json(run(doc)) == plan_to_json(run(doc))
    later = dict(doc, now="2026-11-20T17:06:00+09:00")
    assert keys(run(later).create) == keys(run(doc).create)
