"""What the rep should do after the call: coaching advice per criterion, deal state (商談/話題/ボツ), next actions and the minutes-style mail (seeds 000, 001, 003)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

from scoring.actions import DEAL_OBLIGATIONS as DEAL_OBLIGATIONS
from scoring.actions import next_actions
from scoring.markers import CallView
from scoring.rubric import Rubric
from scoring.scorecard import EmailDraft, Scorecard

MAIL_QUOTE_LIMIT = 80
MAIL_LIST_LIMIT = 5

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
