"""Chunking past the context limit: every turn sent once, in order, and chunk answers merged deterministically."""

from __future__ import annotations

import re

import openai
import pytest

from scoring.llm.prompt import Line, chunk_lines, estimate_tokens, halve
from scoring.llm.scorer import LlmScorer
from scoring.rubric import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    RecordedRequest,
    empty_answer,
)

MODEL = "gpt-4o-mini"
OUTPUT = 500


@pytest.fixture(autouse=True)
def _answers_per_part(fake: FakeOpenAI) -> None:
    fake.responder = _per_part_answer


def _part(req: RecordedRequest) -> tuple[int, int, list[str]]:
    user = req.message("user")
    m = re.search(r"part (\d+) of (\d+)", user)
    part, parts = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
    lines = [line for line in user.splitlines() if re.match(r"^\[\d+\] ", line)]
    return part, parts, lines


def _per_part_answer(req: RecordedRequest) -> FakeReply:
    """Each part's answer quotes the part's first turn, so the merge can be traced back to parts."""
    part, parts, lines = _part(req)
    quote = lines[0].split(": ", 1)[1][:20]
    last = part == parts
    return FakeReply.content(empty_answer(
        criteria=[{"id": "first_contact.rapport.empathy", "score": 1 if part == 1 else 2,
                   "evidence": [{"quote": quote}], "advice": f"part {part}"}],
        bant={"budget": {"found": False, "evidence": ""}, "authority": {"found": False, "evidence": ""},
              "need": {"found": last, "evidence": quote if last else ""}, "timeline": {"found": False, "evidence": ""}},
        next_step={"set": True, "when": f"part {part}", "evidence": quote},
        commitments=[{"owner": "rep", "text": f"part {part}", "due": None, "due_hint": "", "evidence": quote}],
        deal_state={1: "wadai", 2: "shodan"}.get(part),
        email_draft={"subject": f"part {part}" if last else "", "body": "本文" if last else ""},
    ))


def _small_scorer(client: openai.OpenAI, call: Transcript, rubric: Rubric, offline: Scorecard) -> LlmScorer:
    plan = LlmScorer(client, model=MODEL, max_output_tokens=OUTPUT).plan(call, rubric=rubric, offline=offline)
    assert len(plan.chunks) == 1
    context = plan.overhead_tokens + OUTPUT + plan.transcript_tokens // 3 + 20
    return LlmScorer(client, model=MODEL, max_context_tokens=context, max_output_tokens=OUTPUT)


def test_a_long_call_is_sent_in_ordered_chunks_covering_every_turn_once(
        fake: FakeOpenAI, client: openai.OpenAI, good_call: Transcript, good_card: Scorecard, rubric: Rubric) -> None:
    scorer = _small_scorer(client, good_call, rubric, good_card)
    plan = scorer.plan(good_call, rubric=rubric, offline=good_card)
    assert 3 <= len(plan.chunks) <= 5
    card = scorer.score(good_call, rubric=rubric, offline=good_card)

    assert len(fake.completions) == len(plan.chunks)
    seen = []
    for i, req in enumerate(fake.completions, start=1):
        part, parts, lines = _part(req)
        assert (part, parts) == (i, len(plan.chunks))
        assert req.message("system") == fake.completions[0].message("system")
        seen += [int(line[1:line.index("]")]) for line in lines]
        assert scorer.max_context_tokens >= plan.overhead_tokens + OUTPUT + sum(estimate_tokens(x) + 1 for x in lines)
    assert seen == list(range(len(good_call.segments)))
    assert card.to_dict()["llm"]["chunks"] == len(plan.chunks)
    assert card.to_dict()["usage"]["prompt_tokens"] == 1200 * len(plan.chunks)


def test_chunk_answers_merge_deterministically(
        fake: FakeOpenAI, client: openai.OpenAI, good_call: Transcript, good_card: Scorecard, rubric: Rubric) -> None:
    scorer = _small_scorer(client, good_call, rubric, good_card)
    card = scorer.score(good_call, rubric=rubric, offline=good_card)
    n = len(fake.completions)
    first_bodies = [r.raw for r in fake.completions]

    empathy = card.criterion("first_contact.rapport.empathy")
    assert empathy.score == 2 and empathy.advice == "part 2"  # the best score; ties keep the earliest part
    assert card.next_step.set and card.next_step.when == f"part {n}"  # the latest agreement
    assert [c.text for c in card.commitments] == [f"part {i}" for i in range(1, n + 1)]
    assert card.bant["need"].found and not card.bant["budget"].found
    assert card.deal_state == "shodan"
    assert card.email_draft.subject == f"part {n}"
    assert card.to_dict()["flags"] == []

    fake.reset()
    again = scorer.score(good_call, rubric=rubric, offline=good_card)
    assert [r.raw for r in fake.completions] == first_bodies
    assert again.to_dict() == card.to_dict()


def test_a_context_smaller_than_the_prompt_falls_back_without_a_request(
        fake: FakeOpenAI, client: openai.OpenAI, good_call: Transcript, good_card: Scorecard, rubric: Rubric) -> None:
    card = LlmScorer(client, model=MODEL, max_context_tokens=4000).score(good_call, rubric=rubric, offline=good_card)
    assert card.to_dict()["fallback_reason"] == "context_length_exceeded"
    assert fake.completions == []


def _lines(*texts: str) -> list[Line]:
    return [Line(segment=i, speaker="山田", role="rep", start_s=None, text=t) for i, t in enumerate(texts)]


def test_chunk_lines_packs_in_order_and_splits_an_over_long_turn() -> None:
    lines = _lines("あ" * 50, "い" * 50, "う。" * 200)
    chunks = chunk_lines(lines, 120)
    flat = [line for chunk in chunks for line in chunk]
    assert [line.segment for line in flat][:2] == [0, 1] and {line.segment for line in flat[2:]} == {2}
    assert "".join(line.text for line in flat if line.segment == 2) == "う。" * 200
    assert all(sum(estimate_tokens(x.render()) + 1 for x in chunk) <= 120 for chunk in chunks)


def test_halve_splits_near_the_middle_and_a_lone_turn_by_sentences() -> None:
    first, second = halve(_lines("あ" * 10, "い" * 10, "う" * 10, "え" * 10))
    assert [x.segment for x in first] == [0, 1] and [x.segment for x in second] == [2, 3]
    parts = halve(_lines("一文目です。" * 30))
    assert len(parts) == 2 and "".join(x.text for p in parts for x in p) == "一文目です。" * 30
    assert halve([]) == []
