"""Small promises said in a call (seed 001), by each side, with the day and time they name: a promise said twice counts once."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from scoring import due as due_rules
from scoring import shapes
from scoring.markers import CallView, Sentence
from scoring.scorecard import Commitment

_OBJECT_RE = re.compile(r"[一-龥々]{2,}|[ァ-ヴー]{2,}|[A-Za-z][A-Za-z-]{3,}")
_DUE_WORDS_RE = re.compile(
    r"本日中|今日中|明日中|今週中|来週中|本日|今日|明日|今週|来週|週明け|月末|today|tomorrow|tonight|this week|next week|"
    r"monday|tuesday|wednesday|thursday|friday",
    re.I,
)
# Leave to send things now and then (今後も…時々お送りしても) is not one concrete promise.
_STANDING_RE = re.compile(r"時々|ときどき|今後も|定期的|随時|from time to time|now and then|regularly", re.I)
# A quote after the discount (値引き後のお見積り) is a document to send, not a discount offered.
_AFTER_DISCOUNT_RE = re.compile(r"(値引き|割引)(後|した後|を反映した)|discounted (quote|price list)", re.I)
_DECLINE_RE = re.compile(r"\s*(いえ|いや|いいえ|no\b|not now)", re.I)
_BECAUSE_RE = re.compile(r"\s*(ので|から)[、,]")
_SUBJECT_RE = re.compile(r"i('ll| will)\b", re.I)
_CLAUSE_END_RE = re.compile(r"[\s,、;]*(and|また|そして)?[\s,、;]*$", re.I)
_OBJECT_STOP = frozenset(
    {
        "send",
        "share",
        "will",
        "also",
        "with",
        "that",
        "this",
        "your",
        "then",
        "them",
        "over",
        "back",
        "just",
        "弊社",
        "御社",
        "貴社",
        "内容",
        "確認",
    }
)


def commitments(view: CallView, call_date: date | None) -> list[Commitment]:
    """Small promises (seed 001) by each side with their due hints; offers of terms and vague 「また連絡します」 are not promises."""
    found: list[tuple[tuple[int, int], int, str, Commitment]] = []
    for marker, owner in (
        ("rep_commitment", "rep"),
        ("customer_commitment", "customer"),
        ("customer_promise_shape", "customer"),
        ("rep_promise_shape", "rep"),
    ):
        for hit in view.find(marker, who=owner):
            if marker == "customer_promise_shape" and not shapes.customer_promise(view, hit):
                continue
            if marker == "rep_promise_shape" and not shapes.rep_promise(view, hit):
                continue
            sentence = hit.sentence.text
            # 「料金表をお送りしますので、ご覧いただけますか。」 promises before it asks.
            if hit.sentence.is_question and not _BECAUSE_RE.match(sentence, hit.match.end()):
                continue
            verbs = list(view.lex[marker].finditer(sentence))
            if not all(_SUBJECT_RE.match(v.group(0)) for v in verbs):
                verbs = [hit.match]
            for i, verb in enumerate(verbs):
                # Several promises in one sentence (I'll assign an engineer, and I'll send the report) are several promises.
                text = (
                    sentence
                    if len(verbs) == 1
                    else _CLAUSE_END_RE.sub(
                        "", sentence[verb.start() : verbs[i + 1].start() if i + 1 < len(verbs) else None]
                    )
                )
                at = verb.start() if len(verbs) == 1 else 0
                due = _due_of(view, text, at)
                vague = view.matches("vague_follow_up", text)
                # "Next week" names no day for a call-back (the NG rule reads it so too): still vague.
                is_vague = bool(
                    vague
                    and not (due and due.group(0).lower() not in due_rules.WEEK_WORDS)
                    and vague.start() < at + len(verb.group(0))
                    and at < vague.end()
                    and not view.month_agreed(text, hit.sentence.order)
                )
                if (
                    is_vague
                    or view.matches("free_offer", text)
                    or (view.matches("discount", text) and not _AFTER_DISCOUNT_RE.search(text))
                    or view.matches("policy", text)
                    or (owner == "customer" and view.matches("decline", text))
                ):
                    continue
                quote = hit.quote if len(verbs) == 1 else text
                found.append(
                    (
                        (hit.sentence.order, i),
                        hit.sentence.seg,
                        verb.group(0),
                        Commitment(
                            owner=owner,
                            text=quote,
                            due=due_rules.due_date(text, due.group(0) if due else "", call_date),
                            evidence=quote,
                            due_hint=due.group(0) if due else "",
                            due_time=_clock(text),
                        ),
                    )
                )
    for s in _accepted_offers(view):
        due = _due_of(view, s.text, 0)
        hint = due.group(0) if due else ""
        promise = Commitment(
            owner="rep",
            text=s.quote(),
            due=due_rules.due_date(s.text, hint, call_date),
            evidence=s.quote(),
            due_hint=hint,
            due_time=_clock(s.text),
        )
        found.append(((s.order, 0), s.seg, "offer", promise))
    for s in _granted_requests(view):
        promise = Commitment(owner="rep", text=s.quote(), evidence=s.quote(), due_hint="", due=None)
        found.append(((s.order, 0), s.seg, "request", promise))
    found.sort(key=lambda t: t[0])
    return _distinct([(order, seg, verb, cm) for (order, _), seg, verb, cm in found])


def _accepted_offers(view: CallView) -> list[Sentence]:
    """The rep's offers to do something (資料をお送りしてよろしいでしょうか) that the customer's next turn accepts."""
    out = []
    for hit in view.find("promise_offer", who="rep", questions=True):
        if _STANDING_RE.search(hit.sentence.text):
            continue
        reply = "".join(r.text for r in view.next_turn(hit.sentence, customer=True))
        accepts = view.matches("affirm", reply) or "ください" in reply or "please" in reply.lower()
        if reply and accepts and not view.matches("refuse", reply) and not _DECLINE_RE.match(reply):
            out.append(hit.sentence)
    return out


# The customer asking the rep to send or show something (資料を送ってください, send me something), and a bare yes.
_REQUEST_RE = re.compile(
    r"(送って|お送り|送付して|メールして|見せて|持ってきて)(ください|下さい|もらえ|いただけ)|\b(send|email|forward|show) me\b"
    r"|\b(can|could) you (send|email|forward)",
    re.I,
)
_GRANT_RE = re.compile(
    r"^(はい|承知|かしこまりました|わかりました|分かりました|もちろん|will do|sure|of course|absolutely|definitely|yes|ok(ay)?)\b",
    re.I,
)


def _granted_requests(view: CallView) -> list[Sentence]:
    """The customer's request to send something that the rep's next turn grants with a bare yes (Send me… → Will do.),
    when that turn names no promise of its own (then the promise verb already counts) and none was made before."""
    out = []
    for s in view.sentences:
        if s.is_rep or not _REQUEST_RE.search(s.text):
            continue
        reply = view.next_turn(s, customer=False)
        promised = any(
            view.matches("rep_commitment", r.text) and not view.matches("vague_follow_up", r.text) for r in reply
        )
        # "Just send me something" after the rep has promised to send something asks for that same thing.
        sent_before = any(
            h.sentence.order < s.order and not view.matches("vague_follow_up", h.sentence.text)
            for h in view.find("rep_commitment", who="rep")
        )
        if reply and _GRANT_RE.match(reply[0].text) and not promised and not sent_before:
            out.append(s)
    return out


def _clock(text: str) -> str | None:
    at = due_rules.named_time(text)
    return at.strftime("%H:%M") if at else None


def _due_of(view: CallView, text: str, verb_at: int) -> re.Match[str] | None:
    """The due word that goes with the promise's verb: the first after it (send X today), else the last before it (本日の内容は…本日中にお送りします)."""
    dues = list(view.lex["due"].finditer(text))
    after = [m for m in dues if m.start() >= verb_at]
    before = [m for m in dues if m.start() < verb_at]
    return after[0] if after else (before[-1] if before else None)


def _objects(text: str) -> frozenset[str]:
    """The content words of a promise (資料, 見積, questionnaire), without due words, to tell a repeat from a new promise."""
    return frozenset(
        w.lower()
        for w in _OBJECT_RE.findall(_DUE_WORDS_RE.sub(" ", text))
        if w.lower() not in _OBJECT_STOP and not _DAY_WORD_RE.search(w)
    )


# A day named in the promise (明後日, 水曜, 金曜日) is its due, not what it is about.
_DAY_WORD_RE = re.compile(r"曜|明後日|日$|週|月末")


def grams(text: str) -> frozenset[str]:
    """Content words as comparable pieces: English words whole, Japanese runs as character pairs (事例資料 shares 事例 with 導入事例)."""
    out: set[str] = set()
    for word in _objects(text):
        out |= {word} if word.isascii() else {word[i : i + 2] for i in range(len(word) - 1)}
    return frozenset(out)


def _distinct(promises: list[tuple[int, int, str, Commitment]]) -> list[Commitment]:
    """One promise said twice counts once, the dated wording winning: the same verb about the same things
    (資料とお見積りをお送りします…では資料は明日お送りします), or a bare follow-on sentence (資料をご用意します。今週中にお送りしますね。)."""
    kept: list[tuple[int, int, str, frozenset[str], Commitment]] = []
    for order, seg, verb, cm in promises:
        words = _objects(cm.text)
        same = next(
            (
                i
                for i, (o, sg, v, w, k) in enumerate(kept)
                if k.owner == cm.owner
                and (
                    (v == verb and words and w and (words <= w or w <= words))
                    or (not words and sg == seg and order - o <= 1)
                    # The same verb said again with only its day (明後日の水曜ですね、お送りします) repeats it.
                    or (v == verb and not words)
                )
            ),
            None,
        )
        if same is None:
            kept.append((order, seg, verb, words, cm))
        elif cm.due_hint and not kept[same][4].due_hint:
            first = kept[same][4]
            dated = (
                dataclasses.replace(first, due=cm.due, due_hint=cm.due_hint, due_time=cm.due_time) if not words else cm
            )
            kept[same] = (order, seg, verb, words | kept[same][3], dated)
    return [cm for *_, cm in kept]
