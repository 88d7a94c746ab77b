"""BANT budget said as a frame (issue 13, after blind7's first sight): part of the price accepted, the price said to
pass, a yearly ceiling kept to; in other wording than any labelled call."""

from __future__ import annotations

import pytest

from scoring import shapes
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _budget(rubric: Rubric, said: str, language: str = "ja") -> bool:
    rep = (
        ("Rep", "It comes to 900 a month plus setup.")
        if language == "en"
        else ("営業", "月額は4万2千円、初期費用が20万円です。")
    )
    who = "Customer" if language == "en" else "顧客"
    card = score_transcript(role_call(rep, (who, said), language=language), rubric=rubric, stage_phase="proposal")
    return card.bant["budget"].found


@pytest.mark.parametrize(
    "said",
    [
        "月の4万2千はいいとして、初期の20万がね。",
        "まあ、4万2千円でも、専務に話せば通ると思いますよ。",
    ],
)
def test_a_price_accepted_in_part_or_said_to_pass_is_a_budget(rubric: Rubric, said: str) -> None:
    assert _budget(rubric, said)


def test_a_yearly_ceiling_kept_to_is_a_budget(en_rubric: Rubric) -> None:
    assert _budget(en_rubric, "We agreed on staying under 12000 for the first year.", language="en")


def test_an_amount_of_work_is_not(rubric: Rubric) -> None:
    assert not _budget(rubric, "伝票は月に3千枚でも、手で回してますよ。")


def test_the_amount_set_beside_what_the_customer_pays_now_is_a_budget(rubric: Rubric) -> None:
    said = "月の42000っていうけど、今パートさんに払ってる残業代と、だいたい同じなんですよ。"
    assert _budget(rubric, said)


def test_work_set_beside_work_is_not(rubric: Rubric) -> None:
    assert not _budget(rubric, "手書きの分と、ほぼ同じ手間がかかってます。")


@pytest.mark.parametrize(
    "said",
    [
        # An amount without its unit once read as digits (四万五千 → 45000), judged acceptable.
        "月四万五千なら、うちは文句ないですよ。",
        "三万七千なら、今とそう大差ないね。",
        # The price judged cheaper than what the customer pays now.
        "それなら、今払ってる清掃の外注費より安いね。",
    ],
)
def test_an_amount_judged_acceptable_or_cheaper_than_today_is_a_budget(rubric: Rubric, said: str) -> None:
    assert _budget(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "Honestly, my ceiling is around 950 a month for this.",
        "OK, 1100 works for us if setup is included.",
        "It's less than we pay the answering service now.",
    ],
)
def test_a_limit_of_ones_own_an_amount_that_works_or_below_todays_cost_is_a_budget(
    en_rubric: Rubric, said: str
) -> None:
    assert _budget(en_rubric, said, language="en")


@pytest.mark.parametrize(
    "said",
    ["Thursday the 9th at 3 works for me.", "The 2pm slot is fine."],
)
def test_a_time_that_works_is_not_a_budget(en_rubric: Rubric, said: str) -> None:
    assert not _budget(en_rubric, said, language="en")


def test_a_count_of_work_that_is_fine_is_not_a_budget(rubric: Rubric) -> None:
    assert not _budget(rubric, "件数は月1200件なら、今の人数で大丈夫です。")


@pytest.mark.parametrize(
    "said",
    [
        "うちとしては来年度の当初予算で要求したいと思ってます。",
        "三月に、来年度の事業計画と予算を決める理事会があります。",
        "センターの設備で、百万以下なら私の決裁です。",
    ],
)
def test_the_budgets_process_or_an_approval_limit_is_not_a_budget(rubric: Rubric, said: str) -> None:
    assert not _budget(rubric, said)


def test_a_budget_request_with_its_size_is_a_budget(rubric: Rubric) -> None:
    assert _budget(rubric, "予算要求は420万で出しています。")


@pytest.mark.parametrize("said", ["まあ、月二万がいいとこやね。", "年間で十万くらいやったら、何とか出せる。"])
def test_a_ceiling_said_as_the_most_it_runs_to_or_under_a_kansai_if_is_a_budget(rubric, said):
    assert _budget(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        # The year's frame used up (blind29's first sight): a budget status, like 予算がもうない.
        "今期の設備の枠は、夏の入れ替えでもう使い切ってしまいました。",
        # An amount under a condition, then what follows from it (blind30's first sight).
        "年に八十万程度なら、理事も首を縦に振ると思います。",
        # The ceiling quoted from whoever holds the purse (blind29's first sight).
        "前の業者に払ってたのと同じくらいまでなら、と理事長は言ってました。",
    ],
)
def test_a_frame_used_up_or_a_ceiling_under_a_condition_is_a_budget(rubric: Rubric, said: str) -> None:
    assert _budget(rubric, said)


def test_a_condition_on_days_is_not(rubric: Rubric) -> None:
    assert not _budget(rubric, "納品が三日くらいなら、待てますよ。")


@pytest.mark.parametrize(
    "said",
    ["正直、今期は追加の予算なんてないんですよ。", "出せて年に六十万、そこが天井ですね。", "月三万が天井やな。"],
)
def test_no_money_left_or_an_amount_called_the_ceiling_is_a_budget(rubric: Rubric, said: str) -> None:
    assert _budget(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "今期はもう、システムに回す予算がつかないんですよ。",
        "悪いけど、そっちに出す金は正直ないわ。",
        "正直、新しいもんにお金払う余裕はないです。",
        "月に三万は払えないですね。",
    ],
)
def test_the_money_said_to_be_not_there_is_a_budget_status(rubric: Rubric, said: str) -> None:
    assert _budget(rubric, said)


@pytest.mark.parametrize(
    "said",
    ["There's no money for add-ons this year.", "We can't afford a second licence.", "Money's tight since the move."],
)
def test_an_english_budget_said_to_be_not_there(en_rubric: Rubric, said: str) -> None:
    assert _budget(en_rubric, said, language="en")


@pytest.mark.parametrize(
    "said", ["予算はまだ決まってないんですよ。", "先月の入金がないんですよ。", "料金がないと困るって話です。"]
)
def test_a_budget_not_decided_or_other_money_is_not(rubric: Rubric, said: str) -> None:
    assert not _budget(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "Anything over three thousand dollars, I sign myself.",
        "Anything above five grand, we both sign off on it.",
        "Over five grand goes to the owners.",
    ],
)
def test_an_english_amount_above_which_someone_signs_is_an_approval_limit(said: str) -> None:
    """The writers' convention: an approval threshold says who decides, so the learned BANT model's budget read off
    that line is dropped (blind87 bn16 was read as a budget)."""
    assert shapes.approval_limit(said)


def test_an_english_amount_with_nobody_signing_is_no_approval_limit() -> None:
    assert not shapes.approval_limit("Anything over three thousand dollars is more than we pay now.")


@pytest.mark.parametrize(
    ("said", "found"),
    [
        # blind113's `cn07` and `cn18`: a count of items and a number of hours, not money.
        ("3000品目、どこまで出せるか分かりませんけど。", False),
        ("今の車載の容器は、四時間か、せいぜい六時間用なんよ。", False),
        ("2026年までに出せるかどうかですね。", False),
        # A bare figure or an at-most said of money still is.
        ("月5000、それ以上は厳しいです。", True),
        ("初期でせいぜい35万、月は3万いかんくらいやな。", True),
    ],
)
def test_a_bare_figure_with_a_counter_or_a_year_is_no_money(rubric: Rubric, said: str, found: bool) -> None:
    assert _budget(rubric, said) is found


@pytest.mark.parametrize(
    ("said", "budget"),
    [
        # blind117's `cr16` after its first sight: an amount in words with its currency, beside the ceiling.
        ("Which is under our ninety-five yen ceiling, so our investors are happy.", True),
        ("Our cap is forty pounds a head for the whole day.", True),
        # What would be paid if something happened is no money the customer has.
        ("Please do, because if we're paying two hundred pounds every time one breaks, that changes things.", False),
    ],
)
def test_an_english_amount_in_words_beside_a_ceiling_is_a_budget(en_rubric: Rubric, said: str, budget: bool) -> None:
    assert _budget(en_rubric, said, language="en") is budget


@pytest.mark.parametrize(
    ("said", "budget"),
    [
        # Said after the first sight of blind119 and earlier sets' misses (`cp06`, `aj20`, `az17`, `ay06`, `am11`,
        # `jj17`, `cc09`, `ak11`, `bv13`, `ac13`); wording written for this test.
        ("We pay about seventy a month now, and I'm not going above that.", True),
        ("I wouldn't want to be paying much above sixty for it.", True),
        ("I'd find it hard to justify going much over that, honestly.", True),
        ("Three hundred a month, tops.", True),
        ("I'd been thinking I'd spend up to four hundred on a setup like this.", True),
        ("We normally put around eight grand a year into the fleet.", True),
        ("Head office froze all capital spending until the spring.", True),
        # blind122's `cw15` after its first sight: a freeze on a kind of spend.
        ("And there's a freeze on new equipment spend until the new financial year.", True),
        ("This year's capex is gone, I'm afraid.", True),
        ("All our capital this year went into the new kiln.", True),
        ("The steering group's ceiling for all of phase one is sixty-two thousand, give or take.", True),
        # Time, not money; and going over something said, not a ceiling.
        ("We spend about three hours a day on the rota.", False),
        ("I don't want to keep going over the same ground.", False),
    ],
)
def test_an_english_ceiling_or_money_spent_or_gone_is_a_budget(en_rubric: Rubric, said: str, budget: bool) -> None:
    assert _budget(en_rubric, said, language="en") is budget
