"""What the rep should do after the call: coaching advice per criterion, deal state (商談/話題/ボツ), next actions and the minutes-style mail (seeds 000, 001, 003)."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date

from scoring import due as due_rules
from scoring import objections
from scoring.markers import CallView
from scoring.rubric import Rubric
from scoring.scorecard import Commitment, EmailDraft, NextAction, Scorecard

MAIL_QUOTE_LIMIT = 80
MAIL_LIST_LIMIT = 5
_OBJECT_RE = re.compile(r"[一-龥々]{2,}|[ァ-ヴー]{2,}|[A-Za-z][A-Za-z-]{3,}")
_DUE_WORDS_RE = re.compile(
    r"本日中|今日中|明日中|今週中|来週中|本日|今日|明日|今週|来週|週明け|月末|today|tomorrow|tonight|this week|next week|"
    r"monday|tuesday|wednesday|thursday|friday",
    re.I,
)
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

ADVICE: dict[str, tuple[str, str]] = {
    "first_contact.self_introduction.name_title_company": (
        "冒頭で会社名・役職・氏名をセットで名乗りましょう。例：「株式会社〇〇の△△と申します。〇〇部でマネージャーをしております。」",
        'Open with your company, role and name: "I\'m Alex from Acme, I lead the mid-market team."',
    ),
    "first_contact.meeting_purpose.purpose_stated": (
        "冒頭で商談の目的を一文で伝えましょう。例：「本日は、○○様の業務での課題を理解し、解決策をご提案できるかどうかを整理する場にしたいと考えています。」",
        "State the purpose of the call in one sentence at the start.",
    ),
    "first_contact.next_meeting.next_step_agreed": (
        "「また連絡します」で終わらせず、その場で次回の目的と日程を提示しましょう。例：「○○日か○○日のどちらかでお時間いただけますか？」",
        "Do not end with \"I'll be in touch\": propose the next meeting's purpose and two concrete dates before hanging up.",
    ),
    "needs_discovery.wrap_up.next_schedule": (
        "ヒアリングの最後に、次回商談の日程と準備する資料をその場で合意しましょう。",
        "Agree the next meeting's date and the material to prepare before the call ends.",
    ),
    "first_contact.rapport.active_listening": (
        "2分を超える一方的な説明を避け、説明の合間に質問を挟んで顧客に話してもらいましょう（目安：営業の発話比率50%以下）。",
        "Avoid talking for more than two minutes at a stretch; ask between points (aim for under 50% talk time).",
    ),
    "needs_discovery.open_questions.deep_questions": (
        "「なぜ」「どのように」で始まる質問で深掘りしましょう。例：「現在の業務で、最も負担を感じているのはどの部分ですか？」",
        'Dig deeper with why/how questions: "What part of the current process costs your team the most time?"',
    ),
    "needs_discovery.open_questions.summary_check": (
        "伺った内容を要約して確認しましょう。例：「つまり○○ということですね。この理解で相違ないでしょうか？」",
        'Summarise what you heard and check it: "So if I understand correctly, ... Is that right?"',
    ),
    "needs_discovery.bant.natural_flow": (
        "予算はいきなり聞かず、課題とニーズを伺った後に自然な流れで確認しましょう。",
        "Ask about budget only after the customer has described the problem and its cost.",
    ),
    "needs_discovery.bant.budget": (
        "課題を伺った後で予算感を確認しましょう。例：「この課題を解決するためのご予算はどの程度をお考えですか？」",
        'Once the need is clear, ask: "What budget have you set aside to solve this?"',
    ),
    "needs_discovery.bant.authority": (
        "決裁者と承認の流れを確認しましょう。例：「このプロジェクトの最終決裁者はどなたになりますか？」",
        "Ask who makes the final decision and how approval works.",
    ),
    "needs_discovery.bant.need": (
        "具体的な課題とその影響を顧客の言葉で語ってもらいましょう。例：「どのような機能・サポートがあれば、一番助かりますか？」",
        "Get the customer to describe the problem and its impact in their own words.",
    ),
    "needs_discovery.bant.timeline": (
        "導入時期を確認しましょう。例：「導入するとしたら、いつ頃からの運用を考えていますか？」",
        "Ask when they want the solution live and what drives that date.",
    ),
    "needs_discovery.competition.current_tools": (
        "現在の運用や他社製品の利用・検討状況を確認しましょう。例：「現在、○○の課題に対してどのようなシステム・ツールを使用されていますか？」",
        "Ask what they use today and which alternatives they have looked at.",
    ),
    "proposal.evidence.quantified": (
        "「便利になります」ではなく、「作業時間が30%削減」のように効果を数値で示しましょう。",
        'Quantify the benefit ("cuts reporting time by 30%") instead of "makes things easier".',
    ),
    "proposal.benefits.quantitative": (
        "導入メリットを定量的に示しましょう。例：「月20時間かかっていた作業が5時間に短縮されます」",
        "Show the benefit in numbers: hours, cost or error rate before and after.",
    ),
    "proposal.benefits.roi_clear": (
        "費用に対する効果（ROI）を示しましょう。例：「年間500万円の業務コストが350万円まで削減できます」",
        "Show the return on investment: cost today versus cost with the product.",
    ),
    "negotiation_closing.value_not_discount.added_value": (
        "値引きを先に出さず、トレーニングや段階導入など追加価値で提案しましょう。",
        "Offer added value (training, phased rollout) before any discount.",
    ),
    "negotiation_closing.concerns.identified": (
        "懸念点を引き出しましょう。例：「今回のご提案に関して、ご懸念や不安な点はございますか？」",
        'Ask for concerns: "What would stop you from moving forward?"',
    ),
    "negotiation_closing.decision_maker.authority_confirmed": (
        "決裁者を確認しましょう。例：「最終的にどなたが承認を出されるのでしょうか？」",
        "Confirm who signs off and get time with them.",
    ),
}


def advice(rubric: Rubric, check_id: str, score: int, language: str) -> str:
    """Coaching for a criterion that fell short (empty when it scored 2): a tailored tip, else the rubric's own example."""
    if score >= 2:
        return ""
    english = language.startswith("en")
    if check_id in ADVICE:
        return ADVICE[check_id][1 if english else 0]
    check, item = rubric.check(check_id), rubric.item_of(check_id)
    if check is None or item is None:
        return ""
    # The seed's example phrasing, not the criterion read back to the rep (issue 13).
    phase = next((p for p in rubric.phases if item in p.items), None)
    examples = item.examples or (phase.examples if phase else ())
    if examples:
        return (
            f"Try saying it like this: {examples[0]}" if english else f"次回はこう伝えてみましょう。例：{examples[0]}"
        )
    return f"Next time, work on: {item.label}." if english else f"次回は「{item.label}」に取り組みましょう。"


def deal_state(view: CallView, *, timeline_known: bool = False) -> str | None:
    """Seed 003: botsu when the customer declined; shodan when plan, price and timing all came up; wadai for two of three.

    `timeline_known`: the customer answered a timing question (BANT timeline), which is timing discussed in any words.
    """
    for hit in view.find("decline", who="customer"):
        if not view.matches("past", hit.sentence.text):
            return "botsu"
    present = (
        _discussed(view, "price")
        + (timeline_known or _discussed(view, "timing"))
        + (_discussed(view, "plan") or _solution_offered(view))
    )
    return "shodan" if present == 3 else "wadai" if present == 2 else None


def commitments(view: CallView, call_date: date | None) -> list[Commitment]:
    """Small promises (seed 001) by each side with their due hints; offers of terms and vague 「また連絡します」 are not promises."""
    found: list[tuple[tuple[int, int], int, str, Commitment]] = []
    for marker, owner in (("rep_commitment", "rep"), ("customer_commitment", "customer")):
        for hit in view.find(marker, who=owner):
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
                is_vague = bool(vague and not due and vague.start() < at + len(verb.group(0)) and at < vague.end())
                if (
                    is_vague
                    or view.matches("free_offer", text)
                    or view.matches("discount", text)
                    or view.matches("policy", text)
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
    found.sort(key=lambda t: t[0])
    return _distinct([(order, seg, verb, cm) for (order, _), seg, verb, cm in found])


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
        w.lower() for w in _OBJECT_RE.findall(_DUE_WORDS_RE.sub(" ", text)) if w.lower() not in _OBJECT_STOP
    )


def _grams(text: str) -> frozenset[str]:
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


def _discussed(view: CallView, marker: str) -> bool:
    """Said as a statement, not only asked (料金はどのくらいですか) or put off to next time (次回…お見積りをお持ちします); a vague timing is no timing."""
    for h in view.find(marker):
        s = h.sentence
        if view.matches("next_time", s.text) or (marker != "plan" and s.is_question):
            continue
        if marker == "timing" and view.matches("deflection", s.text):
            continue
        if objections.disputed(view, s):
            continue
        return True
    return False


def _solution_offered(view: CallView) -> bool:
    """The rep offered the product as the answer to a need the customer had stated: a plan is on the table even unnamed."""
    need = min((h.sentence.order for h in view.find("need", who="customer") if not view.negated(h)), default=None)
    return need is not None and any(h.sentence.order > need for h in view.find("solution", who="rep"))


def _texts(ja: bool) -> dict[str, str]:
    if ja:
        return {
            "mail_title": "議事録を兼ねたお礼メールを送る",
            "mail_why": "商談後3時間以内に、合意事項・課題・次回までの宿題を明記したお礼メールを送ると、認識のズレを防ぎ主導権を握れます。",
            "promise_title": "約束の履行：{text}",
            "promise_why": "小さな約束の即時履行が信頼の源泉になります。",
            "meeting_title": "次回の商談日程を確定する",
            "meeting_why": "次回の日程が合意されていません。目的・準備・参加者・日程の4点を提示して合意を取りましょう。",
            "bant_title": "{label}を確認する",
            "bant_why": "BANTのうち{label}が商談で確認できていません。次回の接点で自然な流れで伺いましょう。",
            "roi_title": "定量的な効果（ROI）試算を用意する",
            "roi_why": "導入効果が数値で示されていません。作業時間やコストの削減見込みを数字で用意しましょう。",
            "lost_title": "失注理由を伺い、関係を維持する",
            "lost_why": "お断りの理由を謙虚に伺い、今後も役立つ情報提供を続けることで次の機会につなげます。",
        }
    return {
        "mail_title": "Send the thank-you mail with minutes",
        "mail_why": "A thank-you mail within 3 hours listing agreements, issues and homework prevents misunderstandings and keeps the initiative.",
        "promise_title": "Keep the promise: “{text}”",
        "promise_why": "Small promises kept at once are where trust comes from.",
        "meeting_title": "Book the next meeting",
        "meeting_why": "No next meeting was agreed. Propose its purpose, preparation, attendees and two concrete dates.",
        "bant_title": "Confirm {label}",
        "bant_why": "{label} was not established in the call; ask at the next touchpoint, after the need is clear.",
        "roi_title": "Prepare a quantified ROI estimate",
        "roi_why": "The benefit was not quantified; prepare time and cost savings in numbers.",
        "lost_title": "Ask why the deal was lost and stay in touch",
        "lost_why": "Ask humbly for the reason and keep sharing useful information to stay in the running next time.",
    }


_BANT_LABELS = {
    "budget": ("予算", "budget"),
    "authority": ("決裁者", "the decision maker"),
    "need": ("課題・ニーズ", "the need"),
    "timeline": ("導入時期", "the timeline"),
}


ACTION_IDS = (
    "send_minutes_email",
    "schedule_next_meeting",
    "confirm_budget",
    "confirm_authority",
    "confirm_need",
    "confirm_timeline",
    "prepare_roi_estimate",
    "lost_deal_follow_up",
)
# Next actions that are obligations of the deal, not of one call: a later call updates the open task, or closes it
# once the call has done what it asked; only the minutes mail and the rep's promises belong to one call.
DEAL_OBLIGATIONS = frozenset(ACTION_IDS) - {"send_minutes_email"}
MAX_PROMISE_ACTIONS = 10
# Words that say which offline follow-up a differently named action is (a lax OpenAI-compatible server ignores enums).
_ACTION_HINTS = (
    ("lost_deal_follow_up", re.compile(r"\blost\b|失注|お断り|declin", re.I)),
    ("prepare_roi_estimate", re.compile(r"\broi\b|投資対効果|費用対効果|試算|business case|quantif", re.I)),
    ("confirm_budget", re.compile(r"budget|予算", re.I)),
    ("confirm_authority", re.compile(r"authority|decision.?maker|決裁|意思決定|決定権", re.I)),
    ("confirm_timeline", re.compile(r"timeline|go.?live|導入時期", re.I)),
    ("confirm_need", re.compile(r"\bneeds?\b|pain|課題|ニーズ", re.I)),
    ("schedule_next_meeting", re.compile(r"meeting|schedule|appointment|日程|アポ|打ち合わせ|面談", re.I)),
    ("send_minutes_email", re.compile(r"minutes|recap|thank|議事録|お礼|御礼", re.I)),
)


def action_vocabulary() -> tuple[str, ...]:
    """Every next-action id a scorecard may carry (CRM task keys are built from them): the offline gaps, then one per rep promise."""
    return ACTION_IDS + tuple(f"commitment_{n}" for n in range(1, MAX_PROMISE_ACTIONS + 1))


def closest_action_id(title: str, promises: list[str]) -> str | None:
    """The offline id an unlabelled action most likely is: the rep promise it names (by shared words), else the gap its words name."""
    words = _grams(title)
    overlaps = [len(words & _grams(text)) for text in promises]
    if overlaps and max(overlaps) > 0:
        return f"commitment_{overlaps.index(max(overlaps)) + 1}"
    return next((action_id for action_id, hint in _ACTION_HINTS if hint.search(title)), None)


_ACTION_TEXTS = {
    "send_minutes_email": "mail",
    "schedule_next_meeting": "meeting",
    "prepare_roi_estimate": "roi",
    "lost_deal_follow_up": "lost",
}
_PROMISE_PREFIXES = ("約束の履行：", "Keep the promise: ")
_JA_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def localize_action(action_id: str, title: str, why: str, lang: str) -> tuple[str, str]:
    """A next action's title and reason in the reader's language when they are in the other one (a Japanese call, an English tenant).

    Only the offline actions' stable ids can be translated; anything else is returned as written.
    """
    ja = not lang.startswith("en")
    promise = next((title[len(p) :].strip("“”") for p in _PROMISE_PREFIXES if title.startswith(p)), None)
    written_ja = title.startswith(_PROMISE_PREFIXES[0]) if promise is not None else bool(_JA_RE.search(title))
    if written_ja == ja:
        return title, why
    t = _texts(ja)
    if action_id.startswith("commitment_") and promise is not None:
        return t["promise_title"].format(text=promise), t["promise_why"]
    if action_id in _ACTION_TEXTS:
        key = _ACTION_TEXTS[action_id]
        return t[f"{key}_title"], t[f"{key}_why"]
    if action_id.startswith("confirm_") and action_id[len("confirm_") :] in _BANT_LABELS:
        label = _BANT_LABELS[action_id[len("confirm_") :]][0 if ja else 1]
        return t["bant_title"].format(label=label), t["bant_why"].format(label=label)
    return title, why


def next_actions(card: Scorecard, call_date: date | None = None) -> tuple[NextAction, ...]:
    """Follow-ups derived from the call's gaps, each with a stable id so CRM tasks are upserted, not duplicated."""
    ja = not card.language.startswith("en")
    t = _texts(ja)
    actions = [NextAction("send_minutes_email", t["mail_title"], t["mail_why"], 3)]
    rep_promises = [cm for cm in card.commitments if cm.owner == "rep"]
    for n, cm in enumerate(rep_promises, start=1):
        actions.append(
            NextAction(
                f"commitment_{n}",
                t["promise_title"].format(text=cm.text[:60]),
                t["promise_why"],
                due_rules.due_in_hours(cm.due_hint, cm.due, call_date),
            )
        )
    if card.deal_state == "botsu":
        actions.append(NextAction("lost_deal_follow_up", t["lost_title"], t["lost_why"], 24))
        return tuple(actions)
    if not card.next_step.set:
        actions.append(NextAction("schedule_next_meeting", t["meeting_title"], t["meeting_why"], 24))
    discovery = card.phase("needs_discovery")
    if discovery is not None and discovery.score is not None:
        for key, item in card.bant.items():
            if not item.found:
                label = _BANT_LABELS[key][0 if ja else 1]
                actions.append(
                    NextAction(
                        f"confirm_{key}", t["bant_title"].format(label=label), t["bant_why"].format(label=label), 72
                    )
                )
    quantified = card.criterion("proposal.evidence.quantified")
    if quantified is not None and quantified.score == 0:
        actions.append(NextAction("prepare_roi_estimate", t["roi_title"], t["roi_why"], 72))
    return tuple(actions)


def _clip(text: str) -> str:
    return text if len(text) <= MAIL_QUOTE_LIMIT else text[: MAIL_QUOTE_LIMIT - 1] + "…"


def email_draft(card: Scorecard, view: CallView) -> EmailDraft:
    """The minutes-style thank-you mail of seed 001: thanks, agreements, concerns, homework, and the recognition check."""
    ja = not card.language.startswith("en")
    talk = Counter(s.speaker for s in view.transcript.segments if s.speaker != card.rep_speaker.name)
    customer = talk.most_common(1)[0][0] if talk else ""
    concerns = [_clip(h.quote) for h in view.find("concern", who="customer")][:MAIL_LIST_LIMIT]
    need = card.bant["need"].evidence
    rep_tasks = [cm for cm in card.commitments if cm.owner == "rep"][:MAIL_LIST_LIMIT]
    customer_tasks = [cm for cm in card.commitments if cm.owner == "customer"][:MAIL_LIST_LIMIT]
    if ja:
        agreed = (
            [f"　- 次回のお打ち合わせ：{card.next_step.when}"] if card.next_step.set else ["　- （記入してください）"]
        )
        lines = [
            f"{customer}様" if customer and customer != "unknown" else "ご担当者様",
            "",
            "本日はお忙しい中お時間をいただき、誠にありがとうございました。",
            "本日のお打ち合わせ内容を、議事録を兼ねて以下にまとめました。",
            "",
            "・合意事項：",
            *agreed,
            "・確認した課題：",
            f"　- 「{_clip(need)}」" if need else "　- （記入してください）",
            "・ご懸念点：",
            *([f"　- 「{q}」" for q in concerns] or ["　- 特になし"]),
            "・次回までの宿題：",
            *[f"　- 弊社：{_clip(cm.text)}" + (f"（{cm.due_hint}）" if cm.due_hint else "") for cm in rep_tasks],
            *[f"　- 貴社：{_clip(cm.text)}" for cm in customer_tasks],
            *([] if rep_tasks or customer_tasks else ["　- （記入してください）"]),
            "",
            "本日伺った課題に対し、次回具体的な解決策をご提案する、という理解で相違ないでしょうか。",
            "認識に相違がございましたらご指摘ください。",
            "",
            "引き続きどうぞよろしくお願いいたします。",
            "",
            card.rep_speaker.name,
        ]
        return EmailDraft(subject="【議事録】本日のお打ち合わせの御礼／次回アクションのご確認", body="\n".join(lines))
    agreed = [f"  - Next meeting: {card.next_step.when}"] if card.next_step.set else ["  - (fill in)"]
    lines = [
        f"Hi {customer}," if customer and customer != "unknown" else "Hello,",
        "",
        "Thank you for your time today. Here is a short summary of our conversation.",
        "",
        "Agreed:",
        *agreed,
        "Challenge we discussed:",
        f'  - "{_clip(need)}"' if need else "  - (fill in)",
        "Concerns:",
        *([f'  - "{q}"' for q in concerns] or ["  - none raised"]),
        "Next steps:",
        *[f"  - Us: {_clip(cm.text)}" for cm in rep_tasks],
        *[f"  - You: {_clip(cm.text)}" for cm in customer_tasks],
        *([] if rep_tasks or customer_tasks else ["  - (fill in)"]),
        "",
        "Please let me know if anything above differs from your understanding.",
        "",
        "Best regards,",
        card.rep_speaker.name,
    ]
    return EmailDraft(subject="Thank you for today - summary and next steps", body="\n".join(lines))


def with_follow_up(card: Scorecard, view: CallView, call_date: date | None = None) -> Scorecard:
    """The scorecard completed with its next actions and email draft."""
    return dataclasses.replace(card, next_actions=next_actions(card, call_date), email_draft=email_draft(card, view))
