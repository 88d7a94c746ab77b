"""`dealcoach score` refuses what it cannot honour (unknown stage or rep), warns on a wrong --lang, labels JSON criteria."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealcoach_cli import main

CALL = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "labelled" / "tune" / "discovery_good.ja.json"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["score", str(CALL), "--scorer", "offline", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize(("args", "words"), [
    (("--stage", "no-such-stage"), ("unknown stage 'no-such-stage'", "appointmentscheduled", "needs_discovery")),
    (("--rep", "佐々木"), ("--rep '佐々木' is not a speaker of this call", "田中")),
])
def test_unknown_stage_or_rep_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                                                      words: tuple[str, ...]) -> None:
    status, out, err = _run(capsys, *args)
    assert status == 2 and out == "" and err.count("\n") == 1 and err.startswith("dealcoach score: ")
    assert all(w in err for w in words)


def test_known_stage_phase_and_rep_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("--stage", "qualifiedtobuy"), ("--stage", "needs_discovery"), ("--rep", "田中")):
        assert _run(capsys, *args)[0] == 0


def test_lang_en_on_a_japanese_call_warns_and_scores_it_as_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "--lang", "en", "--json")
    assert status == 0 and "--lang en but the call is in ja" in err
    card = json.loads(out)
    assert card["language"] == "ja" and card["overall"] >= 50  # the Japanese markers found what the call holds
    status, out, err = _run(capsys, "--lang", "en")
    assert "Overall score" in out and " of 7 phases" in out


def test_json_criteria_carry_labels_in_the_readers_language(capsys: pytest.CaptureFixture[str]) -> None:
    ja = json.loads(_run(capsys, "--json")[1])
    en = json.loads(_run(capsys, "--json", "--lang", "en")[1])
    crit = {c["id"]: c for p in ja["phases"] for c in p["criteria"]}
    crit_en = {c["id"]: c for p in en["phases"] for c in p["criteria"]}
    assert crit["first_contact.rapport.active_listening"]["label"] == "相手の話を遮らず、傾聴の姿勢を保てているか"
    assert crit_en["first_contact.rapport.active_listening"]["label"].isascii()
    assert all(c.get("label") for c in crit.values()) and all(p.get("label") for p in ja["phases"])
    assert ja["coverage"]["phases_total"] == 7
