"""NG 'one-sided talk' from the metrics at Gong's 65 % ceiling: a rep over it on a call of several minutes, asking
almost nothing, is flagged even when no single turn is long and the customer says more than backchannels."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call

ONE_SIDED = "first_contact.one_sided_talk"
PITCH = (
    "弊社の勤怠システムは、打刻から給与計算までを一つの画面でまとめて管理できます。",
    "シフトの作成も自動で、希望休を入れていただくだけで翌月分が組み上がります。",
    "有給の残りも自動で計算されますので、担当の方の手間が大きく減ります。",
)
REPLIES = (
    "うちは今、紙のタイムカードでやってますね。",
    "パートさんが二十人くらいいます。",
    "給与は税理士さんに頼んでます。",
)


def _call(rounds: int, question: str | None) -> Transcript:
    turns: list[tuple[str, str]] = []
    for i in range(rounds):
        turns += [("営業", s) for s in PITCH]
        turns.append(("顧客", REPLIES[i % len(REPLIES)]))
    if question:
        turns.insert(1, ("営業", question))
    return role_call(*turns, seconds=12.0)


def _ngs(rubric: Rubric, call: Transcript) -> list[str]:
    card = score_transcript(call, rubric=rubric, stage_phase="first_contact")
    assert 0.65 < float(card.metrics["talk_ratio_rep"]) < 0.80
    return [n.id for n in card.ng_behaviors]


def test_over_the_ceiling_for_minutes_with_one_question_is_one_sided(rubric: Rubric) -> None:
    assert ONE_SIDED in _ngs(rubric, _call(4, "今は、どうやって管理されてますか？"))


def test_a_short_call_over_the_ceiling_is_not_even_without_a_question(rubric: Rubric) -> None:
    assert ONE_SIDED not in _ngs(rubric, _call(2, None))


def test_over_the_ceiling_with_questions_every_minute_or_two_is_not(rubric: Rubric) -> None:
    call = _call(4, None)
    asks = ("今は、どうやって管理されてますか？", "何名くらいいらっしゃいますか？", "給与計算はどなたが？")
    turns = [(s.speaker, s.text) for s in call.segments]
    for n, q in enumerate(asks):
        turns.insert(4 * (n + 1) + n, ("営業", q))
    assert ONE_SIDED not in _ngs(rubric, role_call(*turns, seconds=12.0))
