"""BANT items a sentence names without stating them (issue 13, blind73/74 at first sight): an approval limit, a budget
not thought of yet, a time said as a guess, the word 時期 opening the topic, the busy season, a time ruled out. Wording
written for these tests."""

from __future__ import annotations

import pytest

from scoring import shapes
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.learned_models import labelled_call
from tests.scoring.role_calls import role_call as _call


def _found(rubric: Rubric, key: str, rep: str, said: str) -> bool:
    call = _call(("営業", rep), ("顧客", said), ("営業", "承知しました。"))
    return score_transcript(call, rubric=rubric, stage_phase="needs_discovery").bant[key].found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("三万円以下は僕が見ますので、それ以上なら部長に回します。", False),
        ("月に三万円までなら出せます。", True),
    ],
)
def test_an_approval_limit_the_contact_signs_is_no_budget(rubric: Rubric, said: str, found: bool) -> None:
    assert _found(rubric, "budget", "費用の面はいかがでしょう。", said) is found


@pytest.mark.parametrize(
    ("said", "limit"),
    [
        ("二十万を超えるものは工場長の決裁になります。", True),
        ("二十万を超えると、うちでは高いと言われます。", False),
        # The thirty-fourth session, over every labelled call (wording written for this test): the signer's own limit.
        ("僕の決裁は二十万までです。", True),
        ("三十万までは私で、その上は専務です。", True),
        ("百万を超えると、理事長まで上げます。", True),
        ("年間五十万くらいやったら、わしのハンコでいけるわ。", True),
        ("年間で五十万までなら出せます。", False),
    ],
)
def test_an_amount_over_which_someone_else_signs_is_an_approval_limit(said: str, limit: bool) -> None:
    assert shapes.approval_limit(said) is limit


def test_a_budget_not_thought_of_yet_is_none(rubric: Rubric) -> None:
    assert not _found(rubric, "budget", "ご予算は決まっていますか。", "いや、予算なんかは全然まだですね…。")


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("まあ、入れるとしたら再来年度かなあ。", False),
        ("入れるなら再来年度の四月からにしたいです。", True),
    ],
)
def test_a_year_said_as_a_guess_is_no_timeline(rubric: Rubric, said: str, found: bool) -> None:
    assert _found(rubric, "timeline", "いつ頃をお考えですか。", said) is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("早いほうがいいですけど、いつからっていうのは今は言えないんです。", False),
        ("早いほうがいいので、四月からにしたいです。", True),
    ],
)
def test_a_time_said_as_not_to_be_told_yet_is_no_timeline(rubric: Rubric, said: str, found: bool) -> None:
    """blind124's `cy13` after its first sight (wording written for this test)."""
    assert _found(rubric, "timeline", "開始の時期はいかがですか。", said) is found


@pytest.mark.parametrize("said", ["で、時期なんですけど…。", "うーん、時期の話はちょっとね。"])
def test_the_word_jiki_opening_the_topic_states_no_time(rubric: Rubric, said: str) -> None:
    assert not _found(rubric, "timeline", "ほかに気になる点はありますか。", said)


def test_the_reps_question_about_the_time_still_opens_an_answer(rubric: Rubric) -> None:
    """Only the customer's bare 時期 states nothing; the rep asking 導入の時期 makes the reply the timeline."""
    assert _found(rubric, "timeline", "導入の時期って、ご希望はありますか。", "春の新メニューに合わせたいです。")


@pytest.mark.parametrize("said", ["七月と八月は、うちは一年で一番忙しい時期なんですよ。", "年内はちょっと無理ですね。"])
@pytest.mark.parametrize("rep", ["ほかに気になる点はありますか。", "いつ頃をお考えですか。"])
def test_the_busy_season_or_a_time_ruled_out_is_no_timeline(rubric: Rubric, rep: str, said: str) -> None:
    """Said unasked or as the answer to when: when they cannot take it on, not when they want it."""
    assert not _found(rubric, "timeline", rep, said)


def test_a_busy_season_said_as_the_time_it_ends_is_a_timeline(rubric: Rubric) -> None:
    said = "一番忙しい時期が終わる十月以降に入れたいです。"
    assert _found(rubric, "timeline", "いつ頃をお考えですか。", said)


def test_the_learned_budget_skips_an_approval_limit(rubric: Rubric) -> None:
    """The learned BANT model reads money and a signer as a budget; its best line here is an approval limit
    (blind73's `ay04`), so no budget is added."""
    call, _ = labelled_call("blind73", "ay04_otter_coin_laundry_chain_dryer_exhaust_duct_cleaning_kickoff.ja.txt")
    card = score_transcript(call, rubric=rubric, stage_phase="contract_implementation")
    assert not card.bant["budget"].found


@pytest.mark.parametrize(
    ("key", "rep", "said", "found"),
    [
        ("budget", "ご予算はどれくらいで？", "え、予算ですか。いや、まだ何も…。そもそも中身もよく知らなくて。", False),
        ("budget", "ご予算はどれくらいで？", "え、予算ですか。月に三万円までなら出せます。", True),
        (
            "timeline",
            "導入時期っていつ頃とか、ありますか。",
            "時期も…全然。こういうのは本部が決めることなんで。",
            False,
        ),
        ("timeline", "導入時期っていつ頃とか、ありますか。", "時期は…来年の四月には使いたいですね。", True),
    ],
)
def test_nothing_yet_said_as_a_fragment_answers_nothing(
    rubric: Rubric, key: str, rep: str, said: str, found: bool
) -> None:
    """「いや、まだ何も…」 and 「時期も…全然。」 answer the rep's question with nothing (blind102 cc05)."""
    assert _found(rubric, key, rep, said) is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("え、予算ですか？", False),
        ("え、いきなり予算？　まだ何ができるのかも聞いてないんですけど？", False),
        ("え、予算ですか？　まあ、月に三万円くらいなら。", True),
    ],
)
def test_a_budget_question_asked_back_with_no_amount_is_no_budget(rubric: Rubric, said: str, found: bool) -> None:
    """The customer pushes the question back (blind103 cd05, blind109 cj15); naming an amount all the same answers."""
    assert _found(rubric, "budget", "ちなみに、ご予算はどのくらいでお考えですか？", said) is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("うちの予算は、組合の理事会の承認が要るんですよ。", False),
        ("うちの予算は年間で五十万です。理事会の承認は要りますけど。", True),
    ],
)
def test_the_budgets_approval_with_no_size_is_no_budget(rubric: Rubric, said: str, found: bool) -> None:
    """blind126's `da09` after its first sight (wording written for this test): who approves the budget, not what it is."""
    assert _found(rubric, "budget", "導入のご予算はどのようにお考えですか。", said) is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("We'll also need an updated uncertainty budget for the new channels.", False),
        ("We've got about twelve thousand in the budget for the new channels.", True),
    ],
)
def test_a_budget_of_something_else_than_money_is_no_budget(en_rubric: Rubric, said: str, found: bool) -> None:
    """blind125's `cz18` after its first sight (wording written for this test): an uncertainty budget is metrology."""
    call = _call(
        ("Rep", "What else do you need from us for the changeover?"),
        ("Customer", said),
        ("Rep", "Got it."),
        language="en",
    )
    assert score_transcript(call, rubric=en_rubric, stage_phase="contract_implementation").bant["budget"].found is found


@pytest.mark.parametrize(("reply", "found"), [("ええ。", False), ("はい、そのスケジュールで進めたいです。", True)])
def test_a_schedule_the_rep_lays_out_to_a_backchannel_is_no_timeline(rubric: Rubric, reply: str, found: bool) -> None:
    """blind128's `dc08` after its first sight (wording written for this test): on a monologue the customer's ええ keeps
    the line open; it agrees to no date."""
    call = _call(
        ("営業", "費用は初期が五十万円、月額が八万円になります。"),
        ("顧客", "うーん。"),
        ("営業", "スケジュールとしては、来年の四月から本稼働というのが一番きれいかなと思っております。"),
        ("顧客", reply),
        ("営業", "では資料をお送りします。"),
    )
    assert score_transcript(call, rubric=rubric, stage_phase="proposal").bant["timeline"].found is found


@pytest.mark.parametrize(
    ("said", "found"),
    [("今期はもう終わってるから。やるとしても、来期の現場かな。", False), ("今期はもう終わってるから、来期の四月からやりたい。", True)],
)
def test_a_time_under_even_if_we_did_is_no_timeline(rubric: Rubric, said: str, found: bool) -> None:
    """blind127's `db19` after its first sight (wording written for this test): a time said under "even if we did it"
    and かな is a guess."""
    call = _call(("営業", "調査は次の現場の一か月前に入る流れです。"), ("顧客", said), ("営業", "承知しました。"))
    assert score_transcript(call, rubric=rubric, stage_phase="proposal").bant["timeline"].found is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("それって、四月からずっと試験中なんですか。", False),
        ("初期費用を今年度と来年度に分けて払うことはできますか。", False),
        ("十一月から始められますか。", True),
    ],
)
def test_a_question_about_a_time_states_no_timeline(rubric: Rubric, said: str, found: bool) -> None:
    """Over every labelled call in the thirty-fourth session (wording written for this test): the customer asking
    about a time states none, unless they ask to start then (十一月からいけるん？ on blind97's `bx09`)."""
    assert _found(rubric, "timeline", "導入は、最短ですと来月の頭から可能です。", said) is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("うちは九月から二号機を止めてるんですよ。", False),
        ("四月から仕入れ先を変えたんです。", False),
        ("九月から使い始めたいんです。", True),
    ],
)
def test_a_change_made_since_a_time_is_no_timeline(rubric: Rubric, said: str, found: bool) -> None:
    """Over every labelled call in the thirty-fourth session (wording written for this test): what the customer has
    done since a month is their business, not when they want the offer."""
    assert _found(rubric, "timeline", "最近、現場のほうはいかがですか。", said) is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("年内は大きい仕事が入ってて、それで手一杯なんですよ。", False),
        ("十二月から二月まで、うちは休業です。", False),
        ("春の繁忙期の前に入れたいんです。", True),
    ],
)
def test_the_customers_own_busy_or_closed_season_is_no_timeline(rubric: Rubric, said: str, found: bool) -> None:
    """Over every labelled call after blind129/130 (wording written for this test): when the customer is busy or
    closed is their calendar, unless the offer must be ready before it."""
    assert _found(rubric, "timeline", "最近、現場のほうはいかがですか。", said) is found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("いや、予算とか私に聞かれても…。", False),
        ("予算なんて今聞かれても、まだ資料も見てないんで。", False),
        ("今のところ、予算のことは上から何も聞いてないので。", False),
        ("予算は年間で五十万です。", True),
    ],
)
def test_a_budget_question_pushed_away_states_none(rubric: Rubric, said: str, found: bool) -> None:
    """Over every labelled call after blind129/130 (wording written for this test): asked who they are to say, or
    told nothing yet, the customer states no budget."""
    assert _found(rubric, "budget", "ご予算はどのくらいでお考えですか。", said) is found
