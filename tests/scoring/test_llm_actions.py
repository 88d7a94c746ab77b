"""LLM next actions carry the offline scorer's stable ids, so re-scoring a call upserts the same CRM tasks instead of adding new ones."""

from __future__ import annotations

import re
from typing import Any

import openai

from scoring import actions
from scoring.llm.schema import scorecard_schema
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
CASE = "本日中に、A社様の導入事例の資料をお送りします。"
SPEC = "また、ブルー会計との連携仕様は確認して明日ご連絡します。"
CUSTOMER = "本部長にも声をかけておきます。"


def _commitments(*quotes: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"owner": owner, "text": quote[:20], "due": None, "due_hint": "", "evidence": quote} for owner, quote in quotes]


def _action(action_id: str | None, title: str, hours: int = 24) -> dict[str, Any]:
    action = {"title": title, "why": "理由", "due_in_hours": hours}
    return action if action_id is None else {"id": action_id, **action}


def _score(client: openai.OpenAI, fake: FakeOpenAI, call: Transcript, rubric: Rubric, offline: Scorecard,
           **answer: Any) -> Scorecard:
    fake.script(FakeReply.content(empty_answer(**answer)))
    return LlmScorer(client, model=MODEL).score(call, rubric=rubric, offline=offline)


def test_schema_enumerates_the_offline_action_ids(rubric: Rubric, good_card: Scorecard, weak_card: Scorecard) -> None:
    item = scorecard_schema(rubric)["properties"]["next_actions"]["items"]
    assert item["required"] == ["id", "title", "why", "due_in_hours"]
    vocabulary = item["properties"]["id"]["enum"]
    assert vocabulary == list(actions.action_vocabulary())
    assert {"send_minutes_email", "confirm_budget", "commitment_1", "commitment_10"} <= set(vocabulary)
    offline_ids = {a.id for card in (good_card, weak_card) for a in card.next_actions}
    assert offline_ids <= set(vocabulary)


def test_the_prompt_explains_every_id(client: openai.OpenAI, fake: FakeOpenAI, good_call: Transcript, rubric: Rubric,
                                      good_card: Scorecard) -> None:
    _score(client, fake, good_call, rubric, good_card)
    system = fake.completions[0].message("system")
    assert all(action_id in system for action_id in actions.ACTION_IDS) and "commitment_N" in system
    schema = fake.completions[0].body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["next_actions"]["items"]["properties"]["id"]["enum"][0] == "send_minutes_email"


def test_rewording_keeps_the_ids(client: openai.OpenAI, fake: FakeOpenAI, good_call: Transcript, rubric: Rubric,
                                 good_card: Scorecard) -> None:
    def keys(titles: tuple[str, str]) -> list[str]:
        card = _score(client, fake, good_call, rubric, good_card, commitments=_commitments(("rep", CASE)),
                      next_actions=[_action("send_minutes_email", titles[0], 3), _action("commitment_1", titles[1], 8)])
        assert card.extra["flags"] == []
        return [f"tenant/deal-1/call-9/next-{a.id}" for a in card.next_actions]

    first = keys(("議事録メールを送る", "導入事例を送付"))
    again = keys(("本日の議事録をお礼メールで共有", "A社様の事例資料をお送りする"))
    assert first == again == ["tenant/deal-1/call-9/next-send_minutes_email", "tenant/deal-1/call-9/next-commitment_1"]


def test_commitment_numbers_follow_the_scorecard_not_the_model(client: openai.OpenAI, fake: FakeOpenAI, good_call: Transcript,
                                                               rubric: Rubric, good_card: Scorecard) -> None:
    card = _score(client, fake, good_call, rubric, good_card,
                  commitments=_commitments(("customer", CUSTOMER), ("rep", "この文は通話にありません。"), ("rep", SPEC)),
                  next_actions=[_action("commitment_2", "連携仕様を確認して連絡"), _action("commitment_1", "存在しない約束")])
    assert [c.text for c in card.commitments if c.owner == "rep"] == [SPEC[:20]]
    assert [(a.id, a.title) for a in card.next_actions] == [("commitment_1", "連携仕様を確認して連絡")]
    assert {"field": "next_actions", "id": "commitment_1", "reason": "unknown_action_id"} in card.extra["flags"]


def test_a_lax_server_ids_are_mapped_or_dropped(client: openai.OpenAI, fake: FakeOpenAI, good_call: Transcript, rubric: Rubric,
                                                good_card: Scorecard) -> None:
    card = _score(client, fake, good_call, rubric, good_card, commitments=_commitments(("rep", CASE)), next_actions=[
        _action("llm-3f2a9c", "Confirm the budget with the CFO"),
        _action(None, "導入事例の資料を送る"),
        _action("walk_the_dog", "Walk the dog"),
        _action("send_minutes_email", "Send the recap"),
        _action("recap", "Send the minutes again"),
    ])
    assert [a.id for a in card.next_actions] == ["confirm_budget", "commitment_1", "send_minutes_email"]
    flags = [f for f in card.extra["flags"] if f.get("field") == "next_actions"]
    assert flags == [{"field": "next_actions", "id": "llm-3f2a9c", "reason": "action_id_mapped"},
                     {"field": "next_actions", "id": "", "reason": "action_id_mapped"},
                     {"field": "next_actions", "id": "walk_the_dog", "reason": "unknown_action_id"},
                     {"field": "next_actions", "id": "recap", "reason": "action_id_mapped"}]


def _part(req: RecordedRequest) -> int:
    m = re.search(r"part (\d+) of (\d+)", req.message("user"))
    return int(m.group(1)) if m else 1


def test_chunks_number_promises_in_one_sequence(client: openai.OpenAI, fake: FakeOpenAI, good_call: Transcript, rubric: Rubric,
                                                good_card: Scorecard) -> None:
    def answer(req: RecordedRequest) -> FakeReply:
        part = _part(req)
        quote = CASE if part == 1 else SPEC
        return FakeReply.content(empty_answer(commitments=_commitments(("rep", quote)),
                                              next_actions=[_action("commitment_1", f"part {part} promise")]))

    fake.responder = answer
    plan = LlmScorer(client, model=MODEL, max_output_tokens=500).plan(good_call, rubric=rubric, offline=good_card)
    context = plan.overhead_tokens + 500 + plan.transcript_tokens // 2 + 40
    card = LlmScorer(client, model=MODEL, max_context_tokens=context, max_output_tokens=500).score(
        good_call, rubric=rubric, offline=good_card)
    assert card.extra["llm"]["chunks"] >= 2
    assert [c.text for c in card.commitments] == [CASE[:20], SPEC[:20]]
    assert [(a.id, a.title) for a in card.next_actions] == [("commitment_1", "part 1 promise"), ("commitment_2", "part 2 promise")]


def test_closest_action_id() -> None:
    promises = ["本日中に、A社様の導入事例の資料をお送りします。", "I'll send the security questionnaire back by Friday."]
    assert actions.closest_action_id("事例資料の送付", promises) == "commitment_1"
    assert actions.closest_action_id("Questionnaire to procurement", promises) == "commitment_2"
    assert actions.closest_action_id("決裁者を確認する", []) == "confirm_authority"
    assert actions.closest_action_id("Book the next meeting", []) == "schedule_next_meeting"
    assert actions.closest_action_id("ROI試算を用意", []) == "prepare_roi_estimate"
    assert actions.closest_action_id("Celebrate", []) is None
