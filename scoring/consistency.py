"""A scorecard that never contradicts itself, whichever scorer wrote it: the last step before a card leaves scoring/.

Invariants (tests/scoring/test_properties.py checks each over every labelled call and generated ones):
- a criterion scores above zero only with a quote that is verbatim in the transcript;
- the BANT criteria agree with the BANT block (found ⇔ 2/2, with the block's quote);
- "listens without interrupting" earns 2/2 only on more than one backchannel;
- advice gives the seed's example phrasing, never the criterion's own text read back;
- the overall score carries its coverage: the phases scored, out of the rubric's phases;
- a promise that names a time of day (今日の17時) carries it, so its task is never due later;
- a model's promise is due on the day its own words name, read by the same rule as the offline scorer's against the
  call's date: the model never sees that date, so a day it wrote (a year guessed from a weekday) is not believed.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from scoring import followup
from scoring.due import due_date, named_time
from scoring.formula import overall_score, phase_score
from scoring.rubric import Rubric
from scoring.scorecard import BANT_KEYS, BantItem, Commitment, Criterion, Evidence, Scorecard
from scoring.transcript import Transcript

LISTENING_CHECKS = frozenset({"first_contact.rapport.active_listening", "needs_discovery.open_questions.listening"})
BANT_CHECK = "needs_discovery.bant.{key}"


def _clock(text: str) -> str | None:
    """The time of day a promise names, so a model's promise for 今日の17時 keeps its hour too."""
    at = named_time(text)
    return at.strftime("%H:%M") if at else None


def _promise(c: Commitment, evidence: str, by_model: bool, call_date: date | None) -> Commitment:
    """The promise with its quote checked, its time of day kept and, when a model wrote it, its day re-read."""
    due = due_date(f"{evidence} {c.due_hint}", c.due_hint, call_date) if by_model else c.due
    return dataclasses.replace(c, evidence=evidence, due=due, due_time=c.due_time or _clock(c.text))


_SEPARATOR = "\x00"


def joined(transcript: Transcript) -> str:
    """The segments joined by NUL, which no quote holds: a substring of it is a substring of one segment."""
    return _SEPARATOR.join(s.text for s in transcript.segments)


def verbatim(quote: str, transcript: Transcript, segments: str | None = None) -> bool:
    """The quote is an exact substring of one segment's text; `segments` is `joined(transcript)` when already built."""
    if not quote or _SEPARATOR in quote:
        return False
    return quote in (segments if segments is not None else joined(transcript))


def _criterion(
    c: Criterion, card: Scorecard, transcript: Transcript, rubric: Rubric, texts: dict[str, str], segments: str
) -> Criterion:
    evidence = tuple(e for e in c.evidence if verbatim(e.quote, transcript, segments))
    score = c.score
    key = next((k for k in BANT_KEYS if c.id == BANT_CHECK.format(key=k)), None)
    if key is not None:
        item = card.bant[key]
        if item.found:
            start = next((s.start for s in transcript.segments if item.evidence in s.text), None)
            quote = Evidence(quote=item.evidence, start_s=start)
            score, evidence = 2, evidence if any(e.quote == item.evidence for e in evidence) else (quote, *evidence)
        elif score == 2:
            score = 1
    if c.id in LISTENING_CHECKS and score == 2 and len(evidence) < 2:
        score = 1
    if score is not None and score > 0 and not evidence:
        score = None
    advice = c.advice if score is not None and score < 2 else ""
    if score is not None and score < 2 and (not advice or (c.id in texts and texts[c.id] in advice)):
        advice = followup.advice(rubric, c.id, score, card.language)
    if (score, evidence, advice) == (c.score, c.evidence, c.advice):
        return c
    return dataclasses.replace(c, score=score, evidence=evidence[:3], advice=advice)


def coverage(card: Scorecard, rubric: Rubric) -> dict[str, object]:
    """How much of the rubric the overall score stands on: the phases with a score, out of all."""
    scored = [p.id for p in card.phases if p.score is not None]
    return {
        "phases_scored": len(scored),
        "phases_total": len(rubric.phases),
        "scored": scored,
        "not_assessed": [p.id for p in rubric.phases if p.id not in scored],
    }


def reconcile(card: Scorecard, rubric: Rubric, transcript: Transcript, call_date: date | None = None) -> Scorecard:
    """The card with every contradiction resolved toward what the transcript shows, scores recomputed, coverage added."""
    segments = joined(transcript)
    bant = {
        k: item if verbatim(item.evidence, transcript, segments) or not item.evidence else BantItem(found=False)
        for k, item in card.bant.items()
    }
    bant = {k: item if not item.found or item.evidence else BantItem(found=False) for k, item in bant.items()}

    def shown(quote: str) -> str:
        return quote if verbatim(quote, transcript, segments) else ""

    card = dataclasses.replace(
        card,
        bant=bant,
        next_step=dataclasses.replace(card.next_step, evidence=shown(card.next_step.evidence)),
        commitments=tuple(_promise(c, shown(c.evidence), card.scorer == "llm", call_date) for c in card.commitments),
        ng_behaviors=tuple(dataclasses.replace(n, evidence=shown(n.evidence)) for n in card.ng_behaviors),
    )
    texts = {check.id: check.text for _, _, check in rubric.iter_checks()}
    phases = []
    for p in card.phases:
        criteria = tuple(_criterion(c, card, transcript, rubric, texts, segments) for c in p.criteria)
        phases.append(
            phase_score(rubric, rubric.phase(p.id), criteria, card.ng_behaviors) if p.id in rubric.phase_ids else p
        )
    card = dataclasses.replace(card, phases=tuple(phases), overall=overall_score(rubric, tuple(phases)))
    return dataclasses.replace(card, extra={**card.extra, "coverage": coverage(card, rubric)})
