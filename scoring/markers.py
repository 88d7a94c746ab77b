"""A sentence index over one call that turns marker matches (scoring/lexicon.py) into verbatim evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from scoring.lexicon import lexicon
from scoring.literals import LiteralIndex, Literals, branches, required_literals
from scoring.metrics import is_open_question, is_question, sentences
from scoring.scorecard import Evidence
from scoring.transcript import Transcript

QUOTE_LIMIT = 140
ECHO_CHARS = 12
_CONTRAST_RE = re.compile(r"(?<=が)、|(?<=けど)、|(?<=けれど)、|, but |; but | but ")
_MONTH_RE = re.compile(
    r"(?<!\d)\d{1,2}月(?!\d{1,2}日)|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.I,
)
_INTERROGATIVE_RE = re.compile(r"いつ|どの|何|when|what|how|which", re.I)
# Per compiled marker (they live as long as the process, and the worker's parent warms them before it forks).
_REQUIRED: dict[re.Pattern[str], Literals | None] = {}
_BRANCHES: dict[re.Pattern[str], tuple[tuple[re.Pattern[str], Literals | None], ...] | None] = {}


def _required(pattern: re.Pattern[str]) -> Literals | None:
    """The marker's required literals, worked out once per process."""
    if pattern not in _REQUIRED:
        _REQUIRED[pattern] = required_literals(pattern)
    return _REQUIRED[pattern]


def _branches(pattern: re.Pattern[str]) -> tuple[tuple[re.Pattern[str], Literals | None], ...] | None:
    """The marker's alternatives, each with its own literals (`scoring.literals.branches`), worked out once."""
    if pattern not in _BRANCHES:
        _BRANCHES[pattern] = branches(pattern)
    return _BRANCHES[pattern]


def prepare_markers() -> int:
    """Work out every language's markers' required literals and alternatives now (the worker's parent, before it
    forks); how many markers."""
    for language in ("ja", "en"):
        for pattern in lexicon(language).values():
            _required(pattern)
            _branches(pattern)
    return len(_REQUIRED)


@dataclass(frozen=True)
class Sentence:
    """One sentence of one segment: an exact substring of the segment's text, with who said it and when."""

    order: int
    seg: int
    text: str
    speaker: str
    is_rep: bool
    start_s: float | None
    is_question: bool
    is_open_question: bool

    def quote(self, match: re.Match[str] | None = None) -> str:
        """The sentence, or a window of it around the match when it is long; always a verbatim substring."""
        if len(self.text) <= QUOTE_LIMIT or match is None:
            return self.text[:QUOTE_LIMIT]
        left = max(0, min(match.start() - 40, len(self.text) - QUOTE_LIMIT))
        return self.text[left : left + QUOTE_LIMIT]

    def evidence(self, match: re.Match[str] | None = None) -> Evidence:
        """This sentence as an Evidence entry."""
        return Evidence(quote=self.quote(match), start_s=self.start_s)


@dataclass(frozen=True)
class Hit:
    """A marker match in a sentence."""

    sentence: Sentence
    match: re.Match[str]

    def evidence(self) -> Evidence:
        """The quote for this hit."""
        return self.sentence.evidence(self.match)

    @property
    def quote(self) -> str:
        """The verbatim quote for this hit."""
        return self.sentence.quote(self.match)


# A recap's clauses: the next meeting and the schedule said side by side (we talk again Thursday at ten; installation
# May first).
_CLAUSE_RE = re.compile(r"[;；]")


def _month_clauses(text: str) -> list[str]:
    """The clauses of a sentence that name a month."""
    return [clause for clause in _CLAUSE_RE.split(text) if _MONTH_RE.search(clause)]


class CallView:
    """The transcript as an ordered list of sentences, searchable by marker name and by speaker side."""

    def __init__(self, transcript: Transcript, rep_speaker: str) -> None:
        self.transcript = transcript
        self.rep_speaker = rep_speaker
        self.lex = lexicon(transcript.language)
        self.sentences: list[Sentence] = []
        for i, seg in enumerate(transcript.segments):
            for _, text in sentences(seg.text, transcript.language):
                asks = is_question(text)
                self.sentences.append(
                    Sentence(
                        order=len(self.sentences),
                        seg=i,
                        text=text,
                        speaker=seg.speaker,
                        is_rep=seg.speaker == rep_speaker,
                        start_s=seg.start,
                        is_question=asks,
                        is_open_question=asks and is_open_question(text),
                    )
                )
        # Scans go over only the side asked for, and each (marker, side) once: a long call has thousands of sentences.
        self._subsets: dict[tuple[str, bool | None], list[Sentence]] = {
            (who, q): [
                s
                for s in self.sentences
                if (who == "any" or s.is_rep == (who == "rep")) and (q is None or s.is_question == q)
            ]
            for who in ("any", "rep", "customer")
            for q in (None, True, False)
        }
        # Per subset, whether each sentence (by order) is in it: candidates are filtered to a side without a scan.
        self._members: dict[tuple[str, bool | None], list[bool]] = {}
        for key, subset in self._subsets.items():
            member = [False] * len(self.sentences)
            for s in subset:
                member[s.order] = True
            self._members[key] = member
        self._found: dict[tuple[str, str, bool | None], list[Hit]] = {}
        # Each marker is searched at most once per sentence, whichever sides and kinds ask for it, and only in the
        # sentences that hold one of the literals every match of it must contain (scoring/literals.py).
        self._searched: dict[str, dict[int, re.Match[str] | None]] = {}
        self._candidates: dict[str, list[Sentence]] = {}
        self._index: LiteralIndex | None = None
        self._first_of_segment: list[int] = []
        for s in self.sentences:
            while len(self._first_of_segment) <= s.seg:
                self._first_of_segment.append(s.order)
        self._first_of_segment.append(len(self.sentences))

    def find(self, marker: str, *, who: str = "any", questions: bool | None = None) -> list[Hit]:
        """All hits of a marker, optionally only by the rep/customer and only (non-)questions."""
        key = (marker, who, questions)
        if key not in self._found:
            pattern = self.lex[marker]
            search = pattern.search
            seen = self._searched.setdefault(marker, {})
            subset = self._subsets[(who, questions)]
            if marker not in self._candidates:
                self._candidates[marker] = self._holding(pattern)
            candidates = self._candidates[marker]
            if len(candidates) < len(self.sentences):
                member = self._members[(who, questions)]
                subset = [s for s in candidates if member[s.order]]
            todo = [s for s in subset if s.order not in seen]
            split = _branches(pattern)
            if split is None:
                seen.update({s.order: search(s.text) for s in todo})
            else:
                seen.update(self._search_branches(split, todo))
            self._found[key] = [Hit(s, m) for s in subset if (m := seen[s.order])]
        return list(self._found[key])

    def _search_branches(
        self, split: tuple[tuple[re.Pattern[str], Literals | None], ...], todo: list[Sentence]
    ) -> dict[int, re.Match[str] | None]:
        """The whole marker's match in each sentence, searching each alternative only in the sentences holding one of
        its literals and keeping the leftmost match, the earlier alternative among those starting at the same place
        (what the whole pattern's search returns)."""
        wanted = {s.order for s in todo}
        best: dict[int, re.Match[str]] = {}
        index = self._literal_index()
        for branch, literals in split:
            orders = wanted if literals is None else [o for o in index.containing(literals) if o in wanted]
            for order in orders:
                m = branch.search(self.sentences[order].text)
                if m is not None and (order not in best or m.start() < best[order].start()):
                    best[order] = m
        return {order: best.get(order) for order in wanted}

    def _literal_index(self) -> LiteralIndex:
        """Which sentences hold which characters, built on the first marker that needs it."""
        if self._index is None:
            self._index = LiteralIndex([s.text for s in self.sentences])
        return self._index

    def _holding(self, pattern: re.Pattern[str]) -> list[Sentence]:
        """The sentences that can match the pattern: those holding a required literal, or all when none is known."""
        req = _required(pattern)
        if req is None:
            return self.sentences
        return [self.sentences[i] for i in self._literal_index().containing(req)]

    def matches(self, marker: str, text: str) -> re.Match[str] | None:
        """Search one marker in a piece of text."""
        return self.lex[marker].search(text)

    def negated(self, hit: Hit) -> bool:
        """Whether the words right after the match deny it (困っているわけではない)."""
        return bool(self.lex["negation"].search(hit.sentence.text[hit.match.end() :]))

    def segment_sentences(self, seg: int) -> list[Sentence]:
        """The sentences of one segment (one turn of one speaker)."""
        return self.sentences[self._first_of_segment[seg] : self._first_of_segment[seg + 1]]

    def next_turn(self, sentence: Sentence, *, customer: bool) -> list[Sentence]:
        """Sentences of the next turn by the other side (customer or rep) after this sentence's segment."""
        start = self._first_of_segment[min(sentence.seg + 1, len(self._first_of_segment) - 1)]
        first = next((s for s in self.sentences[start:] if s.is_rep != customer), None)
        if first is None:
            return []
        end = self._first_of_segment[min(first.seg + 1, len(self._first_of_segment) - 1)]
        return self.sentences[first.order : end]

    def asks(self, hit: Hit) -> bool:
        """A customer question whose marker is the interrogative itself (請求書はいつ頃届きますか) states nothing."""
        s = hit.sentence
        # An echo of the rep's word (「時期？」) asks it back and states nothing either.
        return s.is_question and (bool(_INTERROGATIVE_RE.match(hit.match.group(0))) or len(s.text) <= ECHO_CHARS)

    def deflected(self, hit: Hit) -> bool:
        """Said to be unknown: in the hit's own clause (予算はまだ決まっていないんですが、まずは…) or right after an echo (予算ですか…。まだ決めていなくて)."""
        s = hit.sentence
        start = max((m.end() for m in _CONTRAST_RE.finditer(s.text) if m.end() <= hit.match.start()), default=0)
        end = min(
            (m.start() for m in _CONTRAST_RE.finditer(s.text) if m.start() >= hit.match.end()), default=len(s.text)
        )
        if self.matches("deflection", s.text[start:end]):
            return True
        after = self.sentences[s.order + 1] if s.order + 1 < len(self.sentences) else None
        return bool(
            after and after.seg == s.seg and len(s.text) <= ECHO_CHARS and self.matches("deflection", after.text)
        )

    def confirmed_recap(self, marker: str = "need") -> tuple[Sentence, Sentence] | None:
        """A problem the rep restates from earlier (「月に120時間ほどとお伺いしていました」) and the customer confirms: a need
        known in this call. For a timeline, also a dated schedule the rep lays out (「5月31日が本番」) that the customer
        confirms: the when is known, whoever said the date; a bare ええ to a schedule keeps the line open and confirms
        no date (8 false timelines on monologue proposals, none lost)."""
        said = [h.sentence for h in self.find("recap", who="rep")]
        if marker == "timeline":
            dated = [
                h.sentence
                for h in self.find("timeline", who="rep")
                if any(not self.matches("meeting", clause) for clause in _month_clauses(h.sentence.text))
            ]
            said = sorted(set(said) | set(dated), key=lambda s: s.order)
        for s in said:
            need_words = marker == "need" and (self.matches("cost", s.text) or self.matches("need_shape", s.text))
            if not (self.matches(marker, s.text) or need_words):
                continue
            reply = self.next_turn(s, customer=True)
            text = "".join(r.text for r in reply)
            if (
                reply
                and self.matches("confirm", reply[0].text)
                and not self.matches("deflection", text)
                and not (marker == "timeline" and self.matches("backchannel_only", text))
            ):
                return s, reply[0]
        return None

    def month_agreed(self, text: str, before: int) -> bool:
        """A calendar month the customer accepted when the rep proposed it (「6月ごろに…よろしいでしょうか」「ええ、その頃なら」)."""
        month = _MONTH_RE.search(text)
        if month is None:
            return False
        for s in self.sentences[:before]:
            if s.is_rep and s.is_question and month.group(0) in s.text:
                reply = "".join(r.text for r in self.next_turn(s, customer=True))
                if (self.matches("affirm", reply) or self.matches("confirm", reply)) and not self.matches(
                    "refuse", reply
                ):
                    return True
        return False

    def meeting_context(self, s: Sentence) -> bool:
        """Whether a dated sentence is about meeting: its own words or its segment and the two before (captions split turns)."""
        segs = self.transcript.segments
        return bool(self.matches("meeting", s.text)) or any(
            self.matches("meeting", segs[i].text) for i in range(max(0, s.seg - 2), s.seg + 1)
        )


def date_span(view: CallView, text: str) -> tuple[int, int] | None:
    """The span from the first concrete date to the last date/time token next to it (来週の火曜日、3月12日の14時)."""
    first = view.matches("date", text)
    if not first:
        return None
    end = first.end()
    while True:
        nxt = None
        for marker in ("date", "time"):
            m = view.lex[marker].search(text, end)
            if m and m.start() - end <= 4 and (nxt is None or m.start() < nxt.start()):
                nxt = m
        if nxt is None:
            return first.start(), end
        end = nxt.end()


def absolute_due(text: str, call_date: date | None) -> str | None:
    """An ISO date when one is said outright (2025年3月5日, 2025-03-05), or a month-day or a bare day (18日) resolved
    against the call date."""
    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日|(\d{4})[/-](\d{1,2})[/-](\d{1,2})", text)
    try:
        if m:
            y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
            return date(y, mo, d).isoformat()
        m = re.search(r"(\d{1,2})月(\d{1,2})日", text)
        if m and call_date is not None:
            candidate = date(call_date.year, int(m.group(1)), int(m.group(2)))
            if candidate < call_date:
                candidate = date(call_date.year + 1, candidate.month, candidate.day)
            return candidate.isoformat()
        # A bare day of the month (来週水曜の18日): the next such day from the call on, not a span (3日間, 10日ほど).
        m = re.search(r"(?<![\d月])(\d{1,2})日(?!間|分|前|後|ほど|以内|くらい|程度|ごと|おき)", text)
        if m and call_date is not None:
            day = int(m.group(1))
            year, month = call_date.year, call_date.month
            if day < call_date.day:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return date(year, month, day).isoformat()
    except ValueError:
        return None
    return None


_TOPIC_RE = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffー]{2,}|[A-Za-z]{4,}")


def topics(text: str) -> set[str]:
    """Content words (kanji/katakana runs, longer Latin words): a reply that takes one up addresses the concern."""
    return {t.lower() for t in _TOPIC_RE.findall(text)}
