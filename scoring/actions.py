"""Next actions a call leaves (stable ids, so CRM tasks are upserted, not duplicated), in the reader's language."""

from __future__ import annotations

import re
from datetime import date

from scoring import due as due_rules
from scoring.commitments import grams
from scoring.scorecard import NextAction, Scorecard


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
    words = grams(title)
    overlaps = [len(words & grams(text)) for text in promises]
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
