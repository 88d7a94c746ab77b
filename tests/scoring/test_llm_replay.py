"""`python -m bench.llm_replay`: the LLM scorer measured on answers written offline, through the real openai client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.llm_replay import main
from tests.fakes.openai_server import empty_answer

CALL = "山田: 株式会社ミライクラウドの山田と申します。\n佐藤: ご予算は年間200万円程度です。\n山田: ありがとうございます。\n"
LABELS = {
    "rep_speaker": "山田",
    "bant": {"budget": True, "authority": False, "need": False, "timeline": False},
    "next_step": False,
    "ng_behaviors": ["first_contact.no_clear_purpose"],
    "deal_state": None,
}


def _folder(tmp_path: Path) -> Path:
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "call.ja.txt").write_text(CALL, encoding="utf-8")
    (calls / "labels.json").write_text(json.dumps({"calls": {"call.ja.txt": LABELS}}), encoding="utf-8")
    return calls


def _eval(calls: Path, answers: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["eval", str(calls), str(answers), "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_record_names_requests_by_nonce_only_and_replay_serves_the_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls, answers = _folder(tmp_path), tmp_path / "answers"
    assert main(["record", str(calls), str(answers)]) == 0
    capsys.readouterr()
    users = list(answers.glob("*.1.user.txt"))
    assert len(users) == 1 and "call" not in users[0].name, "the request's name must not tell the answerer the call"
    assert (answers / "system.ja.txt").read_text(encoding="utf-8").startswith("You are DealCoach")
    assert json.loads((answers / "schema.ja.json").read_text(encoding="utf-8"))["required"][0] == "criteria"

    # No answer written: the call falls back to the offline card, and the output says so.
    missing = _eval(calls, answers, capsys)
    assert missing["fallbacks"] == {"bad_request": 1} and missing["missing"] == [
        users[0].name.replace("user.txt", "answer.json")
    ]

    # An answer that finds the NG behaviour with a verbatim quote, and budget with a quote that is not in the call.
    answer = empty_answer(
        ng_behaviors=[{"id": "first_contact.no_clear_purpose", "evidence": "株式会社ミライクラウドの山田と申します。"}],
        bant={
            "budget": {"found": True, "evidence": "予算は無制限です。"},
            "authority": {"found": False, "evidence": ""},
            "need": {"found": False, "evidence": ""},
            "timeline": {"found": False, "evidence": ""},
        },
    )
    (answers / users[0].name.replace("user.txt", "answer.json")).write_text(json.dumps(answer, ensure_ascii=False))
    served = _eval(calls, answers, capsys)
    assert served["fallbacks"] == {} and served["missing"] == []
    assert served["fields"]["ng_behaviors"]["tp"] == 1 and missing["fields"]["ng_behaviors"]["tp"] == 0
    assert served["fields"]["quotes_verbatim"]["fp"] == 0, "the invented budget quote reached the card"


def test_the_current_prompts_written_answers_replay_without_a_fallback(capsys: pytest.CaptureFixture[str]) -> None:
    """Answers a model wrote to the current prompt's exact requests pass every check of the LLM scorer: none falls
    back, every quote is verbatim. A prompt change (PROMPT_VERSION) needs its own answers to be measured."""
    from scoring.llm.prompt import PROMPT_VERSION

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    answers = fixtures / "llm_answers" / f"prompt-v{PROMPT_VERSION}" / "blind37"
    assert answers.is_dir(), f"no answers written to prompt version {PROMPT_VERSION}: see tests/fixtures/llm_answers"
    out = _eval(fixtures / "transcripts" / "labelled" / "blind37", answers, capsys)
    assert out["fallbacks"] == {} and out["missing"] == []
    assert out["fields"]["quotes_verbatim"]["fp"] == 0 and out["fields"]["quotes_verbatim"]["tp"] > 100
