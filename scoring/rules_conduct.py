"""Offline rules for how the rep treats the customer's words: seed 000's NG behaviours read from the exchange itself.

Each rule looks at a customer turn and the rep's turn after it (or the reverse): a concrete question met with
reassurance, an effect asked in figures answered with none, a rival named and run down, a case the customer sets
their own business against, a date pressed after "I'm busy" or a no, a reaction talked over, an open timing left with
nothing to do next, slides the customer cannot follow, signing pressed on a first call. Markers in
scoring/conduct_markers.py.
"""

from __future__ import annotations

import re

from scoring import deal_state
from scoring.collector import Collector
from scoring.markers import CallView, Hit, Sentence, topics
from scoring.rules_closing import closing_order
from scoring.rules_discovery import reply_text
from scoring.scorecard import Commitment, NextStep

_DIGIT = re.compile(r"\d")
# The customer's pull back to business counts once the rep has had a few turns (not the opening's 「ご用件は」 after
# the rep's name) and before most of the call is over (a "I have to go" at the end is a goodbye).
SMALL_TALK_MIN_REP_TURNS = 4
SMALL_TALK_SHARE = 0.8
# The customer's own turn from which asking what the call is for means the rep has not said it: their first few turns
# are the greeting, their name and "do you have a minute", where ご用件は is how a call is answered.
PURPOSE_ASK_FROM_CUSTOMER_TURN = 4
# A day or period named relative to today (来月からでも, 週明けに, next week): pressed as much as a date.
_RELATIVE_WHEN = re.compile(
    r"(来月|来週|今週|今月|明日|明後日|週明け)(から|に|の|中)|\b(next (week|month)|tomorrow)\b", re.I
)
# The customer's own offer of a day (月曜でしたら, Monday works).
_CAN_DO = re.compile(
    r"なら|でしたら|で(お願い|いい|大丈夫)|\b(works|would work|is fine|suits|could we do|can we do|how about|what about)\b",
    re.I,
)


def _turns_with(v: CallView, *markers: str, questions: bool | None = None) -> list[list[Sentence]]:
    """The customer's turns, in call order, holding a hit of any of the markers (found through the view's indexed,
    cached search, so a long call is not scanned once per rule)."""
    segs = sorted({h.sentence.seg for m in markers for h in v.find(m, who="customer", questions=questions)})
    return [v.segment_sentences(seg) for seg in segs]


# A customer question this long asks about something (Is that separate? / …それでも大丈夫ですか), whatever its words.
ASKS_SOMETHING_CHARS = 10


# A question asked in plain speech with a full stop (何年で元が取れるの。, なんでそのスコアになったのか、っていうのが。).
_ASKED_PLAINLY = re.compile(r"(何|なん|いつ|どこ|どう|いくら|どれ)[^。]{0,20}(の|のか、?っていうのが)。$")


def vague_answer(c: Collector) -> None:
    """A question about the offer (何キロまで？, what's the SLA?, …入れられるんですかね) answered with reassurance and no
    fact, and not taken away to be checked."""
    v = c.view
    concrete = {h.sentence.order for h in v.find("concrete_question", who="customer", questions=True)}
    for q in v.sentences:
        if q.is_rep or not (q.is_question or _ASKED_PLAINLY.search(q.text)):
            continue
        if q.order not in concrete and len(q.text) < ASKS_SOMETHING_CHARS:
            continue
        reply, text = reply_text(v, q)
        vague = next((r for r in reply if v.matches("vague_reply", r.text)), None)
        if vague and not _DIGIT.search(text) and not v.matches("checks_back", text):
            c.ng("proposal.vague_answer", vague.quote(v.matches("vague_reply", vague.text)))
            return


_SAID_BEFORE_ASKING = re.compile(r"(けど|けれど|ですが|のに)、|\b(but|and)\b", re.I)


def attacks_competitor(c: Collector) -> None:
    """The rep runs down another vendor the customer named or the rep pointed at (あそこはすぐ壊れるって評判)."""
    v = c.view
    mentioned = any(not s.is_rep and v.matches("rival_mention", s.text) for s in v.sentences)
    for s in v.sentences:
        if not s.is_rep:
            continue
        bad = v.matches("disparage", s.text)
        # A jab said before a question tag (よく落ちるって話聞きますけど、大丈夫ですか) is said, not asked.
        if bad and s.is_question and not _SAID_BEFORE_ASKING.search(s.text, bad.end()):
            continue
        if bad and (v.matches("rival_pointer", s.text) or mentioned) and not v.negated(Hit(s, bad)):
            c.ng("negotiation_closing.attacks_competitor", s.quote(bad))
            return


def pushy_schedule(c: Collector) -> None:
    """The customer says they have no time then, or no to it at all, and the rep presses a day or hour on them anyway
    (そこを何とか水曜の8時に; I'll send an invite for Thursday at eight thirty)."""
    v = c.view
    for turn in _turns_with(v, "busy", "no_thanks"):
        text = "".join(t.text for t in turn)
        # A customer who says when they can (月曜の14時なら) has set the time themselves.
        if v.matches("time", text) or (v.matches("date", text) and _CAN_DO.search(text)):
            continue
        push, push_text = _whole_reply(v, turn[-1]) if v.transcript.language == "en" else reply_text(v, turn[-1])
        insisted = v.matches("insist", push_text)
        timed = (
            v.matches("time", push_text)
            or v.matches("date", push_text)
            or v.matches("due", push_text)
            or _RELATIVE_WHEN.search(push_text)
        )
        if push and insisted and timed and not v.matches("backs_off", push_text):
            c.ng("first_contact.pushy_schedule", push[0].quote())
            return
    if (pressed := _days_pressed(v)) is not None:
        c.ng("first_contact.pushy_schedule", pressed.quote())


def _whole_reply(v: CallView, s: Sentence) -> tuple[list[Sentence], str]:
    """The other side's next turn through every segment it runs on (a caption file splits one turn into cues: "I hear
    you, but…" / "Tuesday at ten, or Wednesday at nine"). Read so on English calls only: on Japanese ones the rule was
    tuned on the first segment, and the whole turn added two false flags over every labelled set."""
    reply, _ = reply_text(v, s)
    if not reply:
        return [], ""
    k = reply[-1].order + 1
    while k < len(v.sentences) and v.sentences[k].is_rep == reply[0].is_rep:
        reply.append(v.sentences[k])
        k += 1
    return reply, "".join(r.text for r in reply)


# How many times running the customer turns a day down and the rep puts another one: the third day offered after two
# refusals (火曜→無理→木曜→無理→金曜) is pressing, however politely; one counter-offer is ordinary scheduling.
DAYS_PRESSED = 2


def _days_pressed(v: CallView) -> Sentence | None:
    """The rep's turn that offers a day again after the customer turned down the days before it, twice running."""
    turns: list[list[Sentence]] = []
    for s in v.sentences:
        if turns and turns[-1][0].is_rep == s.is_rep:
            turns[-1].append(s)
        else:
            turns.append([s])
    text = ["".join(s.text for s in turn) for turn in turns]
    running = 0
    for i in range(1, len(turns) - 1):
        if turns[i][0].is_rep:
            continue
        refused = (v.matches("busy", text[i]) or v.matches("no_thanks", text[i])) and not v.matches("time", text[i])
        offered_around = (
            turns[i - 1][0].is_rep
            and v.matches("day_offered", text[i - 1])
            and v.matches("day_offered", text[i + 1])
            and not v.matches("backs_off", text[i + 1])
        )
        if not refused:
            running = 0
        elif offered_around:
            running += 1
        if running >= DAYS_PRESSED:
            return turns[i + 1][0]
    return None


def ignores_reaction(c: Collector, stage_phase: str | None) -> None:
    """Twice the customer shows they are lost, doubtful or done, and twice the rep talks on: no acknowledgement and
    no question back. A proposal's NG: in a negotiation, a kickoff or after-sales the same talking-on is the concern
    or complaint left standing (blind9-18: 0 of 5 such calls labelled ignores_reaction)."""
    if stage_phase not in (None, "proposal"):
        return
    v = c.view
    talked_over: list[Sentence] = []
    for turn in _turns_with(v, "reaction"):
        # A reaction the customer talks past themselves (Hm. So call it 1175.) is thinking aloud, not left hanging.
        if not v.matches("reaction", turn[-1].text):
            continue
        on, on_text = reply_text(v, turn[-1])
        if on and not v.matches("backs_off", on_text) and not any(t.is_question for t in on):
            talked_over.append(on[0])
    if len(talked_over) >= 2:
        c.ng("proposal.ignores_reaction", talked_over[0].quote())


def rushes_ahead(c: Collector, stage_phase: str | None) -> None:
    """The customer says in two turns that they do not follow (ちょっと待って, よく分からなくて), or comes back to an
    earlier point still not understood (さっきの割り付けの件、まだよく分からない): the rep pressed on (seed 000 提案 NG,
    顧客が理解していないのに、話をどんどん進める). A proposal's NG; once, in one turn, is a question the rep can answer
    (of the 25 labelled proposal calls where that is all, 8 are labelled rushes_ahead)."""
    if stage_phase not in (None, "proposal"):
        return
    v = c.view
    lost = _turns_with(v, "not_following")
    back = next((t for t in lost if any(v.matches("earlier_point", s.text) for s in t)), None)
    turn = back or (lost[1] if len(lost) >= 2 else None) or next((t for t in lost if _moved_on(v, t[-1])), None)
    if turn:
        said = next(s for s in turn if v.matches("not_following", s.text))
        c.ng("proposal.rushes_ahead", said.quote())


def _moved_on(v: CallView, s: Sentence) -> bool:
    """The rep's next turn moves on from what the customer did not follow (で、次に; moving on to pricing)."""
    reply, _ = _whole_reply(v, s)
    return any(v.matches("moves_on", r.text) for r in reply)


def no_next_action(
    c: Collector, next_step: NextStep, commitments: list[Commitment], stage_phase: str | None = None
) -> None:
    """The customer leaves the timing open and the rep ends with nothing concrete: no next step, no promise with a
    day, no day proposed. Not on a first contact: a cold call turned away owes no next action (blind9-18: 3 such
    calls, none labelled); its vague ending is first_contact.vague_follow_up. Nor on a deal the customer turned down:
    a lost deal owes no next action (4 of 214 labelled botsu calls carry the id)."""
    if stage_phase == "first_contact" or next_step.set:
        return
    v = c.view
    if deal_state.declined(v):
        return
    # A discovery call that ends by handing the next move to the customer (ご検討ください, 何かあればご連絡ください,
    # let me know when you're ready): material sent by a day is no next action (blind9-20: 10 of 12 such calls labelled).
    if stage_phase == "needs_discovery":
        start = closing_order(v)
        closing = (s for s in v.sentences[start:] if s.is_rep)
        if passed := next((s for s in closing if v.matches("ball_passed", s.text)), None):
            c.ng("needs_discovery.no_next_action", passed.quote())
            return
    if any(p.owner == "rep" and (p.due or p.due_hint) for p in commitments):
        return
    # A discovery call that ends with nothing at all for the rep to do: no next step, no promise of any kind.
    if stage_phase == "needs_discovery" and not any(p.owner == "rep" for p in commitments):
        if said := [s for s in v.sentences if s.is_rep]:
            c.ng("needs_discovery.no_next_action", said[-1].quote())
            return
    open_timing = next((s for s in v.sentences if not s.is_rep and _timing_left_open(v, s)), None)
    if open_timing is None:
        return
    later = [s for s in v.sentences if s.is_rep and s.order > open_timing.order]
    if later and not any(v.matches("date", s.text) or v.matches("time", s.text) for s in later):
        c.ng("needs_discovery.no_next_action", later[-1].quote())


def _timing_left_open(v: CallView, s: Sentence) -> bool:
    """The customer leaves the timing open: a "when" that names no time (いずれは, eventually), said of the timing
    itself, or in reply to the rep's question about it (a decision "up to the boss" about something else is not an
    open timing)."""
    if v.matches("timing_vague", s.text):
        return True
    if not v.matches("timing_open", s.text):
        return False
    if v.matches("timing", s.text) or v.matches("timeline", s.text):
        return True
    before = [q for q in v.sentences[: s.order] if q.is_rep]
    asked = before[-1] if before else None
    return (
        asked is not None
        and asked.is_question
        and s in v.next_turn(asked, customer=True)
        and bool(v.matches("timing", asked.text) or v.matches("timeline", asked.text))
    )


def shallow_questions(c: Collector) -> None:
    """Questions that stop at the surface: one that only seeks agreement (コストは削減したいですよね？), or a question
    for any problem at all whose answer the rep does not dig into with an open question."""
    v = c.view
    for s in v.sentences:
        if not s.is_rep or not s.is_question:
            continue
        if v.matches("leading_question", s.text):
            c.ng("needs_discovery.shallow_question", s.quote())
            return
        if v.matches("generic_pain_question", s.text):
            answer, answer_text = reply_text(v, s)
            if answer and len(answer_text) < _SHORT_ANSWER and not _dug(v, answer[-1]):
                c.ng("needs_discovery.shallow_question", s.quote())
                return


# An answer this short to "any problems?" (特にないかなあ, not really) is where digging starts.
_SHORT_ANSWER = 25


def _dug(v: CallView, answer: Sentence) -> bool:
    """The rep asks an open question in either of their next two turns."""
    follow, _ = reply_text(v, answer)
    if any(f.is_open_question for f in follow):
        return True
    reply, _ = reply_text(v, follow[-1]) if follow else ([], "")
    second, _ = reply_text(v, reply[-1]) if reply else ([], "")
    return any(f.is_open_question for f in second)


def concern_passed_over(c: Collector) -> None:
    """A concern or a worried question the rep's next turn neither asks about nor takes up in its words, and the
    customer presses it again (いや、保守の話…, 止まらんの？, 人の話聞いてる？): the objection was ignored."""
    v = c.view
    worried = _turns_with(v, "concern", "price_objection", "worry_question")
    asked = _turns_with(v, "concern_question", questions=True)
    for turn in sorted(worried + [t for t in asked if t not in worried], key=lambda t: t[0].order):
        text = "".join(t.text for t in turn)
        reply, said = reply_text(v, turn[-1])
        if not reply or any(r.is_question for r in reply) or any(w in said for w in topics(text)):
            continue
        again, again_text = reply_text(v, reply[-1])
        if again and (v.matches("pressed_again", again_text) or v.matches("worry_question", again_text)):
            c.ng("negotiation_closing.objection_ignored", turn[0].quote())
            return
    # However far back the concern was, the customer saying it is still unanswered says it was passed over.
    if unanswered := v.find("still_unanswered", who="customer"):
        c.ng("negotiation_closing.objection_ignored", unanswered[0].quote)


def case_mismatch(c: Collector) -> None:
    """Another customer's case cited, and the customer's next turn sets their own business against it: a different
    size (うちは百二十名ですけど) is a benefit out of scale, a different trade (うちは鋳物やけどね) a case from elsewhere."""
    v = c.view
    for hit in v.find("case_cited", who="rep"):
        reply, text = reply_text(v, hit.sentence)
        if not reply:
            continue
        if v.matches("ours_smaller", text):
            c.ng("proposal.mismatched_scale", next(r for r in reply if v.matches("ours_smaller", r.text)).quote())
        elif v.matches("ours_differs", text):
            c.ng("proposal.irrelevant_case", next(r for r in reply if v.matches("ours_differs", r.text)).quote())
        elif _trade_echoed(v, hit.sentence, reply[0]):
            c.ng("proposal.irrelevant_case", reply[0].quote())


# The customer's few words echoing the case back with doubt (製造業……。 / アパレル、ですか。 / "HVAC, huh." / "A
# warehouse?"): they heard a business unlike theirs. Praise after the echo (参考になります, "nice") takes it back.
_ECHO_END = {
    "ja": re.compile(r"(…|\.\.\.|‥|ですか|ですか?ね|か|ね|ねえ|は、?ちょっと|、?ちょっと)[。…？?]*$"),
    # A bare echo ending in a full stop only as "A bakery chain." (not "Next Tuesday at 3pm works.").
    "en": re.compile(r"(\?|, huh\W*|\.\.\.|…)$|^an? [^.?!]*\.$", re.I),
}
_ECHO_PRAISE = re.compile(
    r"参考|いい|すごい|なるほど|近い|同じ|似て|\b(nice|great|similar|like us|same|cool|good)\b", re.I
)
_ECHO_MAX = {"ja": 14, "en": 5}
# A word of the case (製造業, アパレル; not an amount such as 一割) and, in English, a noun phrase with no one doing
# anything in it ("A bakery chain.", not "You can email it.").
_JA_WORD = re.compile(r"[一-龯ァ-ヺー]{2,}")
_JA_NUMERAL = re.compile(r"^[一二三四五六七八九十百千万億割円倍]+$")
# An echo of a figure, a span or the word "case" itself (二十八人日か, 一か月半ね, 事例ね) doubts no trade.
_JA_NO_TRADE = re.compile(
    r"^[一二三四五六七八九十百千万億]|(月半|人日|時間|日|年|件|台|名|割|倍)$|^(導入)?事例$|^実績$"
)
_EN_WORD = re.compile(r"[A-Za-z]{4,}")
_EN_SUBJECT = re.compile(r"\b(i|you|we|they|it|he|she|that'?s|this|there)\b", re.I)


def _trade_echoed(v: CallView, case: Sentence, answer: Sentence) -> bool:
    """The customer's first sentence after the case is a short echo of a word from the rep's turn, said with doubt,
    and little else (a judgement such as 25時間は大きいですね is no echo)."""
    lang = "en" if v.transcript.language == "en" else "ja"
    said = answer.text.strip()
    end = _ECHO_END[lang].search(said)
    size = len(said.split()) if lang == "en" else len(said)
    if size > _ECHO_MAX[lang] or end is None or _ECHO_PRAISE.search(said):
        return False
    turn = "".join(s.text for s in v.segment_sentences(case.seg))
    if lang == "en":
        return not _EN_SUBJECT.search(said) and any(w.lower() in turn.lower() for w in _EN_WORD.findall(said))
    core = said[: end.start()]
    return any(
        w in turn
        and not _JA_NUMERAL.match(w)
        and not _JA_NO_TRADE.search(w)
        and len(core.replace(w, "").strip("、, ")) <= 2
        for w in _JA_WORD.findall(core)
    )


# A deck this long, said aloud by the rep, is more than the customer can take in (seed 000: 視線が画面ばかりに).
SLIDE_MENTIONS = 5


def slide_overload(c: Collector) -> None:
    """The customer says they cannot read or follow the slides, or the rep walks through slide after slide."""
    v = c.view
    hard = next(iter(v.find("slides_hard", who="customer")), None)
    if hard is not None:
        c.ng("proposal.slide_overload", hard.sentence.quote())
        return
    mentions = v.find("slide_mention", who="rep")
    if len(mentions) >= SLIDE_MENTIONS:
        c.ng("proposal.slide_overload", mentions[SLIDE_MENTIONS - 1].sentence.quote())


def seller_driven(c: Collector, stage_phase: str | None) -> None:
    """On a first call, the rep presses for the signature on the call itself, or by a deadline while doing most of
    the talking: the seller's timetable, not the customer's (seed 000: 一方的に営業側の都合で話を進める). Runs after
    the monologue rule, whose finding it reads."""
    if stage_phase not in (None, "first_contact"):
        return
    v = c.view
    pressed = next(iter(v.find("sign_now", who="rep")), None)
    if pressed is None and any(n.id == "first_contact.one_sided_talk" for n in c.ngs):
        pressed = next(iter(v.find("sign_by", who="rep")), None)
    if pressed is not None:
        c.ng("first_contact.seller_driven", pressed.sentence.quote())


def no_roi(c: Collector) -> None:
    """The customer asks what it would save or bring in figures, and the rep's answer names none (seed 000: ROIを
    提示せず、コスト削減効果が不明確)."""
    v = c.view
    for hit in v.find("roi_question", who="customer", questions=True):
        reply, text = reply_text(v, hit.sentence)
        if reply and not _DIGIT.search(text) and not v.matches("checks_back", text):
            c.ng("proposal.no_roi", hit.sentence.quote())
            return


# Money or deciding is not the trade nor the need (いや、予算って…まだ何も決めてないですよ, 値段の話じゃなくて).
_MONEY_OR_SAY = re.compile(r"予算|金額|費用|値段|価格|料金|決め|budget|decide|price", re.I)


def off_target(c: Collector, stage_phase: str | None) -> None:
    """On a first contact, the customer corrects what the rep assumed their business does (いや、うちは樹木葬はやって
    ないです, "we don't sell retail"): the rep raised a topic off their trade (seed 000 初回接触 NG, 業界や企業に関する
    基本知識が不足し、的外れな話題を振る). When they set the rep right on what they need instead, the talk is
    misaligned."""
    if stage_phase != "first_contact":
        return
    v = c.view
    for hit in v.find("not_our_trade", who="customer"):
        if not _MONEY_OR_SAY.search(hit.sentence.text):
            c.ng("first_contact.off_target_topic", hit.quote)
            break
    # What they need set right (ウェブじゃなくて電話なんですよ, "the driving isn't really the problem"): the rep's talk
    # is off what the customer is after (相手が求める内容とズレた話を続ける).
    for hit in v.find("not_that_but", who="customer"):
        if not _MONEY_OR_SAY.search(hit.sentence.text) and not v.matches("not_our_trade", hit.sentence.text):
            c.ng("first_contact.misaligned_topic", hit.sentence.quote())
            return


def small_talk_stretched(c: Collector, stage_phase: str | None) -> None:
    """The customer has to pull the talk back to business or point at the clock (で、今日はなんだっけ, あと二十分しか,
    "what's this about?") after the rep's opening ran on: small talk stretched until it wasted their time (seed 000
    初回接触 NG, 無理に雑談を広げすぎて、時間を浪費する). Only on a first meeting or a discovery call."""
    if stage_phase not in (None, "first_contact", "needs_discovery"):
        return
    v = c.view
    last = len(v.sentences) * SMALL_TALK_SHARE
    pulled = next(
        (
            h
            for h in v.find("back_to_business", who="customer")
            if h.sentence.order < last
            and len({s.seg for s in v.sentences[: h.sentence.order] if s.is_rep}) >= SMALL_TALK_MIN_REP_TURNS
        ),
        None,
    )
    if pulled is not None:
        c.ng("first_contact.excess_small_talk", pulled.sentence.quote())
    elif (chat := _opening_chat(v)) is not None:
        c.ng("first_contact.excess_small_talk", chat.quote)


# The opening is the call's first third; the rep's turns there about chat topics, two or more, are chat stretched.
SMALL_TALK_OPENING_SHARE = 1 / 3
SMALL_TALK_CHAT_TURNS = 2


def _opening_chat(v: CallView) -> Hit | None:
    """The rep's turns in the opening spent on small-talk topics (天気, 野球, 週末, "the game") that the call never comes
    back to in its second half: chat the rep stretched, whether or not the customer pulls it back."""
    segs = sorted({s.seg for s in v.sentences})
    if not segs:
        return None
    opening_end = segs[int(len(segs) * SMALL_TALK_OPENING_SHARE)]
    opening = [h for h in v.find("small_talk_topic", who="rep") if h.sentence.seg < opening_end]
    if len({h.sentence.seg for h in opening}) < SMALL_TALK_CHAT_TURNS:
        return None
    half = segs[len(segs) // 2]
    later = "".join(s.text for s in v.sentences if s.seg >= half)
    chat = [h for h in opening if h.match.group(0) not in later]
    return chat[0] if len({h.sentence.seg for h in chat}) >= SMALL_TALK_CHAT_TURNS else None


def purpose_asked_late(c: Collector, stage_phase: str | None) -> None:
    """On a first contact, the customer has to ask what the call is for once the talk is under way (で、ご用件は何
    ですやろ, "What are you selling?"): the rep never made the purpose clear (seed 000 初回接触 NG, 商談の目的を明確にせず、
    場当たり的な会話を続ける)."""
    if stage_phase != "first_contact":
        return
    v = c.view
    for hit in v.find("purpose_asked", who="customer"):
        turn = len({s.seg for s in v.sentences[: hit.sentence.order + 1] if not s.is_rep})
        if turn >= PURPOSE_ASK_FROM_CUSTOMER_TURN:
            c.ng("first_contact.no_clear_purpose", hit.sentence.quote())
            return


def next_purpose_vague(c: Collector) -> None:
    """The customer asks what the next meeting is for and the rep's answer names nothing (その時は何を話すの？ —
    その時にまた、いろいろと; "What would that call be?" — "kind of, see where things land"): the next meeting's purpose
    left vague (seed 000 初回接触 NG, 次回の目的が曖昧なまま次の商談へ進む)."""
    v = c.view
    for hit in v.find("next_purpose_asked", who="customer"):
        vague = next((r for r in v.next_turn(hit.sentence, customer=False) if v.matches("vague_agenda", r.text)), None)
        if vague is not None:
            c.ng("first_contact.vague_next_purpose", vague.quote())
            return


def big_case(c: Collector, stage_phase: str | None) -> None:
    """In a proposal, a big company's case held up as the result to expect (大手のハウスメーカーさんでも使って
    いただいて, "one of our biggest customers is a ski resort"): a benefit out of the customer's scale (seed 000 提案 NG,
    顧客の規模感に合わないメリット). It was read as a case from another trade too, but over every labelled call that
    reading was never right (6 false ids, none right) and blind judges found it not shown on each of the 4 they saw
    (大手の仏具メーカーさんの例 to a memorial-tablet works is the customer's own trade). Said as a question it is not held
    up."""
    if stage_phase != "proposal":
        return
    v = c.view
    for hit in v.find("big_case", who="rep"):
        if not hit.sentence.is_question and not v.negated(hit):
            c.ng("proposal.mismatched_scale", hit.quote)
            return


def scale_said_small(c: Collector, stage_phase: str | None) -> None:
    """In a proposal, the customer sets their own small size against it (うちは一コースだけやで, 営業課って私入れて二人
    なんですよ, "we're just one rink"): the proposal was built for another scale (seed 000 提案 NG,
    顧客の規模や状況に合わない提案をする). Before a proposal the same words describe the business."""
    if stage_phase != "proposal":
        return
    if said := c.view.find("small_scale", who="customer"):
        c.ng("proposal.mismatched_scale", said[0].sentence.quote())


def came_back_to(c: Collector, stage_phase: str | None) -> None:
    """The customer comes back to a point of theirs from earlier (さっきの話やけど, "going back to my team"): in a
    closing call, a concern the rep passed over when it was first raised (seed 000 交渉・クロージング NG, 顧客の懸念や
    反論に触れず、答えずに話を先へ進める). In a proposal only the customer saying they said it already counts
    (さっきも言いましたけど): there a return to an earlier topic is as often a question about a detail."""
    marker = {"negotiation_closing": "came_back", "proposal": "said_before"}.get(stage_phase or "")
    if marker and (hits := c.view.find(marker, who="customer")):
        c.ng("negotiation_closing.objection_ignored", hits[0].sentence.quote())
