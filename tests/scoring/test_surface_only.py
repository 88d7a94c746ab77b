"""Surface only (seed 000, ニーズヒアリング NG: 表面的な情報だけで満足し、深掘りしない) from the call's own counts: a
discovery call where the customer says much and the rep asks little and follows up on almost none of it (issue 13,
blind9-18). Wording written for these tests."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call

NG = "needs_discovery.surface_only"
TOLD = [
    "うちは冷凍食品の卸で、取引先が二百軒ほどあります。",
    "注文はファックスと電話で来ますね。",
    "月末は事務の二人が夜まで残って入力してます。",
    "去年は数量の打ち間違いで、三十ケース余計に出荷しました。",
    "取引先からは、注文の確認の電話も多いです。",
    "倉庫は二か所に分かれてます。",
]


def _discovery(rep_turns: list[str]) -> Transcript:
    turns: list[tuple[str, str]] = [("営業", "本日はお時間ありがとうございます。")]
    for told, rep in zip(TOLD * 2, rep_turns, strict=True):
        turns += [("顧客", told), ("営業", rep)]
    return _call(*turns)


def _ngs(rubric: Rubric, call: Transcript) -> set[str]:
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase="needs_discovery").ng_behaviors}


def test_a_discovery_that_never_digs_is_surface_only(rubric):
    nods = ["なるほど。", "そうなんですね。", "はい。", "弊社のシステムなら自動で取り込めます。"] * 3
    card_ngs = _ngs(rubric, _discovery(nods))
    assert NG in card_ngs


def test_the_same_call_with_follow_ups_is_not(rubric):
    digs = [
        "その二百軒のうち、ファックスの割合はどのくらいですか？",
        "具体的には、どんな注文が多いんでしょう？",
        "それは毎月何時間くらいになりますか？",
        "その打ち間違いは、なぜ起きたとお考えですか？",
        "確認の電話は、一日に何件くらいですか？",
        "そちらの在庫は、どのように分けていらっしゃいますか？",
    ] * 2
    assert NG not in _ngs(rubric, _discovery(digs))
