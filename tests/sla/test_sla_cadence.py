"""Time-driven rules: stalled deals (seeds 001/004), the 30-day nurture cadence, post-contract follow-ups, ghosting, lost deals."""

from __future__ import annotations

import pytest

from tests.sla.sla_helpers import (
    activity,
    apply,
    assert_settled,
    complete,
    deal,
    jst,
    keys,
    run,
    state,
)

OFF_EXCEPT = {rid: {"enabled": False} for rid in ("thank_you_minutes", "promise_small", "promise_deliverable", "stale_deal",
                                                  "nurture_30d", "post_contract", "ghosting", "lost_deal", "missing_bant")}


def only_rule(rule_id: str, **overrides) -> dict:
    """Tenant settings with every other rule switched off, so a scenario shows one rule's tasks."""
    rules = {k: dict(v) for k, v in OFF_EXCEPT.items()}
    rules[rule_id] = overrides
    return {"sla": {"rules": rules}}


def stale_state(now, settings=None, activities=None, **fields):
    base = {"stage_entered_at": "2026-11-02T10:00:00+09:00", "last_activity_at": "2026-11-02T10:00:00+09:00"}
    return state(now, [deal(**{**base, **fields})], activities=activities, settings=settings or only_rule("stale_deal"))


@pytest.mark.parametrize("now, order, manager, expected", [
    (jst(2026, 11, 16, 9, 59), 3, "u-manager", []),
    (jst(2026, 11, 16, 10), 3, "u-manager", ["manager", "owner"]),
    (jst(2026, 11, 17, 10), 2, "u-manager", []),
    (jst(2026, 11, 17, 10), 5, None, ["owner"]),
])
def test_no_activity_for_14_days_at_stage_order_3_alerts_owner_and_manager(now, order, manager, expected):
    plan = run(stale_state(now, stage_order=order, manager=manager))
    assert sorted(t.key.rsplit("/", 1)[-1] for t in plan.create) == expected


def test_stale_tasks_are_assigned_and_dated_from_the_moment_the_deal_went_stale():
    plan = run(stale_state(jst(2026, 11, 17, 10)))
    by_part = {t.key.rsplit("/", 1)[-1]: t for t in plan.create}
    assert by_part["owner"].owner == "u-owner" and by_part["manager"].owner == "u-manager"
    assert by_part["owner"].due == jst(2026, 11, 17, 10) and by_part["manager"].due == jst(2026, 11, 18, 10)
    assert by_part["owner"].key == "deal-D1/sla-stale_deal/1793581200000/owner"
    assert "14日間活動記録なし" in by_part["owner"].subject and "担当 u-owner" in by_part["manager"].subject
    assert "最終活動 2026-11-02 10:00" in by_part["owner"].why


def test_a_new_activity_closes_both_stale_tasks_and_later_silence_starts_a_new_episode():
    doc = stale_state(jst(2026, 11, 17, 10))
    doc = apply(doc, run(doc))
    doc["activities"] = [activity("call", jst(2026, 11, 18, 15), "状況確認の電話")]
    doc["now"] = "2026-11-18T16:00:00+09:00"
    plan = run(doc)
    assert len(plan.close) == 2 and all("状況確認の電話" in t.why for t in plan.close)
    doc = apply(doc, plan)
    assert_settled(doc)
    doc["now"] = "2026-12-03T10:00:00+09:00"
    plan = run(doc)
    assert sorted(t.key for t in plan.create) == ["deal-D1/sla-stale_deal/1794981600000/manager",
                                                  "deal-D1/sla-stale_deal/1794981600000/owner"]


def test_stale_threshold_and_stage_order_are_tenant_settings():
    assert run(stale_state(jst(2026, 11, 13, 10))).is_empty()
    tuned = only_rule("stale_deal", inactive_days=10, min_stage_order=2)
    assert len(run(stale_state(jst(2026, 11, 13, 10), settings=tuned, stage_order=2)).create) == 2


def test_stale_tasks_are_cancelled_when_the_deal_closes():
    doc = stale_state(jst(2026, 11, 17, 10))
    doc = apply(doc, run(doc))
    doc["deals"][0].update(is_closed=True, is_won=True, stage="closedwon")
    assert len(run(doc).close) == 2


def test_days_in_stage_guide_per_stage_from_seed_004():
    recent = {"last_activity_at": "2026-11-20T10:00:00+09:00"}
    at_order_5 = run(stale_state(jst(2026, 11, 20, 11), stage="contractsent", stage_order=5, **recent))
    [stuck] = at_order_5.create
    assert stuck.key.endswith("/stuck") and "10日以上滞留" in stuck.subject and stuck.due == jst(2026, 11, 16, 10)
    assert run(stale_state(jst(2026, 11, 20, 11), stage="decisionmakerboughtin", stage_order=4, **recent)).is_empty()
    assert len(run(stale_state(jst(2026, 11, 24, 11), stage="decisionmakerboughtin", stage_order=4, **recent)).create) == 1
    doc = stale_state(jst(2026, 11, 20, 11), stage="contractsent", stage_order=5, **recent)
    doc = apply(doc, run(doc))
    doc["deals"][0].update(stage="closedwon", stage_order=6, is_closed=True, is_won=True, stage_entered_at="2026-11-21T10:00:00+09:00")
    doc["now"] = "2026-11-21T11:00:00+09:00"
    assert [t.key.endswith("/stuck") for t in run(doc).close] == [True]


def test_the_inactivity_alert_holds_back_a_new_stuck_alert():
    plan = run(stale_state(jst(2026, 11, 24, 11)))
    assert sorted(t.key.rsplit("/", 1)[-1] for t in plan.create) == ["manager", "owner"]


def nurture_state(now, activities=None, **fields):
    base = {"stage": "qualifiedtobuy", "stage_order": 2, "stage_entered_at": "2026-11-02T10:00:00+09:00",
            "last_activity_at": "2026-11-02T10:00:00+09:00"}
    return state(now, [deal(**{**base, **fields})], activities=activities, settings=only_rule("nurture_30d"))


def test_nurture_cadence_shows_one_step_at_a_time_on_days_1_4_10_18_30():
    first = run(nurture_state(jst(2026, 11, 2, 10, 5)))
    assert [t.key.rsplit("/", 1)[-1] for t in first.create] == ["day01"]
    assert first.create[0].due == jst(2026, 11, 2, 18) and "御礼メール＋議事録" in first.create[0].subject
    doc = apply(nurture_state(jst(2026, 11, 2, 10, 5)), first)
    seen = {"day01": jst(2026, 11, 2, 18)}
    for now in (jst(2026, 11, 3, 9), jst(2026, 11, 9, 9), jst(2026, 11, 17, 9), jst(2026, 11, 29, 9)):
        doc["now"] = now.isoformat()
        plan = run(doc)
        seen.update({t.key.rsplit("/", 1)[-1]: t.due for t in plan.create})
        doc = apply(doc, plan)
    assert seen == {"day01": jst(2026, 11, 2, 18), "day04": jst(2026, 11, 5, 18), "day10": jst(2026, 11, 11, 18),
                    "day18": jst(2026, 11, 19, 18), "day30": jst(2026, 12, 1, 18)}
    english = run(nurture_state(jst(2026, 11, 2, 10, 5)), lang="en").create[0]
    assert english.subject == "[30-day nurture, day 1] 案件D1: thank-you email with minutes"


def test_nurture_day_1_closes_with_the_thank_you_email_and_others_need_the_rep():
    doc = apply(nurture_state(jst(2026, 11, 2, 10, 5)), run(nurture_state(jst(2026, 11, 2, 10, 5))))
    doc["activities"] = [activity("email", jst(2026, 11, 2, 13), "御礼")]
    assert [t.key.rsplit("/", 1)[-1] for t in run(doc).close] == ["day01"]


def test_nurture_is_cancelled_when_the_deal_moves_on_or_closes():
    doc = nurture_state(jst(2026, 11, 6, 10))
    doc = apply(doc, run(doc))
    assert len([t for t in doc["open_tasks"] if t["status"] == "open"]) >= 1
    moved = dict(doc, deals=[deal(stage="presentationscheduled", stage_order=3, stage_entered_at="2026-11-06T11:00:00+09:00",
                                  last_activity_at="2026-11-06T11:00:00+09:00")])
    moved["now"] = "2026-11-06T12:00:00+09:00"
    plan = run(moved)
    assert plan.create == [] and len(plan.close) == len([t for t in doc["open_tasks"] if t["status"] == "open"])
    assert all("presentationscheduled" in t.why for t in plan.close)
    reentered = dict(doc, deals=[deal(stage="qualifiedtobuy", stage_order=2, stage_entered_at="2026-11-06T11:00:00+09:00")])
    reentered["now"] = "2026-11-06T12:00:00+09:00"
    plan = run(reentered)
    assert [t.key.rsplit("/", 1)[-1] for t in plan.create] == ["day01"] and plan.close


def won_state(now, activities=None, won_at="2025-01-31T15:00:00+09:00", **fields):
    base = {"stage": "closedwon", "stage_order": 6, "is_closed": True, "is_won": True, "stage_entered_at": won_at}
    return state(now, [deal(**{**base, **fields})], activities=activities, settings=only_rule("post_contract"))


def test_post_contract_follow_ups_at_1_week_1_3_6_months_and_1_year_across_month_ends():
    doc = won_state(jst(2025, 1, 31, 16))
    dues = {}
    for now in ("2025-01-31T16:00:00+09:00", "2025-02-15T09:00:00+09:00", "2025-04-20T09:00:00+09:00",
                "2025-07-20T09:00:00+09:00", "2026-01-20T09:00:00+09:00"):
        doc["now"] = now
        plan = run(doc)
        dues.update({t.key.rsplit("/", 1)[-1]: t.due for t in plan.create})
        doc = apply(doc, plan)
    assert dues == {"week1": jst(2025, 2, 7, 18), "month1": jst(2025, 2, 28, 18), "month3": jst(2025, 4, 30, 18),
                    "month6": jst(2025, 7, 31, 18), "year1": jst(2026, 2, 2, 18)}


def test_a_follow_up_call_in_the_window_closes_the_step():
    doc = won_state(jst(2025, 2, 3, 10))
    doc = apply(doc, run(doc))
    doc["activities"] = [activity("call", jst(2025, 2, 5, 14), "導入1週間の確認")]
    assert [t.key.rsplit("/", 1)[-1] for t in run(doc).close] == ["week1"]


def test_post_contract_is_cancelled_if_the_deal_is_reopened():
    doc = won_state(jst(2025, 2, 3, 10))
    doc = apply(doc, run(doc))
    doc["deals"][0].update(is_closed=False, is_won=False, stage="contractsent", stage_order=5)
    assert len(run(doc).close) == 1


def ghost_state(now, activities, **fields):
    return state(now, [deal(stage_entered_at="2026-11-01T10:00:00+09:00", **fields)], activities=activities,
                 settings=only_rule("ghosting"))


FOLLOW_UPS = [activity("meeting", jst(2026, 11, 2, 10), "提案"), activity("email", jst(2026, 11, 4, 10), "資料送付"),
              activity("email", jst(2026, 11, 9, 10), "ご検討状況")]


def test_two_unanswered_follow_ups_bring_a_supportive_check_in_then_a_closing_email():
    assert run(ghost_state(jst(2026, 11, 16, 9, 59), FOLLOW_UPS)).is_empty()
    doc = ghost_state(jst(2026, 11, 16, 10), FOLLOW_UPS)
    [check_in] = run(doc).create
    assert check_in.key == "deal-D1/sla-ghosting/1793754000000/check_in" and check_in.due == jst(2026, 11, 17, 10)
    assert "お力になれること" in check_in.body and "フォローメール2通" in check_in.why
    doc = apply(doc, run(doc))
    doc["activities"] = FOLLOW_UPS + [activity("email", jst(2026, 11, 16, 15), "その後いかがでしょうか")]
    doc["now"] = "2026-11-16T16:00:00+09:00"
    plan = run(doc)
    assert [t.key.rsplit("/", 1)[-1] for t in plan.close] == ["check_in"] and plan.create == []
    doc = apply(doc, plan)
    doc["now"] = "2026-11-24T14:59:00+09:00"
    assert run(doc).is_empty()
    doc["now"] = "2026-11-24T15:00:00+09:00"
    [closing] = run(doc).create
    assert closing.key.endswith("/closing") and closing.due == jst(2026, 11, 25, 15) and "ご縁がなかった" in closing.body


def test_a_reply_ends_the_ghosting_episode():
    doc = ghost_state(jst(2026, 11, 16, 10), FOLLOW_UPS)
    doc = apply(doc, run(doc))
    doc["activities"] = FOLLOW_UPS + [activity("email", jst(2026, 11, 16, 11), "Re: ご検討状況", direction="in")]
    [closed] = run(doc).close
    assert closed.key.endswith("/check_in") and "顧客の接点" in closed.why


def test_ghosting_threshold_is_a_tenant_setting():
    tuned = {"sla": {"rules": {**OFF_EXCEPT, "ghosting": {"days": 3, "followups": 1}}}}
    doc = ghost_state(jst(2026, 11, 7, 10), FOLLOW_UPS[:2])
    doc["tenant_settings"] = tuned
    assert [t.key.rsplit("/", 1)[-1] for t in run(doc).create] == ["check_in"]


def lost_state(now, events=None, **fields):
    base = {"stage": "closedlost", "stage_order": 7, "is_closed": True, "is_won": False, "stage_entered_at": "2026-11-16T10:00:00+09:00"}
    return state(now, [deal(**{**base, **fields})], events=events, settings=only_rule("lost_deal"))


def test_lost_deal_asks_for_feedback_and_sets_a_reminder_11_months_out():
    plan = run(lost_state(jst(2026, 11, 16, 11)))
    by = {t.key.rsplit("/", 1)[-1]: t for t in plan.create}
    assert by["feedback"].due == jst(2026, 11, 18, 10) and by["feedback"].priority == "MEDIUM"
    assert by["renewal"].due == jst(2027, 10, 18, 18) and by["renewal"].priority == "LOW"
    assert "理由を教えていただければ" in by["feedback"].body and "不明" in by["renewal"].subject


@pytest.mark.parametrize("renewal, due", [
    ("2027-09-30", jst(2027, 4, 5, 18)),
    ("2027-01-31", jst(2026, 11, 18, 10)),
])
def test_a_known_competitor_renewal_moves_the_reminder_six_months_before_it(renewal, due):
    lost = {"kind": "deal.closed_lost", "deal": "D1", "at": "2026-11-16T10:00:00+09:00", "competitor": "A社",
            "competitor_renewal_at": renewal}
    [reminder] = [t for t in run(lost_state(jst(2026, 11, 16, 11), [lost])).create if t.key.endswith("/renewal")]
    assert reminder.due == due and "A社" in reminder.why and renewal in reminder.subject


def test_a_renewal_date_learned_later_updates_the_reminder_in_place():
    doc = lost_state(jst(2026, 11, 16, 11))
    doc = apply(doc, run(doc))
    doc["deals"][0].update(competitor="B社", competitor_renewal_at="2027-12-01")
    [update] = run(doc).update
    assert update.key.endswith("/renewal") and update.due == jst(2027, 6, 4, 18)


def test_lost_deal_feedback_closes_on_contact_and_all_cancel_if_reopened():
    doc = lost_state(jst(2026, 11, 16, 11))
    doc = apply(doc, run(doc))
    doc["activities"] = [activity("email", jst(2026, 11, 17, 10), "今後の改善のために")]
    [closed] = run(doc).close
    assert closed.key.endswith("/feedback")
    doc = complete(apply(doc, run(doc)), "x")
    doc["deals"][0].update(is_closed=False, stage="negotiation", stage_order=5)
    assert keys(run(doc).close) == ["deal-D1/sla-lost_deal/1794790800000/renewal"]
