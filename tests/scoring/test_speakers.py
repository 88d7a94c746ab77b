"""A single-channel call transcribed without speaker labels: cues alternate between two guessed speakers, the rep
is found among them, and the guess is marked on the scorecard."""

from __future__ import annotations

from scoring import speakers
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import parse_transcript

SRT = """1
00:00:01,000 --> 00:00:04,000
お世話になります、株式会社クラウドワークスの佐藤と申します。

2
00:00:04,500 --> 00:00:06,000
はい、山田です。

3
00:00:06,500 --> 00:00:10,000
本日は勤怠管理の件でお電話しました。今はどのように管理されていますか？

4
00:00:10,500 --> 00:00:16,000
紙のタイムカードを毎月手で集計していて、

5
00:00:16,100 --> 00:00:20,000
締めのたびに丸二日かかってるんです。

6
00:00:20,500 --> 00:00:24,000
それは大変ですね。ご予算はどのくらいをお考えですか？

7
00:00:24,500 --> 00:00:28,000
月3万円までなら出せます。
"""


def test_unlabelled_cues_alternate_and_the_rep_is_found_among_them(rubric: Rubric) -> None:
    call = parse_transcript(SRT, filename="dialer.ja.srt")
    assert {s.speaker for s in call.segments} == {"unknown"}
    guessed = speakers.alternate(call)
    # Cue 4 runs on into cue 5 (no sentence end): both are the customer's.
    assert [s.speaker for s in guessed.segments] == ["話者A", "話者B", "話者A", "話者B", "話者B", "話者A", "話者B"]
    card = score_transcript(call, rubric=rubric)
    assert card.rep_speaker.name == "話者A"
    assert card.rep_speaker.method.startswith(speakers.GUESSED_METHOD)
    assert card.rep_speaker.confidence <= speakers.GUESSED_CONFIDENCE
    assert card.bant["budget"].found and card.bant["need"].found
    assert 0.3 < card.metrics["talk_ratio_rep"] < 0.7


def test_named_or_short_transcripts_keep_their_speakers(rubric: Rubric) -> None:
    named = parse_transcript(
        "佐藤: お世話になります。\n山田: はい。\n佐藤: 本日は。\n山田: どうも。\n", filename="call.ja.txt"
    )
    assert not speakers.unlabelled(named)
    short = parse_transcript(SRT.split("\n\n4\n")[0], filename="short.ja.srt")
    assert not speakers.unlabelled(short)
    assert score_transcript(named, rubric=rubric).rep_speaker.method != speakers.GUESSED_METHOD


def test_the_note_says_the_speakers_were_guessed(rubric: Rubric) -> None:
    from scoring.render import render_note_html

    card = score_transcript(parse_transcript(SRT, filename="dialer.ja.srt"), rubric=rubric)
    assert "話者ラベルがないため発話を交互に割り当てた推定＋自己紹介" in render_note_html(
        card, lang="ja", rubric=rubric
    )
