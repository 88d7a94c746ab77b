"""`python -m bench.ng_adjudication`: a blind judge's word on the NG ids a scorer gives and the labels lack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.llm_replay import main as replay_main
from bench.ng_adjudication import KINDS, main, precision, tally, widened
from tests.fakes.openai_server import empty_answer

CALL = "山田: 株式会社ミライクラウドの山田と申します。\n佐藤: 特にないですね。\n山田: では、またご連絡させていただきます。\n"
LABELS = {
    "rep_speaker": "山田",
    "bant": {"budget": False, "authority": False, "need": False, "timeline": False},
    "next_step": False,
    "ng_behaviors": ["first_contact.no_clear_purpose", "first_contact.excess_small_talk"],
    "deal_state": None,
    "stage_phase": "first_contact",
    "quality": "poor",
}


def test_make_lists_extras_labels_and_an_in_phase_decoy_under_neutral_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = tmp_path / "blind99"
    calls.mkdir()
    (calls / "zz01_dialer_secret_label_words_cold_call.ja.txt").write_text(CALL, encoding="utf-8")
    (calls / "labels.json").write_text(
        json.dumps({"calls": {"zz01_dialer_secret_label_words_cold_call.ja.txt": LABELS}}), encoding="utf-8"
    )
    requests = tmp_path / "answers" / "blind99"
    assert replay_main(["record", str(calls), str(requests)]) == 0
    (user,) = requests.glob("*.1.user.txt")
    answer = empty_answer(
        ng_behaviors=[
            {"id": "first_contact.no_clear_purpose", "evidence": "株式会社ミライクラウドの山田と申します。"},
            {"id": "first_contact.vague_follow_up", "evidence": "では、またご連絡させていただきます。"},
        ]
    )
    (requests / user.name.replace("user.txt", "answer.json")).write_text(json.dumps(answer, ensure_ascii=False))
    out = tmp_path / "judge"
    assert main(["make", str(out), "--answers", str(tmp_path / "answers"), "--group", str(calls), "--seed", "7"]) == 0
    capsys.readouterr()

    (copied,) = [p for p in (out / "g1").iterdir() if p.name != "questions.json"]
    assert copied.name == "g1_c01.ja.txt" and copied.read_text(encoding="utf-8") == CALL
    kinds = json.loads((out / "key.json").read_text(encoding="utf-8"))["g1_c01"]["kinds"]
    decoys = [ng for ng, kind in kinds.items() if kind == "decoy"]
    assert {ng: k for ng, k in kinds.items() if k != "decoy"} == {
        "first_contact.vague_follow_up": "extra",
        "first_contact.no_clear_purpose": "label_found",
        "first_contact.excess_small_talk": "label_missed",
    }
    assert len(decoys) == 1 and decoys[0].startswith("first_contact.") and decoys[0] not in LABELS["ng_behaviors"]
    questions = json.loads((out / "g1" / "questions.json").read_text(encoding="utf-8"))["g1_c01.ja.txt"]
    assert sorted(q["id"] for q in questions) == sorted(kinds), "the judge is asked about every id of the key"
    assert "kind" not in json.dumps(questions), "the judge must not see which id is which kind"
    assert all(q["text_ja"] and q["text_en"] for q in questions)

    verdicts = {
        decoys[0]: "not_shown",
        "first_contact.vague_follow_up": "shown",
        "first_contact.no_clear_purpose": "shown",
    }
    (out / "g1" / "answers.json").write_text(
        json.dumps({"g1_c01.ja.txt": {ng: {"verdict": v, "quote": ""} for ng, v in verdicts.items()}}), encoding="utf-8"
    )
    assert main(["report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "NG precision: 0.50 against the labels; 1.00 counting the extras judged shown" in printed
    rows = {line.split()[0]: line.split()[1:6] for line in printed.splitlines() if line.startswith(KINDS)}
    assert rows["label_missed"] == ["1", "0", "0", "0", "1"], "the unanswered question is counted as missing"
    assert rows["extra"] == ["1", "1", "0", "0", "0"] and rows["decoy"] == ["1", "0", "0", "1", "0"]
    assert "decoys on poor calls: 0 shown, 0 borderline of 1" in printed


def test_make_offline_judges_the_offline_scorers_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calls = tmp_path / "blind99"
    calls.mkdir()
    (calls / "c.ja.txt").write_text(CALL, encoding="utf-8")
    (calls / "labels.json").write_text(json.dumps({"calls": {"c.ja.txt": LABELS}}), encoding="utf-8")
    out = tmp_path / "judge"
    assert main(["make", str(out), "--offline", "--group", str(calls)]) == 0
    kinds = json.loads((out / "key.json").read_text(encoding="utf-8"))["g1_c01"]["kinds"]
    labelled = {ng: k for ng, k in kinds.items() if ng in LABELS["ng_behaviors"]}
    assert len(labelled) == 2 and set(labelled.values()) <= {"label_found", "label_missed"}
    assert list(kinds.values()).count("decoy") == 1


def test_tally_counts_verdicts_per_kind_and_precision_counts_only_confirmed_extras() -> None:
    key = {
        "g1_c01": {"kinds": {"a.x": "extra", "a.y": "extra", "a.z": "label_found", "a.w": "decoy"}},
        "g1_c02": {"kinds": {"a.v": "extra", "a.u": "label_missed"}},
    }
    answers = {
        "g1_c01": {"a.x": {"verdict": "shown"}, "a.y": {"verdict": "borderline"}, "a.z": {"verdict": "shown"}},
        "g1_c02": {"a.v": {"verdict": "not_shown"}, "a.u": {"verdict": "maybe"}},
    }
    counts = tally(key, answers)
    assert counts["extra"] == {"shown": 1, "borderline": 1, "not_shown": 1}
    assert counts["decoy"] == {"missing": 1} and counts["label_missed"] == {"missing": 1}
    assert precision(counts) == (0.25, 0.5)
    assert precision(counts, count_borderline=True) == (0.25, 0.75)


def _judged_folder(root: Path, name: str, kinds: dict[str, str], verdicts: dict[str, str]) -> Path:
    folder = root / name
    (folder / "g1").mkdir(parents=True)
    (folder / "key.json").write_text(json.dumps({"g1_c01": {"set": "s", "call": "c.ja.txt", "kinds": kinds}}))
    answers = {ng: {"verdict": v} for ng, v in verdicts.items()}
    (folder / "g1" / "answers.json").write_text(json.dumps({"g1_c01.ja.txt": answers}))
    return folder


def test_widened_counts_an_extra_any_judge_confirmed_as_right_for_every_scorer(tmp_path: Path) -> None:
    """Scorer A gives x (labelled) and y (unlabelled, judged shown); scorer B gives x and z (judged not shown)."""
    a = _judged_folder(tmp_path, "a", {"p.x": "label_found", "p.y": "extra"}, {"p.x": "shown", "p.y": "shown"})
    b = _judged_folder(tmp_path, "b", {"p.x": "label_found", "p.z": "extra"}, {"p.x": "shown", "p.z": "not_shown"})
    lines = widened([str(a), str(b)]).splitlines()
    assert lines[0] == "1 calls judged in each scorer's first folder"
    assert "P 0.50  R 1.00  (tp 1, fp 1, fn 0)" in lines[1] and "P 1.00  R 1.00  (tp 2, fp 0, fn 0)" in lines[2]
    assert "P 0.50  R 1.00  (tp 1, fp 1, fn 0)" in lines[3] and "P 0.50  R 0.50  (tp 1, fp 1, fn 1)" in lines[4]
    assert sorted(widened([str(b), str(a)]).splitlines()) == sorted(lines), "the folders' order must not matter"


def test_widened_pools_a_gates_dropped_ids_into_the_scorer_joined_with_plus(tmp_path: Path) -> None:
    """`llm+gate`: the LLM ids plus the ones its phase gate dropped; a dropped id judged shown widens the labels."""
    llm = _judged_folder(tmp_path, "llm", {"p.x": "label_found"}, {"p.x": "shown"})
    gate = _judged_folder(
        tmp_path,
        "gate",
        {"q.y": "dropped", "q.z": "dropped", "q.w": "decoy"},
        {"q.y": "shown", "q.z": "not_shown", "q.w": "shown"},
    )
    lines = widened([str(llm), f"{llm}+{gate}"]).splitlines()
    assert "llm vs labels + judged extras: P 1.00  R 0.50  (tp 1, fp 0, fn 1)" in lines[2]
    assert "llm+gate vs labels: P 0.33  R 1.00  (tp 1, fp 2, fn 0)" in lines[3]
    assert "llm+gate vs labels + judged extras: P 0.67  R 1.00  (tp 2, fp 1, fn 0)" in lines[4]
