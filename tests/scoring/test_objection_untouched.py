"""When a reply that misses the concern's words shows it ignored (issue 13, blind9-18): a hedged objection or a price
objection does; a reason left hanging or a plain concern word needs a brush-off, a second raise or a push-back; in
after-sales any complaint the reply misses stays a complaint left standing. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call

IGNORED = "negotiation_closing.objection_ignored"


def _ngs(rubric: Rubric, call: Transcript, phase: str = "proposal") -> set[str]:
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


def _missed(said: str) -> Transcript:
    return _call(
        ("営業", "画面はこのように、入庫と出庫が一覧で見られます。"),
        ("顧客", said),
        ("営業", "続いて、帳票の出力についてご説明します。"),
        ("顧客", "はい。"),
    )


def test_a_hanging_fact_the_reply_misses_is_no_objection_ignored(rubric):
    assert IGNORED not in _ngs(rubric, _missed("うちは倉庫が三つに分かれてるんですけど。"))


def test_a_hedged_objection_the_reply_misses_is_ignored_in_a_negotiation(rubric):
    call = _missed("ただ、うちのフォークの運転手は年配が多いので、端末となると…。")
    assert IGNORED in _ngs(rubric, call, "negotiation_closing")


def test_a_price_objection_the_reply_misses_is_ignored_in_a_negotiation(rubric):
    assert IGNORED in _ngs(rubric, _missed("正直、この金額だと高いですね。"), "negotiation_closing")


def test_before_the_negotiation_a_reply_that_only_misses_the_concern_does_not_show_it_ignored(rubric):
    """On a first contact or in a proposal the customer's hedge is met later in the pitch or the call (over every
    labelled set, reading it so took 32 false ids off and 5 right ones); a brush-off still shows it."""
    for said in ("ただ、うちのフォークの運転手は年配が多いので、端末となると…。", "正直、この金額だと高いですね。"):
        for phase in ("first_contact", "proposal"):
            assert IGNORED not in _ngs(rubric, _missed(said), phase)
    brushed = _call(
        ("営業", "画面はこのように、入庫と出庫が一覧で見られます。"),
        ("顧客", "ただ、うちのフォークの運転手は年配が多いので、端末となると…。"),
        ("営業", "そこは、慣れていただければ皆さん使えるようになりますので。"),
        ("顧客", "はあ。"),
    )
    assert IGNORED in _ngs(rubric, brushed, "proposal")


def test_a_reaction_to_a_discount_is_no_price_objection_left(rubric):
    call = _call(
        ("営業", "今月中にご契約いただければ二割お引きします。"),
        ("顧客", "いや、値引きが高いとか安いとかの前に、まだ中身を見てないんで。"),
        ("営業", "続いて、帳票の出力についてご説明します。"),
        ("顧客", "はい。"),
    )
    assert IGNORED not in _ngs(rubric, call)


def test_in_after_sales_a_complaint_the_reply_misses_stands(rubric):
    call = _call(
        ("営業", "本日は導入三か月の定期のお電話です。"),
        ("顧客", "この前お願いした帳票の設定、まだそのままなんですけど。"),
        ("営業", "続いて、来月の定期点検の日程ですが。"),
        ("顧客", "はあ。"),
    )
    assert "after_follow.ignores_complaints" in _ngs(rubric, call, "after_follow")


def test_in_after_sales_a_remark_on_price_the_reply_misses_is_no_complaint(rubric):
    """A wish about terms is no trouble reported (blind47 yy19, blind56 ah19: judged not shown)."""
    call = _call(
        ("営業", "本日は導入三か月の定期のお電話です。"),
        ("顧客", "上に話すにも、試算があれば話はしやすいけど。"),
        ("営業", "続いて、来月の定期点検の日程ですが。"),
        ("顧客", "はあ。"),
    )
    assert "after_follow.ignores_complaints" not in _ngs(rubric, call, "after_follow")


def test_a_doubt_that_their_people_can_run_it_waved_off_is_ignored(rubric):
    call = _call(
        ("営業", "こちらのアプリで点検結果をその場で送れます。"),
        ("顧客", "うちの検査員、手袋したままやで。それでほんまに回るんかいな。"),
        ("営業", "そこは、慣れていただければ皆さん使えるようになりますので。"),
        ("顧客", "はあ。"),
    )
    assert IGNORED in _ngs(rubric, call, "negotiation_closing")


def test_a_concern_passed_over_in_discovery_is_no_objection_ignored(rubric):
    call = _missed("ただ、うちの検品係は年配が多いので、端末となると…。")
    assert IGNORED not in _ngs(rubric, call, phase="needs_discovery")


def test_at_kick_off_a_users_concern_passed_over_is_ignoring_the_end_users(rubric):
    ngs = _ngs(rubric, _missed("ただ、うちの検品係は年配が多いので、端末となると…。"), phase="contract_implementation")
    assert IGNORED not in ngs and "contract_implementation.ignores_end_users" in ngs


@pytest.mark.parametrize(
    "pressed",
    [
        "あのさ、さっきの停電の話、まだ答えてもらってないんだけど。",
        "停電のときの記録のこと、答えてもらってないですよね。",
        "いや、それ、お聞きしたことの答えになってないですよ。",
    ],
)
def test_a_concern_the_customer_says_is_still_unanswered_was_ignored(rubric, pressed):
    """With まだ or without it (blind67 as08, blind83 bj12 were missed), or the reply called no answer."""
    call = _call(
        ("顧客", "停電のときに、冷凍庫の記録が飛ぶのが一番怖いんですよ。"),
        ("営業", "ありがとうございます。続いて料金ですが、年払いにしていただくと一割お安くなります。"),
        ("顧客", "年払いね。"),
        ("営業", "はい、それから設置は二日で終わります。"),
        ("顧客", pressed),
    )
    assert IGNORED in _ngs(rubric, call, phase="negotiation_closing")


def test_an_english_customer_saying_the_question_was_never_answered(en_rubric):
    call = _call(
        ("Customer", "My worry is what happens to the logs when the power drops."),
        ("Rep", "Thanks. On pricing, annual billing takes ten percent off."),
        ("Customer", "Annual, okay."),
        ("Rep", "And installation takes two days."),
        ("Customer", "Sorry, but you never answered the power question."),
        language="en",
    )
    assert IGNORED in _ngs(en_rubric, call, phase="negotiation_closing")


def test_an_english_hedge_met_in_other_words_is_no_objection_ignored(en_rubric):
    """ "Though" and "not sure" are how English speakers talk: a hedge the reply meets in its own words, and the
    customer takes, is no objection ignored (on the labelled sets' English calls this reading was right 10 times of
    31, with the change 7 of 18)."""
    call = _call(
        ("Rep", "Each bay gets a small screen that shows the next pallet to load."),
        ("Customer", "I'm not sure the night crew will bother looking at it, though."),
        ("Rep", "The screen flashes and beeps when a pallet is due, so nobody has to watch it."),
        ("Customer", "Okay, that would help."),
        language="en",
    )
    assert IGNORED not in _ngs(en_rubric, call)


def test_an_english_hedge_the_customer_stays_on_is_ignored(en_rubric):
    call = _call(
        ("Rep", "Each bay gets a small screen that shows the next pallet to load."),
        ("Customer", "The pickers are grumbling about screens already."),
        ("Rep", "We also have a bundle with label printers."),
        ("Customer", "I'm not sure they'll use another one, though."),
        ("Rep", "The bundle ships in three weeks."),
        ("Customer", "Right."),
        language="en",
    )
    assert IGNORED in _ngs(en_rubric, call, "negotiation_closing")
    assert IGNORED not in _ngs(en_rubric, call, "proposal")
