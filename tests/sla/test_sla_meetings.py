"""Rules triggered by a logged meeting: thank-you email, small promises, deliverables, and BANT on entering a proposal stage."""

from __future__ import annotations

import pytest

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

FRIDAY_MEETING = call(at=jst(2026, 11, 20, 16), ended=jst(2026, 11, 20, 17))
THANKS_KEY = "deal-D1/sla-thank_you_minutes/1795158000000"


def meeting_state(now, events=None, activities=None, open_tasks=None, settings=None, **deal_fields):
    return state(now, [deal(**deal_fields)], events if events is not None else [FRIDAY_MEETING], activities, open_tasks, settings)


def only(plan, rule):
    return [t for t in plan.create if t.rule == rule]


def test_thank_you_is_due_three_business_hours_after_the_meeting_ended():
    plan = run(meeting_state(jst(2026, 11, 20, 17, 5)))
    [task] = only(plan, "thank_you_minutes")
    assert task.key == THANKS_KEY
    assert task.due.isoformat() == "2026-11-24T11:00:00+09:00"
    assert (task.owner, task.priority) == ("u-owner", "HIGH")
    assert "thank_you_minutes" in task.why and "call.logged" in task.why and "メール記録なし" in task.why


def test_thank_you_body_carries_the_scorecard_draft_or_the_seed_template():
    draft = {"subject": "【議事録】本日の電子カルテ連携の件", "body": "本日はお時間をいただきありがとうございました。"}
    with_draft = only(run(meeting_state(jst(2026, 11, 20, 17, 5), [call(email_draft=draft)])), "thank_you_minutes")[0]
    assert "件名: 【議事録】本日の電子カルテ連携の件" in with_draft.body
    from_scorecard = only(run(meeting_state(jst(2026, 11, 20, 17, 5), [call(scorecard={"email_draft": draft})])),
                          "thank_you_minutes")[0]
    assert from_scorecard.body == with_draft.body
    template = only(run(meeting_state(jst(2026, 11, 20, 17, 5))), "thank_you_minutes")[0]
    assert "【議事録】本日の案件D1の件" in template.body and "次回までの宿題" in template.body
    english = only(run(meeting_state(jst(2026, 11, 20, 17, 5)), lang="en"), "thank_you_minutes")[0]
    assert english.subject.startswith("[Thank-you email] 案件D1") and "Rule thank_you_minutes" in english.why


@pytest.mark.parametrize("email, closes", [
    (activity("email", jst(2026, 11, 20, 18, 30), "本日の御礼"), True),
    (activity("email", jst(2026, 11, 20, 18, 30), "Re: ご質問", direction="in"), False),
    (activity("email", jst(2026, 11, 20, 15), "事前資料"), False),
    (activity("email", jst(2026, 11, 20, 18, 30), "本日の御礼", deal_id="D2"), False),
])
def test_thank_you_closes_when_an_email_is_logged_on_the_deal_after_the_meeting(email, closes):
    opened = apply(meeting_state(jst(2026, 11, 20, 17, 5)), run(meeting_state(jst(2026, 11, 20, 17, 5))))
    opened["activities"].append(email)
    opened["now"] = "2026-11-20T19:00:00+09:00"
    plan = run(opened)
    assert (THANKS_KEY in keys(plan.close)) is closes
    if closes:
        [closed] = [t for t in plan.close if t.key == THANKS_KEY]
        assert "本日の御礼" in closed.why
        assert_settled(apply(opened, plan))


def test_a_satisfied_thank_you_is_never_created():
    doc = meeting_state(jst(2026, 11, 20, 19), activities=[activity("email", jst(2026, 11, 20, 18), "御礼")])
    assert only(run(doc), "thank_you_minutes") == []


def test_a_task_the_rep_completed_is_never_reopened_nor_recreated():
    doc = apply(meeting_state(jst(2026, 11, 20, 17, 5)), run(meeting_state(jst(2026, 11, 20, 17, 5))))
    doc = complete(doc, THANKS_KEY)
    doc["now"] = "2026-11-25T10:00:00+09:00"
    plan = run(doc)
    assert THANKS_KEY not in keys(plan.create) + keys(plan.update) + keys(plan.close)


def test_an_after_hours_meeting_counts_from_the_next_business_start():
    doc = meeting_state(jst(2026, 11, 19, 20), [call(at=jst(2026, 11, 19, 19), ended=jst(2026, 11, 19, 20))])
    assert only(run(doc), "thank_you_minutes")[0].due == jst(2026, 11, 20, 12)


def test_a_meeting_activity_event_triggers_too_but_a_plain_call_note_does_not():
    meeting = {"kind": "activity.logged", "deal": "D1", "at": "2026-11-16T10:00:00+09:00", "type": "meeting", "duration_s": 3600}
    note = {"kind": "activity.logged", "deal": "D1", "at": "2026-11-16T12:00:00+09:00", "type": "call"}
    [task] = only(run(meeting_state(jst(2026, 11, 16, 11, 5), [meeting, note])), "thank_you_minutes")
    assert task.due == jst(2026, 11, 16, 14)


def test_thank_you_for_a_meeting_long_past_is_not_created():
    doc = meeting_state(jst(2026, 12, 7, 10))
    assert only(run(doc), "thank_you_minutes") == []


def test_thank_you_switched_off_or_retimed_per_tenant():
    off = {"sla": {"rules": {"thank_you_minutes": {"enabled": False}}}}
    assert only(run(meeting_state(jst(2026, 11, 20, 17, 5), settings=off)), "thank_you_minutes") == []
    faster = {"sla": {"rules": {"thank_you_minutes": {"due": {"business_hours": 1}}}}}
    assert only(run(meeting_state(jst(2026, 11, 20, 17, 5), settings=faster)), "thank_you_minutes")[0].due == jst(2026, 11, 20, 18)


def test_a_switched_off_rule_still_closes_its_satisfied_task():
    doc = apply(meeting_state(jst(2026, 11, 20, 17, 5)), run(meeting_state(jst(2026, 11, 20, 17, 5))))
    doc["activities"].append(activity("email", jst(2026, 11, 20, 18), "御礼"))
    doc["tenant_settings"] = {"sla": {"rules": {"thank_you_minutes": {"enabled": False}}}}
    assert THANKS_KEY in keys(run(doc).close)


def test_an_open_task_whose_meeting_is_no_longer_in_the_state_is_judged_by_its_key():
    doc = apply(meeting_state(jst(2026, 11, 20, 17, 5)), run(meeting_state(jst(2026, 11, 20, 17, 5))))
    doc["events"] = []
    assert run(doc).is_empty()
    doc["activities"].append(activity("email", jst(2026, 11, 20, 18), "御礼"))
    assert THANKS_KEY in keys(run(doc).close)


COMMITMENTS = [
    {"owner": "rep", "text": "記事のURLを送る", "evidence": "後で記事のURLをお送りします"},
    {"owner": "rep", "text": "御見積を送付する", "evidence": "お見積をお送りします"},
    {"owner": "rep", "text": "導入事例の資料を12月1日までに送る", "due": "2026-12-01"},
    {"owner": "customer", "text": "社内で共有する"},
]


def test_each_rep_commitment_becomes_a_promise_task():
    doc = meeting_state(jst(2026, 11, 20, 17, 5), [call(commitments=COMMITMENTS)])
    plan = run(doc)
    [small] = only(plan, "promise_small")
    assert small.subject.endswith("記事のURLを送る") and small.due == jst(2026, 11, 24, 17)
    assert small.key.startswith("deal-D1/sla-promise_small/1795158000000/c-")
    deliverables = sorted(only(plan, "promise_deliverable"), key=lambda t: t.due)
    assert [t.due for t in deliverables] == [jst(2026, 11, 27, 18), jst(2026, 12, 1, 18)]
    assert "見積書" in deliverables[0].subject and "資料" in deliverables[1].subject
    assert "2026-12-01" in deliverables[1].why
    assert not any("社内で共有" in t.subject for t in plan.create)
    assert_settled(apply(doc, plan))


def test_promise_keys_survive_rescoring_with_reordered_or_reworded_spacing():
    first = run(meeting_state(jst(2026, 11, 20, 17, 5), [call(commitments=COMMITMENTS)]))
    shuffled = [dict(COMMITMENTS[2]), dict(COMMITMENTS[0], text="記事の URL を送る"), COMMITMENTS[1]]
    second = run(meeting_state(jst(2026, 11, 20, 17, 5), [call(commitments=shuffled)]))
    assert keys(only(first, "promise_small")) == keys(only(second, "promise_small"))


def test_a_small_promise_is_kept_by_the_next_email():
    doc = apply(meeting_state(jst(2026, 11, 20, 17, 5), [call(commitments=COMMITMENTS[:1])]),
                run(meeting_state(jst(2026, 11, 20, 17, 5), [call(commitments=COMMITMENTS[:1])])))
    doc["activities"].append(activity("email", jst(2026, 11, 20, 18), "御礼と記事URL"))
    assert {t.rule for t in run(doc).close} == {"thank_you_minutes", "promise_small"}


def test_a_deliverable_gets_an_interim_task_after_three_business_days_unless_sent():
    events = [call(commitments=[COMMITMENTS[1]])]
    early = run(meeting_state(jst(2026, 11, 26, 16, 59), events))
    assert [t.key.endswith("/interim") for t in only(early, "promise_deliverable")] == [False]
    later = run(meeting_state(jst(2026, 11, 26, 17), events))
    [interim] = [t for t in later.create if t.key.endswith("/interim")]
    assert (interim.priority, interim.due) == ("MEDIUM", jst(2026, 11, 27, 12))
    assert "中間報告" in interim.subject and "2026-11-27 18:00" in interim.body
    sent = run(meeting_state(jst(2026, 11, 26, 17), events, [activity("email", jst(2026, 11, 25, 15), "お見積書送付の件")]))
    assert only(sent, "promise_deliverable") == []


def test_a_deliverable_closes_only_on_an_email_that_sends_it_while_a_progress_note_closes_the_interim():
    events = [call(commitments=[COMMITMENTS[1]])]
    doc = meeting_state(jst(2026, 11, 26, 17), events, [activity("email", jst(2026, 11, 20, 18), "御礼")])
    doc = apply(doc, run(doc))
    assert any(t["key"].endswith("/interim") and t["status"] == "open" for t in doc["open_tasks"])
    doc["activities"].append(activity("email", jst(2026, 11, 27, 9, 30), "進捗のご報告"))
    plan = run(doc)
    assert [t.key.endswith("/interim") for t in plan.close] == [True]
    doc = apply(doc, plan)
    doc["activities"].append(activity("email", jst(2026, 11, 27, 11), "お見積書のご送付"))
    assert [t.rule for t in run(doc).close] == ["promise_deliverable"]


def test_promises_are_cancelled_when_the_deal_is_lost():
    events = [call(commitments=COMMITMENTS[:2])]
    doc = apply(meeting_state(jst(2026, 11, 20, 17, 5), events), run(meeting_state(jst(2026, 11, 20, 17, 5), events)))
    doc["deals"][0].update(is_closed=True, is_won=False, stage="closedlost", stage_entered_at="2026-11-21T10:00:00+09:00")
    closed = run(doc).close
    assert {t.rule for t in closed} == {"thank_you_minutes", "promise_small", "promise_deliverable"}
    assert all("失注" in t.why for t in closed)


BANT_PARTIAL = {"budget": {"found": False}, "authority": {"found": True}, "need": {"found": True}, "timeline": {"found": False}}
BANT_FULL = {k: {"found": True} for k in ("budget", "authority", "need", "timeline")}


def test_entering_a_proposal_stage_without_bant_names_the_missing_items():
    doc = meeting_state(jst(2026, 11, 20, 17, 5), [call(bant=BANT_PARTIAL)], stage_entered_at="2026-11-20T16:30:00+09:00")
    [task] = only(run(doc), "missing_bant")
    assert task.subject == "【BANT未確認】案件D1: 予算・導入時期を確認"
    assert "ご予算" in task.body and "いつ頃" in task.body and "決裁者" not in task.body
    assert task.key == "deal-D1/sla-missing_bant/1795159800000" and task.due == jst(2026, 11, 25, 16, 30)
    english = only(run(doc, lang="en"), "missing_bant")[0]
    assert english.subject == "[BANT gap] 案件D1: confirm Budget, Timeline"


def test_missing_bant_updates_as_items_are_found_and_closes_when_complete():
    doc = meeting_state(jst(2026, 11, 20, 17, 5), [call(bant=BANT_PARTIAL)], stage_entered_at="2026-11-20T16:30:00+09:00")
    doc = apply(doc, run(doc))
    doc["events"].append(call(at=jst(2026, 11, 24, 10), ended=jst(2026, 11, 24, 11),
                              bant={**BANT_PARTIAL, "budget": {"found": True}}))
    doc["activities"].append(activity("email", jst(2026, 11, 24, 12), "御礼"))
    plan = run(doc)
    [update] = [t for t in plan.update if t.rule == "missing_bant"]
    assert update.subject == "【BANT未確認】案件D1: 導入時期を確認"
    doc = apply(doc, plan)
    doc["deals"][0]["bant"] = BANT_FULL
    assert [t.rule for t in run(doc).close] == ["missing_bant"]


def test_missing_bant_waits_for_a_scorecard_unless_configured_otherwise():
    doc = meeting_state(jst(2026, 11, 20, 17, 5), [], stage_entered_at="2026-11-20T16:30:00+09:00")
    assert only(run(doc), "missing_bant") == []
    strict = {"sla": {"rules": {"missing_bant": {"if_no_scorecard": "all_missing"}}}}
    [task] = only(run(doc, settings=strict), "missing_bant")
    assert "予算・決裁権・必要性・導入時期" in task.subject


def test_missing_bant_only_fires_in_configured_stages():
    doc = meeting_state(jst(2026, 11, 20, 17, 5), [call(bant=BANT_PARTIAL)], stage="qualifiedtobuy", stage_order=2,
                        stage_entered_at="2026-11-20T16:30:00+09:00")
    assert only(run(doc), "missing_bant") == []
    by_order = {"sla": {"rules": {"missing_bant": {"min_stage_order": 2}}}}
    assert len(only(run(doc, settings=by_order), "missing_bant")) == 1
