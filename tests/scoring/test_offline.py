"""Offline scorer: scores backed by verbatim quotes, null when unobservable, deterministic, §5 shape."""

from __future__ import annotations

import json
from datetime import date

import pytest

from scoring.offline import score_transcript
from scoring.scorecard import BANT_KEYS, METRIC_KEYS, Scorecard
from scoring.transcript import Segment, Transcript

TOP_KEYS = ["rubric", "rubric_version", "language", "scorer", "overall", "phases", "metrics", "bant", "next_step", "commitments",
            "ng_behaviors", "deal_state", "next_actions", "email_draft", "rep_speaker", "metrics_basis", "coverage"]


def _quotes(card: Scorecard) -> list[tuple[str, float | None]]:
    d = card.to_dict()
    out = [(e["quote"], e.get("start_s")) for p in d["phases"] for c in p["criteria"] for e in c["evidence"]]
    out += [(b["evidence"], None) for b in d["bant"].values() if b["evidence"]]
    out += [(d["next_step"]["evidence"], None)] if d["next_step"]["evidence"] else []
    out += [(c["evidence"], None) for c in d["commitments"]] + [(n["evidence"], None) for n in d["ng_behaviors"]]
    return out


@pytest.mark.parametrize("card_name", ["good_card", "weak_card"])
def test_every_quote_is_verbatim_and_timed_by_its_segment(card_name, request):
    card = request.getfixturevalue(card_name)
    call = request.getfixturevalue(card_name.replace("card", "call"))
    quotes = _quotes(card)
    assert len(quotes) > 10
    for quote, start in quotes:
        owners = [s for s in call.segments if quote in s.text]
        assert quote and owners, quote
        if start is not None:
            assert start in [s.start for s in owners]
    if card_name == "good_card":
        assert all(e.start_s is not None for c in card.assessed() for e in c.evidence)


def test_scorecard_json_has_the_contract_shape(good_card, rubric):
    d = good_card.to_dict()
    assert list(d) == TOP_KEYS
    assert (d["rubric"], d["rubric_version"], d["language"], d["scorer"]) == ("sales-7-phase", "1", "ja", "offline")
    assert [p["id"] for p in d["phases"]] == list(rubric.phase_ids)
    assert sum(len(p["criteria"]) for p in d["phases"]) == 153
    assert all(set(c) == {"id", "score", "evidence", "advice"} for p in d["phases"] for c in p["criteria"])
    assert list(d["metrics"]) == list(METRIC_KEYS)
    assert list(d["bant"]) == list(BANT_KEYS)
    assert all(set(a) == {"id", "title", "why", "due_in_hours"} for a in d["next_actions"])
    assert d["rep_speaker"] == {"name": "山田", "method": "role", "confidence": 1.0}
    assert d["metrics_basis"] == "timestamps"
    json.dumps(d, ensure_ascii=False)


def test_round_trip_and_determinism(good_card, good_call, rubric):
    assert Scorecard.from_dict(good_card.to_dict()).to_dict() == good_card.to_dict()
    assert Scorecard.from_dict(json.loads(json.dumps(good_card.to_dict()))) == good_card
    assert score_transcript(good_call, rubric=rubric).to_dict() == good_card.to_dict()


def test_good_discovery_call(good_card):
    assert good_card.overall is not None and good_card.overall >= 85
    assert good_card.deal_state == "shodan"
    assert good_card.ng_behaviors == ()
    assert all(good_card.bant[k].found for k in BANT_KEYS)
    assert good_card.bant["budget"].evidence == "年間で200万円程度を想定しています。"
    assert good_card.bant["authority"].evidence == "最終的には管理本部長の決裁になります。"
    assert good_card.next_step.set and good_card.next_step.when == "来週の火曜日、3月12日の14時から"
    for check in ("first_contact.self_introduction.name_title_company", "first_contact.meeting_purpose.purpose_stated",
                  "needs_discovery.open_questions.deep_questions", "needs_discovery.open_questions.summary_check",
                  "needs_discovery.bant.natural_flow", "needs_discovery.wrap_up.next_schedule", "proposal.evidence.quantified"):
        assert good_card.criterion(check).score == 2, check
        assert good_card.has_evidence(check)
    assert good_card.criterion("first_contact.self_introduction.name_title_company").evidence[0].quote == "株式会社ミライクラウドの山田と申します。"
    assert good_card.criterion("needs_discovery.open_questions.summary_check").evidence[1].quote == "この理解で相違ないでしょうか。"


def test_commitments_keep_due_hints_and_never_invent_dates(good_card):
    rep = [(c.text, c.due_hint, c.due) for c in good_card.commitments if c.owner == "rep"]
    assert rep == [("本日中に、A社様の導入事例の資料をお送りします。", "本日中", None),
                   ("また、ブルー会計との連携仕様は確認して明日ご連絡します。", "明日", None)]
    assert [c.text for c in good_card.commitments if c.owner == "customer"] == ["本部長にも声をかけておきます。"]


def test_unobservable_criteria_are_null_not_zero(good_card, weak_card):
    for card in (good_card, weak_card):
        for check in ("research.company.financials", "first_contact.rapport.body_language", "proposal.structure.slide_volume",
                      "contract_implementation.terms.explained", "after_follow.upsell.usage_based"):
            assert card.criterion(check).score is None, check
            assert card.criterion(check).evidence == () and not card.has_evidence(check)
        assert card.phase("contract_implementation").score is None
        assert card.phase("after_follow").score is None
    assert good_card.criterion("proposal.benefits.roi_clear").score is None


def test_weak_call_is_called_out(weak_card):
    assert weak_card.overall is not None and weak_card.overall < 30
    assert {n.id for n in weak_card.ng_behaviors} == {
        "needs_discovery.budget_first", "first_contact.one_sided_talk", "first_contact.vague_follow_up",
        "negotiation_closing.discount_first", "proposal.vague_benefits", "needs_discovery.shallow_question",
        "first_contact.seller_driven", "proposal.no_roi"}
    ng = {n.id: n.evidence for n in weak_card.ng_behaviors}
    # A price with no return shown no rule reads: the learned NG model finds it since its retraining through blind128
    # (before, it rated it under its threshold on this short call). The customer's 「そこまで困っているわけではない」
    # brushed aside (objection_ignored) is still missed: no rule reads it here and the model rates it under its threshold.
    assert weak_card.extra["learned_ng"] == ["proposal.no_roi"]
    assert ng["proposal.no_roi"] == "とにかく便利になりますので、ぜひ一度お試しいただきたいと思っております。"
    assert ng["first_contact.vague_follow_up"] == "ではまた連絡します。"
    assert ng["needs_discovery.budget_first"] == "早速ですが、ご予算はどのくらいありますか？"
    assert ng["negotiation_closing.discount_first"] == "今月中にご契約いただければ、2割お値引きします。"
    # A rep doing the talk who presses signing by a deadline runs the call on the seller's timetable.
    assert ng["first_contact.seller_driven"] == "今月中にご契約いただければ、2割お値引きします。"
    # A question that only seeks agreement is a shallow one (seed 000's 浅い質問).
    assert ng["needs_discovery.shallow_question"] == "いかがでしょうか、便利そうですよね？"
    assert not weak_card.next_step.set
    assert not any(weak_card.bant[k].found for k in BANT_KEYS)
    assert weak_card.deal_state == "wadai"
    zeros = ["first_contact.next_meeting.next_step_agreed", "first_contact.rapport.active_listening", "needs_discovery.bant.natural_flow",
             "needs_discovery.open_questions.deep_questions", "needs_discovery.open_questions.summary_check",
             "negotiation_closing.value_not_discount.added_value", "proposal.evidence.quantified"]
    assert {c: weak_card.criterion(c).score for c in zeros} == dict.fromkeys(zeros, 0)
    assert weak_card.criterion("first_contact.self_introduction.name_title_company").score == 1
    assert weak_card.criterion("first_contact.next_meeting.next_step_agreed").advice.startswith("「また連絡します」で終わらせず")
    assert weak_card.metrics_basis == "characters"
    assert weak_card.rep_speaker.method == "first_speaker"


def test_next_actions_come_from_the_gaps(good_card, weak_card):
    assert [a.id for a in good_card.next_actions] == ["send_minutes_email", "commitment_1", "commitment_2"]
    assert [a.due_in_hours for a in good_card.next_actions] == [3, 8, 24]
    weak_ids = [a.id for a in weak_card.next_actions]
    assert weak_ids[0] == "send_minutes_email"
    assert {"schedule_next_meeting", "confirm_budget", "confirm_authority", "confirm_need", "confirm_timeline",
            "prepare_roi_estimate"} <= set(weak_ids)
    assert all(a.title and a.why and a.due_in_hours > 0 for a in weak_card.next_actions)


def test_email_draft_is_minutes_style(good_card):
    mail = good_card.email_draft
    assert mail.subject.startswith("【議事録】")
    for part in ("佐藤様", "ありがとうございました", "・合意事項", "来週の火曜日、3月12日の14時から", "・ご懸念点", "初期費用がどのくらいかかるかも気になっています。",
                 "・次回までの宿題", "弊社：本日中に、A社様の導入事例の資料をお送りします。（本日中）", "貴社：本部長にも声をかけておきます。",
                 "という理解で相違ないでしょうか", "認識に相違がございましたらご指摘ください", "山田"):
        assert part in mail.body, part


def test_english_call(english_call, rubric):
    card = score_transcript(english_call, rubric=rubric)
    assert card.language == "en"
    assert card.next_step.set and card.next_step.when == "next Tuesday at 3pm"
    assert card.bant["budget"].evidence == "Around 40,000 dollars a year."
    assert all(card.bant[k].found for k in BANT_KEYS)
    assert [(c.owner, c.due_hint) for c in card.commitments] == [("rep", "today")]
    assert card.ng_behaviors == ()
    assert "Please let me know if anything above differs" in card.email_draft.body
    assert card.next_actions[0].title == "Send the thank-you mail with minutes"


def test_same_call_scores_the_same_from_vtt(load_call, rubric, good_card):
    card = score_transcript(load_call("discovery_good.ja.vtt"), rubric=rubric)
    assert card.rep_speaker.method == "self_introduction"
    assert (card.deal_state, card.next_step, card.bant) == (good_card.deal_state, good_card.next_step, good_card.bant)
    assert card.overall == good_card.overall


def _call(*turns: tuple[str, str]) -> Transcript:
    return Transcript(segments=tuple(Segment(speaker=s, text=t, role="rep" if s == "営業" else "customer") for s, t in turns))


@pytest.mark.parametrize(
    ("turns", "state"),
    [
        ((("営業", "ご提案の内容と費用はいかがでしたか。"), ("顧客", "検討しましたが、今回は見送らせてください。")), "botsu"),
        ((("営業", "ご検討状況はいかがでしょうか。"), ("顧客", "申し訳ないのですが、他社に決めました。")), "botsu"),
        ((("営業", "これまでの検討状況を教えてください。"), ("顧客", "昨年は予算の都合で見送りました。")), None),
        ((("営業", "スタンダードプランで月額5万円のお見積りです。"), ("顧客", "その内容で、来期から導入します。")), "shodan"),
        ((("営業", "スタンダードプランで月額5万円のお見積りです。"), ("顧客", "その内容で進めてください。")), "wadai"),
        # A plan and a quote still to be sent are not on the table yet (seed 003 counts them agreed).
        ((("営業", "プランと見積をお送りします。"), ("顧客", "導入時期は来期を考えています。")), None),
        ((("営業", "本日はありがとうございました。"), ("顧客", "こちらこそ。")), None),
    ],
)
def test_deal_state(turns, state, rubric):
    assert score_transcript(_call(*turns), rubric=rubric).deal_state == state


def test_botsu_suppresses_meeting_and_bant_actions(rubric):
    card = score_transcript(_call(("営業", "ご予算はいかがでしょうか。"), ("顧客", "今回は見送らせてください。")), rubric=rubric)
    assert card.deal_state == "botsu"
    assert [a.id for a in card.next_actions] == ["send_minutes_email", "lost_deal_follow_up"]


def test_absolute_due_dates_only(rubric):
    call = _call(("営業", "2025年3月5日までに見積書をお送りします。"), ("顧客", "はい。"), ("営業", "4月2日までに資料をご用意します。"))
    assert [c.due for c in score_transcript(call, rubric=rubric).commitments] == ["2025-03-05", None]
    dated = score_transcript(call, rubric=rubric, call_date=date(2025, 4, 10))
    assert [c.due for c in dated.commitments] == ["2025-03-05", "2026-04-02"]


def test_stage_phase_makes_absence_observable(rubric):
    call = _call(("営業", "本日はありがとうございます。"), ("顧客", "よろしくお願いします。"))
    assert score_transcript(call, rubric=rubric).overall is None
    card = score_transcript(call, rubric=rubric, stage_phase="contract_implementation")
    assert card.criterion("contract_implementation.terms.explained").score == 0
    assert card.criterion("contract_implementation.rollout.manuals").score is None
    assert card.phase("contract_implementation").score == 0
    with pytest.raises(ValueError, match="unknown stage phase"):
        score_transcript(call, rubric=rubric, stage_phase="closing")


def test_rep_argument_picks_the_scored_speaker(load_call, rubric):
    card = score_transcript(load_call("discovery_good.ja.txt"), rubric=rubric, rep="佐藤")
    assert card.rep_speaker.name == "佐藤" and card.rep_speaker.method == "name"
    assert card.criterion("first_contact.self_introduction.name_title_company").score != 2
