"""Next step set only for a meeting both sides took (issue 13, from blind11-14's false next steps): a day given as a
deadline is no meeting, and a day echoed back with a clash or a no is declined. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.metrics import sentences
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _set(rubric: Rubric, *turns: tuple[str, str], language: str = "ja") -> bool:
    return score_transcript(role_call(*turns, language=language), rubric=rubric).next_step.set


def test_a_deadline_is_no_meeting(rubric: Rubric) -> None:
    assert not _set(
        rubric, ("営業", "返却の日程案を、今週金曜までにメールでお送りします。"), ("顧客", "はい、お願いします。")
    )


def test_an_offered_day_taken_is_a_next_step(rubric: Rubric) -> None:
    assert _set(
        rubric,
        ("営業", "来週の火曜日の14時に、院長先生とご説明の場をいただけますか。"),
        ("顧客", "はい、火曜の14時で大丈夫です。"),
    )


@pytest.mark.parametrize("reply", ["いや、院長は火曜は一日訪問なので……。", "火曜はちょっと。まず資料を見てからで。"])
def test_a_day_echoed_with_a_clash_is_declined(rubric: Rubric, reply: str) -> None:
    assert not _set(rubric, ("営業", "来週の火曜日の14時に、院長先生とご説明の場をいただけますか。"), ("顧客", reply))


@pytest.mark.parametrize(
    "reply", ["Tuesday I've got two inspections and a warranty audit.", "Friday's not good. We have check-ins all day."]
)
def test_an_english_day_echoed_with_a_clash_is_declined(en_rubric: Rubric, reply: str) -> None:
    asked = ("Rep", "Could we set up a call on Tuesday at ten to go through it?")
    assert not _set(en_rubric, asked, ("Customer", reply), language="en")


def test_a_product_deadline_taken_well_is_no_meeting(en_rubric: Rubric) -> None:
    said = ("Rep", "Every manager sees who hasn't logged by Friday five pm, and reminders go out automatically.")
    assert not _set(en_rubric, said, ("Customer", "Yes, that's great, that's the part I like."), language="en")


@pytest.mark.parametrize(
    ("asked", "reply"),
    [
        (
            "Could we do a short call to sign on the twelfth of December, say ten a.m.?",
            "Yes, the twelfth at ten works.",
        ),
        (
            "Would Thursday the eighteenth, two pm, work for a visit?",
            "Yes, that works for us.",
        ),
        (
            "Can we set the onboarding session for March third, nine a.m.?",
            "March third at nine is fine.",
        ),
        (
            "How about a review on January twenty-first at four pm?",
            "Sure, January twenty-first works.",
        ),
    ],
)
def test_days_and_hours_in_words_make_a_next_step(en_rubric: Rubric, asked: str, reply: str) -> None:
    assert _set(en_rubric, ("Rep", asked), ("Customer", reply), language="en")


def test_waiting_for_the_visit_takes_it(rubric: Rubric) -> None:
    assert _set(rubric, ("営業", "では、3月5日の14時に伺います。"), ("顧客", "じゃあ待ってるよ。お茶いれとくから。"))


def test_a_maybe_about_someone_else_keeps_the_customers_yes(rubric: Rubric) -> None:
    asked = ("営業", "日程ですが、11月28日の金曜日、10時からはいかがでしょう。")
    assert _set(rubric, asked, ("顧客", "28日…はい、その日は午前中は空いているので大丈夫です。社長も、たぶん。"))
    assert not _set(rubric, asked, ("顧客", "28日は、たぶん難しいですね。"))


@pytest.mark.parametrize(
    "turns",
    [
        # An hour later in the same turn.
        (
            ("Rep", "Could we pick this up on Wednesday, then? Say the fourth, at eleven?"),
            ("Customer", "Wednesday the fourth at eleven works."),
        ),
        # An hour in the reply that repeats the day.
        (
            ("Customer", "Could you come out to the yard on Friday?"),
            ("Rep", "Friday the twelfth, eight a.m. I'll be there."),
        ),
        # An hour further on in the sentence.
        (
            ("Rep", "Could we speak again on Monday the sixth of April, say eleven o'clock?"),
            ("Customer", "Sixth of April, eleven. Done."),
        ),
        # A plain okay.
        (
            ("Rep", "Does Wednesday the fifteenth work, at three p.m.?"),
            ("Customer", "The fifteenth. Yeah, three's okay."),
        ),
    ],
)
def test_an_english_hour_away_from_the_day_and_a_plain_okay_take_the_day(en_rubric: Rubric, turns) -> None:
    assert _set(en_rubric, *turns, language="en")


@pytest.mark.parametrize(
    "turns",
    [
        # A day said back without its article.
        (
            ("Rep", "Would Tuesday the ninth of June, eleven o'clock, suit you for the review?"),
            ("Customer", "Ninth of June at eleven, then."),
        ),
        # An hour taken with "put it in".
        (
            ("Rep", "Would Tuesday the ninth of June, eleven o'clock, suit you for the review?"),
            ("Customer", "Fine, put it in."),
        ),
        # An ordinal in words over twenty after the weekday, and an hour with its part of the day in the next sentence.
        (
            (
                "Rep",
                "We could bring the unit over on Thursday the twenty-eighth. Say nine in the morning at the depot?",
            ),
            ("Customer", "Yes, that works."),
        ),
    ],
)
def test_an_english_day_said_back_bare_or_past_twenty_takes_the_day(en_rubric: Rubric, turns) -> None:
    assert _set(en_rubric, *turns, language="en")


@pytest.mark.parametrize("yes", ["合ってます。", "頼むよ。"])
def test_a_recap_confirmed_or_a_call_asked_for_takes_the_day(rubric: Rubric, yes: str) -> None:
    assert _set(rubric, ("営業", "では、3月14日の金曜、午前10時に事務所へ伺います。"), ("顧客", yes))


def test_english_sentences_do_not_end_inside_a_time_or_an_amount() -> None:
    said = [s for _, s in sentences("It is $4.5k a year. Dr. Ono comes at 9 a.m. on Monday. Fine?", "en")]
    assert said == ["It is $4.5k a year.", "Dr. Ono comes at 9 a.m. on Monday.", "Fine?"]


def test_an_ordinal_over_twenty_is_kept_whole_in_the_day(en_rubric: Rubric) -> None:
    """The number clean-up reads "twenty" as 20 elsewhere; inside an ordinal it would leave "the 20-eighth"."""
    asked = ("Rep", "Could we go through the layout on the twenty-eighth of May, at two pm?")
    card = score_transcript(role_call(asked, ("Customer", "Yes, that works."), language="en"), rubric=en_rubric)
    assert "the twenty-eighth of May" in card.next_step.when


def test_a_day_whose_hour_is_asked_and_given_next_is_a_next_step(rubric: Rubric) -> None:
    """blind113's `cn19`: the rep names a day with no hour, the customer asks the hour, the rep gives it."""
    assert _set(
        rubric,
        ("営業", "では、来週の火曜日に、人数のお返事をお持ちします。"),
        ("顧客", "火曜の何時ですか。"),
        ("営業", "午後の三時はいかがでしょう。"),
        ("顧客", "三時なら大丈夫です。"),
    )


def test_a_day_said_back_with_a_clash_before_an_hour_is_no_next_step(en_rubric: Rubric) -> None:
    """blind81's `bh01`: the day said back is a clash, not a question about the hour; the hour offered after it does
    not make the day a meeting."""
    assert not _set(
        en_rubric,
        ("Rep", "I'm going to be out in your area Thursday."),
        ("Customer", "Thursday I'm at the sale barn in Minerva all day."),
        ("Rep", "I could swing by at seven in the morning, before you head out."),
        ("Customer", "I'll think about it."),
        language="en",
    )


def test_a_day_something_starts_from_is_no_meeting(rubric: Rubric) -> None:
    """blind60's `al16`: the day the customer may start using the system is a go-live, not a meeting."""
    assert not _set(
        rubric,
        ("営業", "本日の打ち合わせで、作業の種類の設定まで確認できました。"),
        ("営業", "設定は入れてありますので、来週の月曜から、もう使っていただいて大丈夫です。"),
        ("顧客", "来週の月曜…。いきなり全部切り替えるんですか。"),
    )


@pytest.mark.parametrize(
    "turns",
    [
        # blind102's `cc12`: the day of the month said back, then an hour.
        (
            ("営業", "来週の火曜、7月29日に、契約書の確認を一緒にできればと思うんですが。"),
            ("顧客", "29日…はい、午後なら。14時でどうですか。"),
            ("営業", "14時、本店に伺います。"),
        ),
        # blind110's `ck14`: the hour put in the same turn, said back.
        (("営業", "来月3日、火曜の午後ですね。14時はいかがでしょう。"), ("顧客", "14時なら。")),
        # blind112's `cm18`: the hour said back, then a bare いいです that is a yes.
        (("営業", "来週の水曜、23日の朝9時でいかがでしょう。"), ("顧客", "9時なら開店前なんで、いいです。")),
    ],
)
def test_a_day_or_an_hour_said_back_takes_the_day(rubric: Rubric, turns) -> None:
    assert _set(rubric, *turns)


def test_an_hour_said_back_with_a_no_is_declined(rubric: Rubric) -> None:
    assert not _set(rubric, ("営業", "来週の水曜、23日の朝9時でいかがでしょう。"), ("顧客", "いや、9時は無理です。"))


def test_a_later_day_said_back_then_its_hour_takes_that_day(rubric: Rubric) -> None:
    """blind111's `cl15`: a reply by mail on Wednesday, then a screen review on the 12th; the customer says the 12th
    back with a half-day, the rep gives the hour and the customer takes it."""
    card = score_transcript(
        role_call(
            (
                "営業",
                "では、水曜にメールでお返事して、そのあと12月12日の木曜に、画面を一緒に見る時間をいただけますか。",
            ),
            ("顧客", "12日、午後なら。"),
            ("営業", "15時でいかがでしょう。"),
            ("顧客", "15時で。"),
        ),
        rubric=rubric,
    )
    assert card.next_step.set and "12日" in card.next_step.when


@pytest.mark.parametrize(
    ("reply", "taken"),
    [
        ("木曜ですか。技術の者の予定がわからないので、確認して、今日中に折り返します。", False),
        ("木曜ですね。はい、技術の者と伺います。", True),
    ],
)
def test_a_day_taken_away_to_check_is_not_taken(rubric: Rubric, reply: str, taken: bool) -> None:
    """blind116's `cq08` at its first sight: the customer offers a day for the inspection and the rep says it back, then
    takes it away to check and call back: nothing is agreed yet. Wording written for this test."""
    offered = ("顧客", "いつ見に来てもらえますか。木曜の夜、閉店後の十時からなら、店で鉄板を見てもらえます。")
    assert _set(rubric, offered, ("営業", reply)) is taken


def test_an_english_day_to_talk_again_taken_is_a_next_step(en_rubric: Rubric) -> None:
    """blind115's `cp06` at its first sight: "talk again" is a meeting, and its day put as a question is said back with
    a yes. Wording written for this test."""
    assert _set(
        en_rubric,
        ("Rep", "Can we talk again once you've tried them? Say Wednesday the fourteenth?"),
        ("Customer", "Wednesday the fourteenth, yeah, the morning's fine."),
        ("Rep", "Great, Wednesday the fourteenth then."),
        language="en",
    )


def test_a_day_of_the_month_before_its_weekday_said_back_takes_the_day(rubric: Rubric) -> None:
    """blind119's `ct07` (wording written for this test): the reply says back the day of the month that came before
    the weekday (二十六日の水曜日 → 二十六日な), in Kansai speech with no はい."""
    assert _set(
        rubric,
        ("営業", "結果をお持ちして伺います。十四日の木曜日はいかがですか。"),
        ("顧客", "十四日な。昼からやったらおるわ。"),
    )


def test_the_customer_who_will_call_when_they_want_takes_no_day(rubric: Rubric) -> None:
    """blind120's `cu03` (wording written for this test): the day said back, then the call left to the customer."""
    assert not _set(
        rubric,
        ("営業", "では、来週の木曜、十一時にお伺いしてもよろしいでしょうか。"),
        ("顧客", "木曜も工場動いとるがな。…資料だけ送っといて。要るようならこっちから電話するわ。"),
    )


def test_a_start_day_asked_back_is_no_meeting(rubric: Rubric) -> None:
    """blind119's `ct17` (wording written for this test): the customer asks back the day use starts, at a kickoff."""
    assert not _set(
        rubric,
        ("営業", "IDはもうお送りしてますので、来週の水曜から現場で使っていただけます。"),
        ("顧客", "来週の水曜から？今日のキックオフで、進め方を決めるんやと思ってました。"),
        ("営業", "はい、アプリを入れていただければすぐ使えますので。"),
    )


@pytest.mark.parametrize(
    "turns",
    [
        # blind120's `cu18` (wording written for this test): a surveyor's visit in plain words.
        (
            (
                "Rep",
                "Before we fix an install date, could our engineer come and measure up? He's free Monday the ninth.",
            ),
            ("Customer", "Monday the ninth, the afternoon is fine."),
        ),
        (
            ("Rep", "I'm over your way next week. Could I come by Wednesday the third to show you the unit?"),
            ("Customer", "Wednesday the third works."),
        ),
    ],
)
def test_an_english_visit_in_plain_words_is_a_meeting(en_rubric: Rubric, turns) -> None:
    assert _set(en_rubric, *turns, language="en")


@pytest.mark.parametrize(("reply", "taken"), [("木曜も現場に出てますし…。すみません。", False), ("木曜なら空いてます。", True)])
def test_a_day_said_back_with_mo_and_out_that_day_too_is_declined(rubric: Rubric, reply: str, taken: bool) -> None:
    """blind124's `cy04` after its first sight (wording written for this test): 木曜も… is a clash, not a yes."""
    assert _set(rubric, ("営業", "では、木曜の16時はいかがでしょう。"), ("顧客", reply)) is taken


@pytest.mark.parametrize(
    ("said", "set_"),
    [
        ("その前に、月曜に送ったメール、見てくれた？", False),
        ("その前に、先週の月曜にメールしたの、見てもらえました？", False),
        ("その前に、来週の月曜にお会いできますか？", True),
    ],
)
def test_a_day_gone_by_is_no_next_step(rubric: Rubric, said: str, set_: bool) -> None:
    """blind128's `dc17` and blind73's `ay05` after their first sight (wording written for this test): a day the
    customer names for what was already sent is no day to meet."""
    assert (
        _set(
            rubric,
            ("営業", "今日は新しいプランのご案内でお電話しました。"),
            ("顧客", said),
            ("営業", "あ、はい、拝見しております。"),
        )
        is set_
    )


def test_a_day_turned_down_where_it_is_said_is_no_next_step(rubric: Rubric) -> None:
    """blind40's `rr02` (wording written for this test): 「月曜はちょっと。」 turns the day down."""
    assert not _set(
        rubric,
        ("営業", "一度お伺いしてご説明したいのですが、月曜の十時はいかがでしょう。"),
        ("顧客", "月曜はちょっと。"),
        ("営業", "承知しました。"),
    )
