"""The Scorecard model and its JSON form (docs/architecture.md §6, a contract): one shape for the offline and LLM scorers, the CLI and the CRM writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

BANT_KEYS = ("budget", "authority", "need", "timeline")
DEAL_STATES = ("shodan", "wadai", "botsu")
METRIC_KEYS = (
    "duration_s",
    "talk_ratio_rep",
    "longest_monologue_rep_s",
    "longest_monologue_customer_s",
    "questions_rep",
    "open_questions_rep",
    "interactivity_per_min",
    "patience_s",
)


@dataclass(frozen=True)
class Evidence:
    """A verbatim quote from the transcript, with the time it was said when known."""

    quote: str
    start_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"quote": self.quote}
        if self.start_s is not None:
            d["start_s"] = self.start_s
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        start = d.get("start_s")
        return cls(quote=str(d["quote"]), start_s=float(start) if start is not None else None)


@dataclass(frozen=True)
class Criterion:
    """One rubric check as scored: 0/1/2, or None when the call gave no way to tell."""

    id: str
    score: int | None
    evidence: tuple[Evidence, ...] = ()
    advice: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "evidence": [e.to_dict() for e in self.evidence],
            "advice": self.advice,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Criterion:
        score = d.get("score")
        return cls(
            id=str(d["id"]),
            score=int(score) if score is not None else None,
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence") or ()),
            advice=str(d.get("advice") or ""),
        )


@dataclass(frozen=True)
class PhaseScore:
    """A phase's 0–100 score (None when no criterion was assessed), its criteria, and the points its NG behaviours took
    off (already subtracted from `score`)."""

    id: str
    score: int | None
    criteria: tuple[Criterion, ...] = ()
    ng_deduction: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "ng_deduction": self.ng_deduction,
            "criteria": [c.to_dict() for c in self.criteria],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PhaseScore:
        score = d.get("score")
        return cls(
            id=str(d["id"]),
            score=int(score) if score is not None else None,
            criteria=tuple(Criterion.from_dict(c) for c in d.get("criteria") or ()),
            ng_deduction=int(d.get("ng_deduction") or 0),
        )


@dataclass(frozen=True)
class BantItem:
    """Whether one BANT element came up, with the quote that shows it."""

    found: bool
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"found": self.found, "evidence": self.evidence}


@dataclass(frozen=True)
class NextStep:
    """Whether a dated next meeting was agreed, when, and the quote."""

    set: bool
    when: str = ""
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"set": self.set, "when": self.when, "evidence": self.evidence}


@dataclass(frozen=True)
class Commitment:
    """A small promise made in the call; `due` is an ISO date when a day was named, `due_time` ("HH:MM", the call's
    local time) when a time of that day was (今日の17時), so no task for it falls due later than the promise said."""

    owner: str
    text: str
    due: str | None = None
    evidence: str = ""
    due_hint: str = ""
    due_time: str | None = None

    @property
    def due_date(self) -> date | None:
        """`due` as a date; None when no absolute date was said (or `due` is not an ISO date)."""
        try:
            return date.fromisoformat(self.due[:10]) if self.due else None
        except ValueError:
            return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "text": self.text,
            "due": self.due,
            "evidence": self.evidence,
            "due_hint": self.due_hint,
            "due_time": self.due_time,
        }

    @property
    def due_clock(self) -> time | None:
        """`due_time` as a time of day; None when no time was named (or it is not HH:MM)."""
        try:
            return time.fromisoformat(self.due_time) if self.due_time else None
        except ValueError:
            return None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Commitment:
        return cls(
            owner=str(d["owner"]),
            text=str(d["text"]),
            due=d.get("due"),
            evidence=str(d.get("evidence") or ""),
            due_hint=str(d.get("due_hint") or ""),
            due_time=d.get("due_time"),
        )


@dataclass(frozen=True)
class NgObservation:
    """An NG behaviour from the rubric seen in the call, with the quote."""

    id: str
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "evidence": self.evidence}


@dataclass(frozen=True)
class NextAction:
    """A follow-up the rep should do, with a stable id (the task's idempotency key part) and the reason."""

    id: str
    title: str
    why: str
    due_in_hours: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "why": self.why, "due_in_hours": self.due_in_hours}


@dataclass(frozen=True)
class EmailDraft:
    """The minutes-style thank-you mail the rep edits and sends."""

    subject: str
    body: str

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "body": self.body}


@dataclass(frozen=True)
class RepSpeaker:
    """Which speaker was scored as the rep, how that was decided, and how sure we are."""

    name: str
    method: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "method": self.method, "confidence": self.confidence}


def _empty_bant() -> dict[str, BantItem]:
    return {k: BantItem(found=False) for k in BANT_KEYS}


CORE_KEYS = frozenset(
    {
        "rubric",
        "rubric_version",
        "language",
        "scorer",
        "overall",
        "phases",
        "metrics",
        "bant",
        "next_step",
        "commitments",
        "ng_behaviors",
        "deal_state",
        "next_actions",
        "email_draft",
        "rep_speaker",
        "metrics_basis",
    }
)


@dataclass(frozen=True)
class Scorecard:
    """Everything DealCoach concluded about one call, serialised exactly as docs/architecture.md §6."""

    rubric: str
    rubric_version: str
    language: str
    scorer: str
    overall: int | None
    phases: tuple[PhaseScore, ...]
    metrics: dict[str, Any] = field(default_factory=dict)
    bant: dict[str, BantItem] = field(default_factory=_empty_bant)
    next_step: NextStep = field(default_factory=lambda: NextStep(set=False))
    commitments: tuple[Commitment, ...] = ()
    ng_behaviors: tuple[NgObservation, ...] = ()
    deal_state: str | None = None
    next_actions: tuple[NextAction, ...] = ()
    email_draft: EmailDraft = field(default_factory=lambda: EmailDraft(subject="", body=""))
    rep_speaker: RepSpeaker = field(default_factory=lambda: RepSpeaker(name="", method="first_speaker", confidence=0.0))
    metrics_basis: str = "timestamps"
    # Additive top-level keys (LLM `flags`, `usage`, `llm`, `redaction`, `fallback_reason`), kept as given.
    extra: dict[str, Any] = field(default_factory=dict)

    def phase(self, phase_id: str) -> PhaseScore | None:
        """The scored phase with this id."""
        return next((p for p in self.phases if p.id == phase_id), None)

    def criterion(self, check_id: str) -> Criterion | None:
        """The scored criterion for a rubric check id."""
        return next((c for p in self.phases for c in p.criteria if c.id == check_id), None)

    def has_evidence(self, check_id: str) -> bool:
        """True when the check scored at least 1 and a quote backs it: what ticks a box in a stage task."""
        c = self.criterion(check_id)
        return bool(c and c.score is not None and c.score >= 1 and c.evidence)

    def assessed(self) -> list[Criterion]:
        """Criteria that got a score, in rubric order."""
        return [c for p in self.phases for c in p.criteria if c.score is not None]

    def to_dict(self) -> dict[str, Any]:
        """The scorecard JSON object (docs/architecture.md §6) (plus the compatible `rep_speaker`, `metrics_basis` and `extra` extensions)."""
        core = {
            "rubric": self.rubric,
            "rubric_version": self.rubric_version,
            "language": self.language,
            "scorer": self.scorer,
            "overall": self.overall,
            "phases": [p.to_dict() for p in self.phases],
            "metrics": {k: self.metrics[k] for k in METRIC_KEYS if k in self.metrics}
            | {k: v for k, v in self.metrics.items() if k not in METRIC_KEYS},
            "bant": {k: self.bant.get(k, BantItem(found=False)).to_dict() for k in BANT_KEYS},
            "next_step": self.next_step.to_dict(),
            "commitments": [c.to_dict() for c in self.commitments],
            "ng_behaviors": [n.to_dict() for n in self.ng_behaviors],
            "deal_state": self.deal_state,
            "next_actions": [a.to_dict() for a in self.next_actions],
            "email_draft": self.email_draft.to_dict(),
            "rep_speaker": self.rep_speaker.to_dict(),
            "metrics_basis": self.metrics_basis,
        }
        return core | {k: v for k, v in self.extra.items() if k not in core}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scorecard:
        """Rebuild a Scorecard from its JSON form (e.g. read back from a queue or an LLM)."""
        bant_raw = d.get("bant") or {}
        step = d.get("next_step") or {}
        mail = d.get("email_draft") or {}
        rep = d.get("rep_speaker") or {}
        state = d.get("deal_state")
        if state not in (None, *DEAL_STATES):
            raise ValueError(f"deal_state must be one of {DEAL_STATES} or null, not {state!r}")
        overall = d.get("overall")
        return cls(
            rubric=str(d["rubric"]),
            rubric_version=str(d["rubric_version"]),
            language=str(d.get("language") or "ja"),
            scorer=str(d.get("scorer") or "offline"),
            overall=int(overall) if overall is not None else None,
            phases=tuple(PhaseScore.from_dict(p) for p in d.get("phases") or ()),
            metrics=dict(d.get("metrics") or {}),
            bant={
                k: BantItem(
                    found=bool((bant_raw.get(k) or {}).get("found")),
                    evidence=str((bant_raw.get(k) or {}).get("evidence") or ""),
                )
                for k in BANT_KEYS
            },
            next_step=NextStep(
                set=bool(step.get("set")), when=str(step.get("when") or ""), evidence=str(step.get("evidence") or "")
            ),
            commitments=tuple(Commitment.from_dict(c) for c in d.get("commitments") or ()),
            ng_behaviors=tuple(
                NgObservation(id=str(n["id"]), evidence=str(n.get("evidence") or ""))
                for n in d.get("ng_behaviors") or ()
            ),
            deal_state=state,
            next_actions=tuple(
                NextAction(
                    id=str(a.get("id") or ""),
                    title=str(a["title"]),
                    why=str(a.get("why") or ""),
                    due_in_hours=int(a.get("due_in_hours") or 0),
                )
                for a in d.get("next_actions") or ()
            ),
            email_draft=EmailDraft(subject=str(mail.get("subject") or ""), body=str(mail.get("body") or "")),
            rep_speaker=RepSpeaker(
                name=str(rep.get("name") or ""),
                method=str(rep.get("method") or "first_speaker"),
                confidence=float(rep.get("confidence") or 0.0),
            ),
            metrics_basis=str(d.get("metrics_basis") or "timestamps"),
            extra={k: v for k, v in d.items() if k not in CORE_KEYS},
        )
