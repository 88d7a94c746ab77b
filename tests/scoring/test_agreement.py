"""Labels against labels (issue 13): a second labeller measured like a scorer, and a scorer on what labellers agree on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealcoach_cli import main
from scoring.agreement import agreed_labels, labeller_evaluation, labels_reading
from scoring.evaluation import Evaluation, LabelsError, Reading, evaluate, load_labelled, read_labels_file, tally
from scoring.offline import score_transcript
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "labelled"

CALLS = {
    "a.ja.txt": "山田: 株式会社ミライクラウドの山田と申します。\n佐藤: ご予算は年間200万円程度です。\n山田: ありがとうございます。\n",
    "b.ja.txt": "田中: 営業の田中です。来週の火曜にお伺いします。\n鈴木: はい、来週火曜でお願いします。\n田中: 承知しました。\n",
}
FIRST = {
    "a.ja.txt": {
        "rep_speaker": "山田",
        "bant": {"budget": True, "authority": False, "need": True, "timeline": False},
        "next_step": False,
        "ng_behaviors": ["first_contact.vague_follow_up", "first_contact.no_clear_purpose"],
        "deal_state": None,
        "talk_ratio_in_range": True,
        "commitments": {"rep": 1, "customer": 0},
        "quality": "poor",
    },
    "b.ja.txt": {
        "rep_speaker": "田中",
        "bant": {"budget": False, "authority": False, "need": False, "timeline": True},
        "next_step": True,
        "ng_behaviors": [],
        "deal_state": "wadai",
        "talk_ratio_in_range": True,
        "commitments": {"rep": 1, "customer": 0},
        "quality": "mixed",
    },
}


def _second() -> dict:
    """The first labels with four differences a second labeller might make."""
    second = json.loads(json.dumps(FIRST))
    second["a.ja.txt"]["bant"]["need"] = False  # misses a need
    second["a.ja.txt"]["ng_behaviors"] = ["first_contact.vague_follow_up", "first_contact.pushy_schedule"]
    second["b.ja.txt"]["deal_state"] = None  # reads no deal
    second["b.ja.txt"]["quality"] = "excellent"
    return second


def _folder(tmp_path: Path) -> Path:
    for name, text in CALLS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "labels.json").write_text(json.dumps({"calls": FIRST}, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def _offline(transcript: Transcript, labels: dict) -> Scorecard:
    return score_transcript(transcript, rubric=load_rubric_or_reference("sales-7-phase", transcript.language))


def test_a_labeller_agreeing_with_itself_scores_one_everywhere(tmp_path: Path) -> None:
    ev = labeller_evaluation(load_labelled(_folder(tmp_path)), FIRST)
    counted = {k: t for k, t in ev.fields.items() if t.counted}
    assert set(counted) >= {"rep_speaker", "bant", "next_step", "deal_state", "ng_behaviors", "commitments"}
    assert all(t.fp == 0 and t.fn == 0 for t in counted.values())
    assert not ev.fields["quotes_verbatim"].counted, "a labeller shows no quotes"


def test_a_second_labeller_is_counted_field_by_field(tmp_path: Path) -> None:
    ev = labeller_evaluation(load_labelled(_folder(tmp_path)), _second())
    f = ev.fields
    assert (f["bant.need"].tp, f["bant.need"].fn, f["bant"].tp, f["bant"].fn) == (0, 1, 2, 1)
    assert (f["ng_behaviors"].tp, f["ng_behaviors"].fp, f["ng_behaviors"].fn) == (1, 1, 1)
    assert ev.ng_by_id["first_contact.pushy_schedule"].fp == 1 and ev.ng_by_id["first_contact.no_clear_purpose"].fn == 1
    assert ev.confusion["wadai"]["none"] == 1 and f["deal_state"].fn == 1
    assert ev.overall_by_quality == {}, "labels carry no overall score"


def test_agreed_labels_keep_what_both_say_and_mark_the_rest_disputed() -> None:
    agreed = agreed_labels([FIRST, _second()])
    a, b = agreed["a.ja.txt"], agreed["b.ja.txt"]
    assert a["ng_behaviors"] == ["first_contact.vague_follow_up"]
    assert a["disputed"]["ng_behaviors"] == ["first_contact.no_clear_purpose", "first_contact.pushy_schedule"]
    assert a["disputed"]["bant"] == ["need"] and not a["disputed"]["deal_state"]
    assert b["disputed"]["deal_state"] and "quality" not in b and a["quality"] == "poor"
    # Only calls every table labels are kept.
    assert set(agreed_labels([FIRST, {"a.ja.txt": FIRST["a.ja.txt"]}])) == {"a.ja.txt"}


def test_a_disputed_field_is_neither_found_nor_missed() -> None:
    labels = agreed_labels([FIRST, _second()])["a.ja.txt"]
    reading = Reading(
        rep_speaker="山田",
        bant={"budget": True, "authority": False, "need": True, "timeline": True},
        next_step=False,
        deal_state=None,
        ng=frozenset({"first_contact.no_clear_purpose", "first_contact.excess_small_talk"}),
        commitments={"rep": 1},
    )
    ev = Evaluation()
    tally(ev, "a.ja.txt", reading, labels, None)
    f = ev.fields
    # need is disputed: its find counts nowhere; timeline found against an agreed false is a false find.
    assert (f["bant"].tp, f["bant"].fp, f["bant"].fn) == (1, 1, 0) and not f["bant.need"].counted
    # no_clear_purpose is disputed; excess_small_talk is a false find; the agreed vague_follow_up is missed.
    assert (f["ng_behaviors"].tp, f["ng_behaviors"].fp, f["ng_behaviors"].fn) == (0, 1, 1)
    assert "first_contact.no_clear_purpose" not in ev.ng_by_id


def test_labels_read_as_a_reading_carry_no_quotes_or_score() -> None:
    reading = labels_reading(FIRST["b.ja.txt"])
    assert reading.bant["timeline"] and not reading.bant["budget"] and reading.deal_state == "wadai"
    assert (reading.quotes, reading.overall, reading.talk_ratio_in_range) == ((), None, True)


def test_a_second_labels_file_must_label_the_same_calls(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match=r"must label the same calls: no labels for b\.ja\.txt; unknown c\.ja\.txt"):
        labeller_evaluation(load_labelled(_folder(tmp_path)), {"a.ja.txt": FIRST["a.ja.txt"], "c.ja.txt": {}})


def test_cli_labeller_and_agreed_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "calls").mkdir()
    folder = _folder(tmp_path / "calls")
    second = tmp_path / "second.json"
    second.write_text(json.dumps({"calls": _second()}, ensure_ascii=False), encoding="utf-8")
    first = folder / "labels.json"

    assert main(["eval", str(folder), "--labeller", str(second), "--json"]) == 0
    human = json.loads(capsys.readouterr().out)
    assert human["fields"]["ng_behaviors"] == {"precision": 0.5, "recall": 0.5, "tp": 1, "fp": 1, "fn": 1}

    # The scorer against the second labels alone equals the library's evaluation on them.
    assert main(["eval", str(folder), "--labels", str(second), "--json"]) == 0
    on_second = json.loads(capsys.readouterr().out)
    assert on_second == evaluate(load_labelled(folder, _second()), _offline).to_dict()

    # Given twice, only the agreed part is measured: fewer NG labels counted than on either file alone.
    assert main(["eval", str(folder), "--labels", str(first), "--labels", str(second)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("on what 2 labels files agree")
    assert main(["eval", str(folder), "--labels", str(first), "--labels", str(second), "--json"]) == 0
    agreed = json.loads(capsys.readouterr().out)["fields"]["ng_behaviors"]
    assert agreed["tp"] + agreed["fn"] == 1, "only vague_follow_up is labelled by both"

    second.write_text(json.dumps({"calls": {"a.ja.txt": FIRST["a.ja.txt"]}}), encoding="utf-8")
    assert main(["eval", str(folder), "--labeller", str(second)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dealcoach eval:") and "no labels for b.ja.txt" in err and err.count("\n") == 1


@pytest.mark.parametrize("part", ["blind37", "blind38", "blind39", "blind40"])
def test_the_project_second_labels_cover_their_set_and_are_no_transcript(part: str) -> None:
    """blind37–40 were labelled a second time by a helper who saw only the transcripts (docs/scoring.md, "Two
    labellers"); the file sits beside the set's labels, which name no such call, so it is never read as one."""
    folder = LABELLED / part
    calls = load_labelled(folder)
    assert len(calls) == 20 and all(c.name != "labels.second.json" for c in calls)
    second = read_labels_file(folder / "labels.second.json")
    ev = labeller_evaluation(calls, second)
    assert ev.calls == 20 and all(v["set"] == f"{part}-second" for v in second.values())
