"""Seed 000's BANT said indirectly (a story, a subsidy, a board), day-less call-backs, and who calls on two channels."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric import load_rubric
from scoring.rubric_model import Rubric
from scoring.transcript import Segment, Transcript


def _call(*turns: tuple[str, str], language: str = "ja") -> Transcript:
    segs = tuple(Segment(speaker=s, text=t, role="rep" if s in ("営業", "Rep") else "customer") for s, t in turns)
    return Transcript(segments=segs, language=language)


@pytest.fixture(scope="module")
def en_rubric() -> Rubric:
    return load_rubric("sales-7-phase", "en")


def _found(rubric: Rubric, call: Transcript) -> set[str]:
    card = score_transcript(call, rubric=rubric, stage_phase="needs_discovery")
    return {k for k, item in card.bant.items() if item.found}


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # A need told as what went wrong, with no problem word.
        ("先月、配送の順番を取り違えてしまって、大口のお客様の荷物が一日遅れたんです。", "need"),
        ("お客様から不満の声が何度も届いています。", "need"),
        ("去年、点検の記録が残っておらず、消防署から指導を受けました。", "need"),
        # Money named by its source, a members' meeting's approval, a decision tied to a dated meeting.
        ("国の助成金が出るので、その範囲で考えています。", "budget"),
        ("組合の総会で承認を取らないといけません。", "authority"),
        ("12月の理事会にかけるつもりです。", "timeline"),
    ],
)
def test_indirect_bant_is_read(text, item, rubric):
    assert item in _found(rubric, _call(("営業", "今の状況を教えていただけますか？"), ("顧客", text)))


@pytest.mark.parametrize(
    "text",
    [
        "お待たせしてしまってすみません。",  # an apology is not a need
        "会社の方針で予算が凍結されてしまいました。",  # a budget freeze is not a need
    ],
)
def test_mishaps_that_are_not_needs(text, rubric):
    assert "need" not in _found(rubric, _call(("営業", "本日はありがとうございます。"), ("顧客", text)))


def test_english_need_as_story(en_rubric):
    call = _call(
        ("Rep", "How do orders come in today?"),
        ("Customer", "Last winter we ended up shipping the same order twice and the client never came back."),
        language="en",
    )
    assert "need" in _found(en_rubric, call)


@pytest.mark.parametrize(
    "said",
    [
        "I need the delivery notes to reach the office the same day.",
        "Frost is what worries me most.",
        "We lost money on the last three jobs because of that.",
        "The scanner app is not saving half the counts.",
    ],
)
def test_english_need_in_the_first_person_or_as_a_worry_or_a_loss(said, en_rubric):
    call = _call(("Rep", "How are things going?"), ("Customer", said), language="en")
    assert "need" in _found(en_rubric, call)


def test_english_board_process_is_authority(en_rubric):
    call = _call(
        ("Rep", "Who else is involved?"), ("Customer", "Anything like this goes through our board."), language="en"
    )
    assert "authority" in _found(en_rubric, call)


def test_day_less_call_back_offer_is_vague(rubric):
    call = _call(
        ("営業", "資料をお送りします。"),
        ("顧客", "はい。"),
        ("営業", "では来月あたりに、また店長様にご都合をお聞きしますね。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase="first_contact")
    assert "first_contact.vague_follow_up" in {n.id for n in card.ng_behaviors}


def test_comparing_with_others_is_not_taking_up(rubric):
    call = _call(
        ("顧客", "入力ミスが多くて困っています。"),
        ("営業", "ライトプランで月額2万円、来月から始められます。"),
        ("顧客", "そうですか。ほかの会社とも比べてみます。"),
    )
    assert score_transcript(call, rubric=rubric).deal_state is None


def test_company_name_is_not_a_plan(rubric):
    call = _call(("営業", "ライフプランの山本です。"), ("顧客", "予算は月3万円までです。"))
    assert score_transcript(call, rubric=rubric).deal_state is None


def test_caller_who_says_why_they_call_is_the_rep():
    from scoring.metrics import identify_rep

    call = Transcript(
        segments=(
            Segment(speaker="ch_a", text="はい、青木製作所です。"),
            Segment(speaker="ch_b", text="ルミナスの西です。先日お渡しした資料の件でお電話しました。"),
            Segment(speaker="ch_a", text="ああ、工場長の青木です。"),
        )
    )
    assert identify_rep(call, None)[0] == "ch_b"


def test_a_decline_under_a_condition_is_a_limit(rubric):
    call = _call(("営業", "ご予算はいかがですか？"), ("顧客", "50万円を超えるなら、今年は見送りです。"))
    assert score_transcript(call, rubric=rubric).deal_state != "botsu"
    assert "budget" in _found(
        rubric, _call(("営業", "本日はありがとうございます。"), ("顧客", "うちは20万円までです。"))
    )


def test_rep_confirming_the_hour_the_customer_offered_sets_the_next_step(rubric):
    call = _call(
        ("営業", "では一度、画面をご覧いただけますか。"),
        ("顧客", "20日の午後でしたら、14時半からなら時間が取れます。"),
        ("営業", "では3月20日の14時半でお願いいたします。"),
    )
    assert score_transcript(call, rubric=rubric).next_step.set


@pytest.mark.parametrize(
    ("text", "item", "found"),
    [
        ("現場からは、重くて使いにくいという声は出ています。", "need", True),
        ("伝票の照合に、毎朝2時間はかかっています。", "need", True),
        ("内容が良ければ部長に上げます。", "authority", True),
        # A constraint that ends some day is no timeline; a time to be checked is not known.
        ("今の契約が終わるまでは動かせません。", "timeline", False),
        ("導入の時期は確認してみます。", "timeline", False),
    ],
)
def test_more_indirect_wordings(text, item, found, rubric):
    assert (item in _found(rubric, _call(("営業", "本日はありがとうございます。"), ("顧客", text)))) is found
