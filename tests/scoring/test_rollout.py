"""Kick-off NGs of seed 000 (契約・導入): the rollout handed to the customer's administrator, users sent to a manual with
no training, and no dated step to go-live (issue 13, blind9-18). Wording written for these tests."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call


def _kickoff(rep_lines: list[str]) -> Transcript:
    customer = [
        "よろしくお願いします。",
        "現場は二十人ほどです。",
        "年配の者も多いです。",
        "何を、いつまでにやればいいんでしょうか？",
        "わかりました。",
        "タブレットは五台あります。",
        "Wi-Fiは事務所だけです。",
        "はい。",
        "承知しました。",
    ]
    turns: list[tuple[str, str]] = []
    for rep, said in zip(rep_lines, customer, strict=True):
        turns += [("営業", rep), ("顧客", said)]
    return _call(*turns)


def _ngs(rubric: Rubric, call: Transcript) -> set[str]:
    card = score_transcript(call, rubric=rubric, stage_phase="contract_implementation")
    return {n.id for n in card.ng_behaviors}


BAD = [
    "本日はキックオフのお時間ありがとうございます。",
    "契約はスタンダードプランの二十名分です。",
    "画面の設定は弊社で済ませております。",
    "そこは山本さんの方で、現場の皆さんに展開していただければと思います。",
    "操作マニュアルがございますので、皆さんに共有していただければ大丈夫です。",
    "使いながら慣れていただければと思います。",
    "アカウントは今日お送りします。",
    "何かあればサポートまでどうぞ。",
    "では、よろしくお願いいたします。",
]
GOOD = [
    "本日はキックオフのお時間ありがとうございます。",
    "契約はスタンダードプランの二十名分です。",
    "十一月十日までに初期設定を弊社で済ませます。",
    "十一月十七日に現場の皆さん向けの操作研修を、事務所で一時間行います。",
    "研修の資料も当日お配りします。",
    "十一月二十日から二週間はテスト運用とし、十二月一日に本稼働とします。",
    "アカウントは今日お送りします。",
    "毎週金曜に進み具合を確認させてください。",
    "では、よろしくお願いいたします。",
]


def test_a_kickoff_that_hands_everything_over_shows_all_three(rubric):
    found = _ngs(rubric, _kickoff(BAD))
    assert {
        "contract_implementation.left_to_admin",
        "contract_implementation.poor_manuals",
        "contract_implementation.no_roadmap",
    } <= found


def test_a_kickoff_with_dated_steps_and_training_shows_none(rubric):
    found = _ngs(rubric, _kickoff(GOOD))
    assert not found & {
        "contract_implementation.left_to_admin",
        "contract_implementation.poor_manuals",
        "contract_implementation.no_roadmap",
    }


def test_the_customers_own_person_left_to_teach_the_rest(rubric: Rubric, en_rubric: Rubric) -> None:
    def left(rep: str, language: str = "ja") -> bool:
        who = ("Rep", "Customer") if language == "en" else ("営業", "顧客")
        ack = "Okay." if language == "en" else "はい。"
        call = _call((who[0], rep), (who[1], ack), language=language)
        card = score_transcript(
            call, rubric=en_rubric if language == "en" else rubric, stage_phase="contract_implementation"
        )
        return "contract_implementation.left_to_admin" in {n.id for n in card.ng_behaviors}

    assert left("ドライバーさんへの周知は、総務さんのほうでお願いできればと思っております。")
    assert left("使い方は、まず工場長さんが覚えていただいて、そこからラインの方々に教えていただく形で。")
    assert left("So Priya trains the drivers once she has the hang of it.", language="en")
    assert not left("ドライバーさん向けの研修は、弊社から講師が二回伺って行います。")
