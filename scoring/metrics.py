"""Talk metrics (talk ratio, monologues, questions, patience) and rep identification: the objective half of a scorecard."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from scoring.transcript import Segment, Transcript

CHARS_PER_SECOND = {"ja": 6.0, "en": 15.0}
_SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]*|[。！？!?]+")
# An English sentence runs to a stop followed by a space or the end; a stop inside a number (4.5, $1.2m) or after
# a.m., p.m., Mr., Dr., e.g. does not end it.
_EN_SENTENCE_RE = re.compile(
    r"(?:[^.!?\n]|[.!?](?!\s|$)|(?<=\b[ap]\.m)\.|(?<=\b(?:mr|ms|dr|st|vs))\.|(?<=\bmrs)\.|(?<=\b(?:e\.g|i\.e))\.)+[.!?]*",
    re.I,
)
_JA_QUESTION_END_RE = re.compile(r"(か|かね|かな|でしょうか|ますか|ですか|ませんか|でしょう)[。]?$")
_TAG_QUESTION_RE = re.compile(
    r"(よね|ですね|ますね|でしょう|じゃないですか|right|isn't it|don't you think|correct)[?？。.]*$", re.I
)
_JA_OPEN_RE = re.compile(
    r"なぜ|どうして|どのよう|どういう|どういった|どう(?!ぞ|も|か|せ|しても)|何(?!か|卒|でも|とも|らか)|なに(?!か)|どんな|どの(?!くらい|ぐらい|程度|位)"
)
_EN_OPEN_RE = re.compile(
    r"^\s*((and|so|ok|okay|great|right),?\s+)?(what|why|how|which|tell me|walk me|describe|explain)\b", re.I
)
_BACKCHANNEL_RE = re.compile(r"^(あ|ああ|へえ|なるほど)?[、,]?(そう|そうなん)(です|でした)か[。！!]?$")
# A name is not a count (120社のうち80社です) nor a clause (別の会社のを使っているんです): no digits, particles or ん.
_SELF_INTRO_JA_RE = re.compile(
    r"(株式会社|（株）|\(株\))?[^\s、。]{1,20}?(株式会社|社|会社|（株）)?の[^\s、。のはをがにでもんっ\d０-９]{1,10}"
    r"(と申します|でございます|です)"
)
# 社 after a number is a counter (80社の), and 本社の, 他社の, 御社の or 神社の (a shrine, the customer: blind94 bu02) name no
# company of the speaker's own.
_COMPANY_JA_RE = re.compile(r"株式会社|（株）|\(株\)|[^\s、。\d０-９何数本支他御貴同各神]社の|弊社")
# The name and the company are capitalised (case matters there: "I'm exporting lists from the box office" and "It's
# worse at Deansgate" are no introductions).
# On the phone the lead-in is often a greeting instead (Hi Linda, Ryan Cole with MeterWise; blind57, blind79).
_SELF_INTRO_EN_RE = re.compile(
    r"\b(?i:my name is|i'm|i am|this is|it's|it is)\s+[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*)?\s+(?i:from|with|at)\s+[A-Z]"
    # Or after a greeting, and a yes to who is asked for (Hi Inês, yes, Tom Hadley from Veritas; blind115 cp17).
    r"|^(?i:hi|hello|hey|morning|afternoon|good morning|good afternoon)(\s+[A-Z][\w'-]*)?,\s+((?i:yes|yeah|yep),\s+)?"
    r"[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*)?"
    r"\s+(?i:from|with|at)\s+[A-Z]"
    # Or the name first (Dana Whitfield here, calling from Verisight; blind95 bv03), or just where the caller calls from.
    r"|\b[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*)?\s+here,?\s+(?i:calling\s+)?(?i:from|with|at)\s+[A-Z]"
    r"|\b(?i:calling\s+(you\s+)?from)\s+[A-Z]"
)
# Speech-recognition fillers inside a self-introduction (株式会社…の、えー、佐野と申します) hide its shape.
_FILLER_RE = re.compile(r"、?(えーと|えっと|えー+|あのー*|まあ|そのー+)、?")
# The humble 「と申します」 is how a caller introduces themselves; whoever answers the phone says 「〜です」.
_HUMBLE_INTRO_RE = re.compile(r"と申します")
_INBOUND_ANSWER_RE = re.compile(
    r"^[^。]{0,6}(お電話ありがとうございます|thank you for calling|thanks for calling)", re.I
)
# The callee addressed by name, with さん/様 or a title (黒田館長、お世話になっております), or by the title alone (社長、
# blind116 cq03).
_ADDRESSED = r"([^、。]{0,10}(さん|様|さま|館長|社長|部長|課長|先生|店長|院長|所長|園長|支配人|会長|理事長|組合長)、)?"
_GREETING_HEAD = rf"^(はい、|あ、|もしもし、?)?{_ADDRESSED}"
_CALLER_GREETING_RE = re.compile(
    rf"{_GREETING_HEAD}(いつも)?お世話になって(おり|い)ます|{_GREETING_HEAD}お世話になります"
)
# A phone's opening: its first segments, where the greetings are exchanged.
_OPENING_SEGMENTS = 4
_OSEWA_RE = re.compile(r"お世話にな")
_THANKS_FOR_TIME_RE = re.compile(
    r"\bthanks?( you)?( (both|all|everyone|guys))? for (making|taking|finding|carving out) (the |some )?time\b"
    r"|\bthank you for your time\b|\bthanks for having me\b"
    # Or says they built the proposal or the quote being discussed (I've put together the proposal…).
    r"|\bI(?:'ve| have) (put together|pulled together|built|prepared|drafted) (the|a|your) (proposal|quote|plan)\b",
    re.I,
)
# Who lays out the meeting's agenda in its opening (my agenda is short; the plan for today; 今日の議題は): the one who
# asked for the meeting, the seller, on 31 of 31 labelled English calls and 7 of 7 Japanese ones that have one (a
# customer asks it: 今日のゴールって何になりますか). It wins over thanks for making time, which a customer says too
# (blind91 br18), and over a customer's courtesy hint at a kickoff (blind71 aw16).
_AGENDA_RE = re.compile(
    r"\b(my agenda|the agenda|agenda for|plan for today|the plan today|goal for today|what I'?d like to (cover|do) today"
    r"|purpose of (today|this call))\b|(今日|本日)の(議題|アジェンダ|進め方|流れ|ゴール)(は|ですが|としては)",
    re.I,
)
_AGENDA_SEGMENTS = 6
# After a phone answered with a name (もしもし、マフラー工房菅野の菅野です), the caller's plain お世話になってます or
# お疲れさまです opens the call as well (blind69, blind75); said second in a video meeting it is only the reply to the
# first greeting.
_PHONE_ANSWER_RE = re.compile(r"^(もしもし|はい)、?[^。]{0,30}(です|でございます)。")
# The phone answered with a surname alone (はい、山中です。): a person's own line, so the caller who then gives a company
# and a name is the one calling to sell (blind117 cr06, cr11).
_NAME_ANSWER_RE = re.compile(r"^(もしもし、?|はい、?){1,2}[一-龥]{1,4}(です|でございます)。?$")
_PLAIN_GREETING_RE = re.compile(rf"{_GREETING_HEAD}((いつも)?お世話になってます|お疲れ(さま|様)です)")
_QUOTE_SEEN = r"(見積|資料|ご提案|提案書)(り|もり)?[、をは]?(ご覧|見て|お読み)(いただけ|頂け|いただい|頂い|もらえ)"
# Thanks for the contract or the order: the one who says it is the rep on 93 of 93 labelled calls.
_CONTRACT_THANKS = r"(ご契約|ご発注|ご導入)(いただき|いただいて)?[^。]{0,4}ありがとう"
_SELLER_ONLY_RE = re.compile(f"{_QUOTE_SEEN}|{_CONTRACT_THANKS}")
_REP_HINT_RE = re.compile(
    r"お時間をいただき|お時間いただき|お時間(を)?ありがとう|ご提案|ご案内|弊社の(サービス|製品|ツール)|件で(お電話|ご連絡)(しました|いたしました|差し上げました)"
    r"|(ご迷惑|お手間|ご不便|ご心配)を(おかけ|お掛け)|thanks for (your|making the) time|our (product|platform|solution)"
    # Thanks for the contract, and the quote or the mail the speaker sent: only the seller says them.
    rf"|{_CONTRACT_THANKS}|(お送り|お出し|お届け|差し上げ)した(お)?(見積|資料|提案)"
    r"|(メール|ご連絡)(を)?させていただいた|thank(s| you) for (choosing|signing|your order|your business)"
    # The customer's enquiry, received: お問い合わせいただいた件 (the one who says it, on 71 of 71 labelled calls).
    r"|(お問い?合わせ|ご相談)(を)?いただ"
    # The customer's request for material, received (資料請求いただいた件で): the one who says it, on 21 of 21.
    r"|資料(を)?(ご)?(請求|ダウンロード)(を)?(いただ|して(いただ|くださ))"
    # Asking whether the customer has looked at the quote or material the speaker sent (お見積り、見ていただけましたか):
    # the one who asks it, on 73 of 73 labelled calls.
    r"|" + _QUOTE_SEEN,
    re.I,
)


# How a seller talks, whatever the product: their company, proposals, quotes sent, the customer's company as 御社.
_SELLER_RE = re.compile(
    r"弊社|ご提案|ご案内|ご導入|お見積(もり|り)?を?(お送り|お出し|お持ち|ご用意)|させていただ|いかがでしょうか|(御社|貴社)(の|で|では|さま)"
    r"|\bour (product|platform|plans?|pricing|team can)\b|\bwe offer\b|\bdoes that work for you\b|\bI can send\b",
    re.I,
)
SELLER_MARGIN = 3
_QUOTE_RECEIVED_RE = re.compile(r"(いただいた|頂いた|もらった)(お)?見積|見積(もり|り)?(を)?(いただ|頂|もら)")
# A speaker named by the dialer's role tag (`[Agent]`, `AGENT:`, `【お客様】`, `CALLEE:`): the tag says who is who.
# 発信者 / Caller are not read: on an inbound line the caller is the customer.
_REP_TAG_RE = re.compile(
    r"^[\[【(（]?\s*(agent|rep|sales ?rep|salesperson|営業|営業担当|担当営業|オペレーター|operator)\s*[\]】)）]?$", re.I
)
_CUSTOMER_TAG_RE = re.compile(
    r"^[\[【(（]?\s*(customer|callee|client|prospect|顧客|お客様|お客さま|相手先|受信者)\s*[\]】)）]?$", re.I
)


@dataclass(frozen=True)
class Turn:
    """Consecutive segments of one speaker, with estimated or measured timing."""

    speaker: str
    start: float
    end: float
    talk_s: float
    segments: tuple[int, ...]


def sentences(text: str, language: str = "ja") -> list[tuple[int, str]]:
    """Split text into sentences with their offsets; every sentence is an exact substring of `text`."""
    pattern = _SENTENCE_RE if language == "ja" or any(ch in text for ch in "。？！") else _EN_SENTENCE_RE
    out = []
    for m in pattern.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if stripped:
            out.append((m.start() + raw.index(stripped), stripped))
    return out


def is_question(sentence: str) -> bool:
    """A sentence asking something: ends with ？/? or a Japanese interrogative ending."""
    s = sentence.strip()
    if _BACKCHANNEL_RE.match(s):
        return False
    return s.endswith(("？", "?")) or bool(_JA_QUESTION_END_RE.search(s.rstrip("。")))


def is_open_question(sentence: str) -> bool:
    """A question inviting explanation (なぜ・どのように・何・どんな / what, why, how), not a tag question."""
    if not is_question(sentence) or _TAG_QUESTION_RE.search(sentence.strip()):
        return False
    return bool(_JA_OPEN_RE.search(sentence) or _EN_OPEN_RE.search(sentence))


def metrics_basis(transcript: Transcript) -> str:
    """`timestamps` when every segment has a start time, else `characters` (durations estimated from text length)."""
    return (
        "timestamps" if transcript.segments and all(s.start is not None for s in transcript.segments) else "characters"
    )


def _estimate_s(text: str, language: str) -> float:
    return len(text) / CHARS_PER_SECOND.get(language, CHARS_PER_SECOND["en"])


def _timed(transcript: Transcript) -> list[tuple[float, float]]:
    """(start, end) per segment: measured when timestamps exist, else laid end to end from estimated durations."""
    segs = transcript.segments
    lang = transcript.language
    out: list[tuple[float, float]] = []
    if metrics_basis(transcript) == "timestamps":
        for i, s in enumerate(segs):
            start = float(s.start or 0.0)
            if s.end is not None:
                end = s.end
            elif i + 1 < len(segs) and (segs[i + 1].start or 0.0) > start:
                end = min(float(segs[i + 1].start or 0.0), start + _estimate_s(s.text, lang) * 2)
            else:
                end = start + _estimate_s(s.text, lang)
            out.append((start, max(end, start)))
        return out
    clock = 0.0
    for s in segs:
        d = _estimate_s(s.text, lang)
        out.append((clock, clock + d))
        clock += d
    return out


def turns(transcript: Transcript) -> list[Turn]:
    """Merge consecutive same-speaker segments (captions split long utterances) into turns."""
    timed = _timed(transcript)
    result: list[Turn] = []
    for i, (seg, (start, end)) in enumerate(zip(transcript.segments, timed, strict=False)):
        talk = end - start
        if result and result[-1].speaker == seg.speaker:
            last = result[-1]
            result[-1] = Turn(last.speaker, last.start, max(last.end, end), last.talk_s + talk, last.segments + (i,))
        else:
            result.append(Turn(seg.speaker, start, end, talk, (i,)))
    return result


def _turn_length(turn: Turn, basis: str) -> float:
    return turn.end - turn.start if basis == "timestamps" else turn.talk_s


def compute_metrics(
    transcript: Transcript,
    rep_speaker: str,
    *,
    rep_questions: tuple[int, int] | None = None,
    call_turns: list[Turn] | None = None,
) -> dict[str, float | int]:
    """The scorecard `metrics` block (docs/architecture.md §6), measured from timestamps or estimated from characters (then `patience_s` is 0.0: gaps are unobservable).

    `rep_questions` (questions, open questions) and `call_turns` when the caller already has them.
    """
    basis = metrics_basis(transcript)
    timed = _timed(transcript)
    all_turns = call_turns if call_turns is not None else turns(transcript)
    if not timed:
        duration = 0.0
    elif basis == "timestamps":
        duration = max(e for _, e in timed) - min(s for s, _ in timed)
    else:
        duration = timed[-1][1]
    talk_total = sum(e - s for s, e in timed)
    talk_rep = sum(e - s for seg, (s, e) in zip(transcript.segments, timed, strict=False) if seg.speaker == rep_speaker)
    rep_turns = [t for t in all_turns if t.speaker == rep_speaker]
    customer_turns = [t for t in all_turns if t.speaker != rep_speaker]
    questions, open_questions = rep_questions or _count_questions(transcript, rep_speaker)
    gaps = []
    if basis == "timestamps":
        for prev, nxt in zip(all_turns, all_turns[1:], strict=False):
            if prev.speaker != rep_speaker and nxt.speaker == rep_speaker:
                gaps.append(max(0.0, nxt.start - prev.end))
    minutes = duration / 60.0
    return {
        "duration_s": round(duration, 1),
        "talk_ratio_rep": round(talk_rep / talk_total, 3) if talk_total > 0 else 0.0,
        "longest_monologue_rep_s": round(max((_turn_length(t, basis) for t in rep_turns), default=0.0), 1),
        "longest_monologue_customer_s": round(max((_turn_length(t, basis) for t in customer_turns), default=0.0), 1),
        "questions_rep": questions,
        "open_questions_rep": open_questions,
        "interactivity_per_min": round((len(all_turns) - 1) / minutes, 2) if minutes > 0 and all_turns else 0.0,
        "patience_s": round(sum(gaps) / len(gaps), 2) if gaps else 0.0,
    }


def _count_questions(transcript: Transcript, rep_speaker: str) -> tuple[int, int]:
    questions = open_questions = 0
    for seg in transcript.segments:
        if seg.speaker != rep_speaker:
            continue
        for _, sentence in sentences(seg.text, transcript.language):
            if is_question(sentence):
                questions += 1
                open_questions += is_open_question(sentence)
    return questions, open_questions


def _norm_name(name: str) -> str:
    return re.sub(r"[\s\u3000・.]+", "", unicodedata.normalize("NFKC", name)).casefold()


def _speakers(transcript: Transcript) -> list[str]:
    return list(dict.fromkeys(s.speaker for s in transcript.segments))


def _by_name(speakers: list[str], rep: str) -> tuple[str, float] | None:
    wanted = _norm_name(rep)
    if not wanted:
        return None
    for sp in speakers:
        if _norm_name(sp) == wanted:
            return sp, 0.95
    partial = [sp for sp in speakers if _norm_name(sp) and (_norm_name(sp) in wanted or wanted in _norm_name(sp))]
    if len(partial) == 1:
        return partial[0], 0.8
    rep_parts = [p for p in re.split(r"[\s\u3000]+", unicodedata.normalize("NFKC", rep).strip()) if p]
    token_hits = [
        sp
        for sp in speakers
        if any(_norm_name(p) == _norm_name(part) for p in rep_parts for part in re.split(r"[\s\u3000]+", sp))
    ]
    return (token_hits[0], 0.7) if len(token_hits) == 1 else None


def _unfilled(text: str) -> str:
    return _FILLER_RE.sub("", text)


def _introduces_company(segment: Segment) -> bool:
    text = segment.text
    if _SELF_INTRO_EN_RE.search(text):
        return True
    return any(_COMPANY_JA_RE.search(m.group(0)) for m in _SELF_INTRO_JA_RE.finditer(_unfilled(text)))


def identify_rep(transcript: Transcript, rep: str | None) -> tuple[str, str, float]:
    """Which speaker is the rep, how we know (`role|name|self_introduction|phone_opening|agenda|seller_words|first_speaker`) and how sure we are."""
    segments = transcript.segments
    if not segments:
        return "", "first_speaker", 0.0
    role_reps = list(dict.fromkeys(s.speaker for s in segments if s.role == "rep"))
    if role_reps:
        return role_reps[0], "role", 1.0
    speakers = _speakers(transcript)
    if rep:
        found = _by_name(speakers, rep)
        if found:
            return found[0], "name", found[1]
    tagged = [sp for sp in speakers if _REP_TAG_RE.match(sp)]
    if len(tagged) == 1:
        return tagged[0], "role", 0.9
    greeter = _serving_callee(segments)
    if greeter:
        return greeter, "phone_opening", 0.7
    # A callee tag (相手先, CALLEE) marks the customer on the outbound dialer lines it comes from, unless that speaker
    # opens the call answering it for their company (an inbound complaint line, blind66) or alone talks like the
    # seller, with a seller's errand, while nobody else says a seller's word: the customer rang the vendor (blind65
    # aq05, blind81 bh18).
    votes = {sp: sum(len(_SELLER_RE.findall(s.text)) for s in segments if s.speaker == sp) for sp in speakers}
    answered = segments[0].speaker if _INBOUND_ANSWER_RE.search(segments[0].text) else None
    customers = {s.speaker for s in segments if s.role == "customer"} | {
        sp for sp in speakers if _CUSTOMER_TAG_RE.match(sp) and sp != answered and not _sole_seller(sp, votes, segments)
    }
    candidates = [sp for sp in speakers if sp not in customers] or speakers
    # Who says they received a quote (先週いただいたお見積もり, 他社さんから見積もりをもらってまして) is a customer: 13 of
    # 13 labelled calls (blind86 bm08: both sides greet alike, the customer's firm a 旅行社).
    quoted = {s.speaker for s in segments if _QUOTE_RECEIVED_RE.search(s.text)}
    candidates = [sp for sp in candidates if sp not in quoted] or candidates
    introducers = list(
        dict.fromkeys(s.speaker for s in segments[:12] if s.speaker in candidates and _introduces_company(s))
    )
    if introducers:
        hinted = [sp for sp in introducers if any(s.speaker == sp and _REP_HINT_RE.search(s.text) for s in segments)]
        chosen = (hinted or introducers)[0]
        confidence = 0.8 if len(introducers) == 1 or len(hinted) == 1 else 0.6
        return chosen, "self_introduction", confidence
    # A company name without 社 (センサーテックの吉村です): the one caller who also says why they call.
    intros = [
        (s.speaker, m)
        for s in segments[:12]
        if s.speaker in candidates
        for m in [_SELF_INTRO_JA_RE.search(_unfilled(s.text))]
        if m
    ]
    named = dict.fromkeys(sp for sp, _ in intros)
    hinted = [sp for sp in named if any(s.speaker == sp and _REP_HINT_RE.search(s.text) for s in segments[:12])]
    # Both sides give a company and a name: the first to say お世話になっております opened the call, and sells; the
    # other's お時間ありがとうございます is then the customer's courtesy (blind90 bq12).
    greeter = _first_greeter(segments)
    if len(named) >= 2 and greeter in named and hinted and greeter not in hinted:
        return greeter, "phone_opening", 0.6
    agenda = _agenda_setter(segments)
    if agenda in named and hinted and agenda not in hinted:
        return agenda, "agenda", 0.6
    if len(hinted) == 1:
        return hinted[0], "self_introduction", 0.6
    humble = list(dict.fromkeys(sp for sp, m in intros if _HUMBLE_INTRO_RE.search(m.group(0))))
    if len(humble) == 1:
        return humble[0], "self_introduction", 0.6
    first = next(s.speaker for s in segments if s.speaker in candidates)
    # The phone's opening: who answers "thanks for calling" is the seller taking an inbound call; a caller who opens
    # with お世話になっております and their company and name is the seller making an outbound one.
    if _INBOUND_ANSWER_RE.search(segments[0].text) and segments[0].speaker in candidates:
        return segments[0].speaker, "phone_opening", 0.6
    caller = next((s for s in segments[:4] if s.speaker != segments[0].speaker and s.speaker in candidates), None)
    greets = caller is not None and (
        bool(_CALLER_GREETING_RE.match(caller.text))
        or bool(_PHONE_ANSWER_RE.match(segments[0].text) and _PLAIN_GREETING_RE.match(caller.text))
        or bool(_NAME_ANSWER_RE.match(segments[0].text))
    )
    if caller and greets and _SELF_INTRO_JA_RE.search(_unfilled(caller.text)):
        return caller.speaker, "phone_opening", 0.6
    if agenda in candidates:
        return agenda, "agenda", 0.5
    # Thanks for the other side's time, said in the opening (Thanks for making time; thanks both for making time), or
    # the proposal said to be the speaker's work: the one who asked for the meeting, the seller.
    thanker = next((s.speaker for s in segments[:_OPENING_SEGMENTS] if _THANKS_FOR_TIME_RE.search(s.text)), None)
    if thanker in candidates:
        return thanker, "phone_opening", 0.5
    # Nobody introduced a company: the one who talks like a seller over the whole call, by a clear margin.
    seller = max(candidates, key=lambda sp: votes[sp])
    if seller != first and votes[seller] >= votes[first] + SELLER_MARGIN:
        return seller, "seller_words", 0.5
    return first, "first_speaker", 0.4 if len(speakers) > 1 else 0.3


def _agenda_setter(segments: tuple[Segment, ...]) -> str | None:
    """Who states the meeting's agenda in the opening; the sentence that names it asking about it is the other side
    asking (今日の進め方は、どうされますか)."""
    for s in segments[:_AGENDA_SEGMENTS]:
        if m := _AGENDA_RE.search(s.text):
            said = next((text for at, text in sentences(s.text, "en") if at <= m.start() < at + len(text)), s.text)
            if not is_question(said):
                return s.speaker
    return None


def _first_greeter(segments: tuple[Segment, ...]) -> str | None:
    """Who says お世話になっております first in the call's opening, if anyone does."""
    return next((s.speaker for s in segments[:_OPENING_SEGMENTS] if _OSEWA_RE.search(s.text)), None)


def _serving_callee(segments: tuple[Segment, ...]) -> str | None:
    """The callee-tagged speaker who says お世話になっております first, to a caller who gave a plain name (の荒木ですけど)
    rather than a seller's humble one: a vendor picking up a customer's call (blind65 aq05, blind87 bn18, blind88
    bo17). On the labelled dialer calls without a rep tag, the first to greet so is the rep on 76 of 76, the callee on 5."""
    greeter = _first_greeter(segments)
    if greeter is None or not _CUSTOMER_TAG_RE.match(greeter):
        return None
    callers = [s for s in segments[:_OPENING_SEGMENTS] if s.speaker != greeter]
    if not callers or any(_HUMBLE_INTRO_RE.search(s.text) or _SELLER_RE.search(s.text) for s in callers):
        return None
    return greeter


def _sole_seller(speaker: str, votes: dict[str, int], segments: tuple[Segment, ...]) -> bool:
    """Two seller's words or more, or a line only a seller says (whether the customer has seen their quote: blind106
    cg11, the customer rang the studio, so the dialer tags the seller as the callee; thanks for the contract: blind109
    cj16, a customer ringing about the contract's terms), and a rep's errand (ご案内, ご提案…) from this speaker, none
    from anyone else."""
    errands = {s.speaker for s in segments if _REP_HINT_RE.search(s.text)}
    seller_line = any(s.speaker == speaker and _SELLER_ONLY_RE.search(s.text) for s in segments)
    return (
        (votes[speaker] >= 2 or seller_line)
        and all(n == 0 for sp, n in votes.items() if sp != speaker)
        and errands == {speaker}
    )


def speaker_named(transcript: Transcript, name: str) -> str | None:
    """The transcript's speaker a given rep name designates (exact, partial or by name parts), or None."""
    found = _by_name(_speakers(transcript), name)
    return found[0] if found else None
