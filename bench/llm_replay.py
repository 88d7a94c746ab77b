"""`python -m bench.llm_replay record|eval LABELS_DIR ANSWERS_DIR`: the LLM scorer measured on answers written offline.

No model endpoint is reachable from this project's machines, so the LLM scorer is measured in two steps:
`record` writes the exact Chat Completions requests the scorer sends for each labelled call (system prompt, user
message, JSON schema), named by the call's fence nonce and part only (`<nonce>.<part>.user.txt`, so the file name
tells the answerer nothing); a model (or a person) writes one answer per request beside it
(`<nonce>.<part>.answer.json`); `eval` serves those answers from a local OpenAI-compatible server and
runs `dealcoach eval`'s measurement through the real `openai` client, the LLM scorer's checks (verbatim quotes,
bounded scores) and the consistency pass. A request with no answer fails with HTTP 400 and the call falls back to the
offline card, counted in the output: the figures never hide a missing answer.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from scoring.agreement import labels_from_files
from scoring.evaluation import evaluate, load_labelled, report
from scoring.llm.scorer import LlmScorer
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.scorer import score_call
from scoring.transcript import Transcript
from tests.fakes.openai_server import FakeOpenAI, FakeReply, RecordedRequest, empty_answer

_NONCE_RE = re.compile(r"<<<BEGIN FACTS ([0-9a-f]{16})>>>")
_PART_RE = re.compile(r"This request shows part (\d+) of \d+ of the call")


def request_key(req: RecordedRequest) -> tuple[str, int]:
    """The call's fence nonce and the request's part number, read from the user message."""
    user = req.message("user")
    nonce, part = _NONCE_RE.search(user), _PART_RE.search(user)
    if nonce is None:
        raise ValueError("a request without the fence nonce")
    return nonce.group(1), int(part.group(1)) if part else 1


def _scorer(fake: FakeOpenAI) -> LlmScorer:
    import openai

    client = openai.OpenAI(api_key="replay", base_url=fake.url + "/v1", timeout=60, max_retries=0)
    return LlmScorer(client, model="replay")


def _measure(
    labels_dir: Path,
    fake: FakeOpenAI,
    cards: list[Scorecard],
    labels: dict[str, Any] | None = None,
    *,
    learned: bool = True,
) -> Any:
    """`dealcoach eval`'s measurement of the LLM scorer through `fake`; every card is kept in `cards`. `learned=False`:
    the LLM alone, without the learned NG model's ids (`score_call`)."""
    llm = _scorer(fake)

    def score(transcript: Transcript, call_labels: dict[str, Any]) -> Scorecard:
        rubric = load_rubric_or_reference("sales-7-phase", transcript.language)
        phase = call_labels.get("stage_phase")
        card = score_call(transcript, rubric=rubric, mode="llm", stage_phase=phase, llm=llm, learned=learned)
        cards.append(card)
        return card

    return evaluate(load_labelled(labels_dir, labels), score)


def record(labels_dir: Path, out: Path) -> int:
    """Write every request the LLM scorer sends for the labelled calls (`<nonce>.<part>.user.txt`), the system
    prompt and the answer's JSON schema once per language."""
    out.mkdir(parents=True, exist_ok=True)

    def responder(req: RecordedRequest) -> FakeReply:
        nonce, part = request_key(req)
        system = req.message("system")
        lang = "en" if "Write advice, next actions and the email draft in English" in system else "ja"
        (out / f"{nonce}.{part}.user.txt").write_text(req.message("user"), encoding="utf-8")
        (out / f"system.{lang}.txt").write_text(system, encoding="utf-8")
        schema = (req.body or {}).get("response_format", {}).get("json_schema", {}).get("schema")
        (out / f"schema.{lang}.json").write_text(json.dumps(schema, ensure_ascii=False, indent=1), encoding="utf-8")
        return FakeReply.content(empty_answer())

    cards: list[Scorecard] = []
    with FakeOpenAI(responder) as fake:
        _measure(labels_dir, fake, cards)
    print(f"{len(cards)} calls, {len(list(out.glob('*.user.txt')))} requests written to {out}")
    return 0


def replay(
    labels_dir: Path, answers: Path, as_json: bool, label_files: list[Path] | None = None, *, learned: bool = True
) -> int:
    """Measure the LLM scorer on the written answers; print the evaluation and how many calls fell back.

    `label_files` as `dealcoach eval --labels`: another labels file, or only what two or more agree on. `learned`: as
    the service scores (with the learned NG model's ids lent to the card), or the LLM alone.
    """
    missing: list[str] = []

    def responder(req: RecordedRequest) -> FakeReply:
        nonce, part = request_key(req)
        path = answers / f"{nonce}.{part}.answer.json"
        if not path.is_file():
            missing.append(path.name)
            return FakeReply(status=400, body={"error": {"message": "no answer written", "type": "invalid_request"}})
        return FakeReply.content(path.read_text(encoding="utf-8"))

    cards: list[Scorecard] = []
    with FakeOpenAI(responder) as fake:
        ev = _measure(labels_dir, fake, cards, labels_from_files(label_files or []), learned=learned)
    fallbacks = Counter(str(c.extra.get("fallback_reason")) for c in cards if c.extra.get("fallback_reason"))
    if as_json:
        print(json.dumps({**ev.to_dict(), "fallbacks": dict(fallbacks), "missing": missing}, ensure_ascii=False))
    else:
        alone = "" if learned else ", the LLM alone"
        print(report(ev, f"{labels_dir} (LLM scorer on the answers in {answers.name}{alone})"))
        print(f"\nfell back to the offline card: {sum(fallbacks.values())} of {len(cards)} calls {dict(fallbacks)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.llm_replay", description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["record", "eval"])
    parser.add_argument("labels_dir", type=Path)
    parser.add_argument("answers_dir", type=Path)
    parser.add_argument("--labels", action="append", type=Path, help="as `dealcoach eval --labels`")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--llm-alone",
        action="store_true",
        help="leave out the learned NG model's ids the service lends the LLM card (figures before 2026-12-06 are so)",
    )
    args = parser.parse_args(argv)
    if args.mode == "record":
        return record(args.labels_dir, args.answers_dir)
    return replay(args.labels_dir, args.answers_dir, args.json, args.labels, learned=not args.llm_alone)


if __name__ == "__main__":
    sys.exit(main())
