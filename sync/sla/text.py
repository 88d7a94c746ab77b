"""The words around SLA tasks that are not rule templates: the `why` line, evidence phrases, dates, the email draft.

Japanese is the reference locale and English the second, as for scorecards. The `why` always names the rule,
its trigger and the evidence, so a rep (or an auditor) can see from the task alone why it exists.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sync.sla.business_calendar import BusinessCalendar
from sync.sla.rules import Due, SlaRule, Text

PHRASES: dict[str, tuple[str, str]] = {
    "why": (
        "ルール {rule}（シード {seed}）｜きっかけ: {trigger}｜根拠: {evidence}｜期限: {due_rule}",
        "Rule {rule} (seed {seed}) | trigger: {trigger} | evidence: {evidence} | due: {due_rule}",
    ),
    "trigger.meeting": ("{kind} {at}（終了 {end}）", "{kind} at {at} (ended {end})"),
    "trigger.commitment": ("{kind} {at} での営業側の約束「{text}」", 'rep commitment "{text}" in {kind} at {at}'),
    "trigger.inactive": (
        "ステージ順 {order}（{stage}）の未完了商談で、最終活動 {last} から{days}日以上経過",
        "open deal at stage order {order} ({stage}), no activity since {last} ({days}+ days)",
    ),
    "trigger.stuck": (
        "{entered} に {stage} へ移行し、目安の{limit}日を超えて滞留",
        "in {stage} since {entered}, past the {limit}-day guide",
    ),
    "trigger.stage": ("{at} にステージ {stage} へ移行", "entered stage {stage} at {at}"),
    "trigger.won": ("{at} に成約", "closed won at {at}"),
    "trigger.lost": ("{at} に失注", "closed lost at {at}"),
    "trigger.ghost": (
        "{since}以降、フォローメール{n}通（{first}〜{last}）に{days}日以上返信なし",
        "{n} follow-up emails ({first} to {last}) {since}, no reply for {days}+ days",
    ),
    "since.contact": ("最後の顧客接点 {at} ", "after the last customer contact on {at},"),
    "since.none": ("顧客からの接点がないまま", "with no customer contact yet,"),
    "ev.no_email": ("{since} 以降のメール記録なし", "no email logged since {since}"),
    "ev.no_keyword_email": (
        "{since} 以降、{label}を送付したメール記録なし",
        "no email sending the {label} logged since {since}",
    ),
    "ev.logged": ("{type}「{subject}」{at} を記録済み", '{type} "{subject}" logged at {at}'),
    "ev.pending": ("{show} に表示予定", "shows up on {show}"),
    "ev.due_passed": (
        "{due} の期限から{days}日以上経過したため作成しません",
        "more than {days} days past its due time {due}: not created",
    ),
    "ev.none_yet": ("対応の記録なし", "nothing logged yet"),
    "ev.renewal": ("競合（{competitor}）の更新日は {date}", "the competitor ({competitor}) renews on {date}"),
    "due.renewal": (
        "更新日の{lead}日前（早くとも失注フォローの期限）",
        "{lead} days before the renewal (not before the feedback task)",
    ),
    "ev.no_renewal": ("競合の更新日は不明", "competitor renewal date not known"),
    "ev.bant_missing": ("最新のスコアカードで未確認: {missing}", "not evidenced in the latest scorecard: {missing}"),
    "ev.bant_ok": ("最新のスコアカードでBANTをすべて確認済み", "all of BANT evidenced in the latest scorecard"),
    "ev.bant_unknown": ("スコア済みの商談記録がないため判定できません", "no scored call yet: cannot judge"),
    "ev.stuck_held": ("停滞アラートが優先されるため保留", "held back while the inactivity alert is due"),
    "ev.no_manager": ("上長が未設定", "no manager on the deal"),
    "ev.replied": ("顧客の接点（{type}）{at} を記録済み", "customer contact ({type}) logged at {at}"),
    "cancel.state": (
        "商談の状態が変わったため不要になりました（現在: {stage}{closed}）",
        "no longer applies: the deal changed (now {stage}{closed})",
    ),
    "cancel.superseded": ("新しい状況に置き換えられました", "superseded by the deal's current situation"),
    "trigger.task": ("既存タスク {key}", "open task {key}"),
    "closed.won": ("、成約", ", closed won"),
    "closed.lost": ("、失注", ", closed lost"),
    "unknown": ("不明", "not known"),
    "summary.subject": (
        "【DealCoach】{deal_name}: ほかに{count}件のフォローアップ（最初の期限 {due}）",
        "[DealCoach] {deal_name}: {count} more follow-ups (first due {due})",
    ),
    "summary.line": ("・{subject}（期限 {due}）", "- {subject} (due {due})"),
    "summary.why": (
        "ノイズ上限: 1商談あたり未完了タスク{budget}件まで。超過分をまとめました: {keys}",
        "noise budget: at most {budget} open tasks per deal; merged: {keys}",
    ),
    "summary.intro": (
        "タスクが多くなりすぎないよう、次のフォローアップをまとめています。枠が空くと個別タスクになります。",
        "To keep the task list short, these follow-ups are grouped here; each becomes its own task when a slot frees up.",
    ),
    "draft.scorecard": (
        "下書き（スコアカードより）:\n件名: {subject}\n\n{body}",
        "Draft (from the scorecard):\nSubject: {subject}\n\n{body}",
    ),
    "draft.template": (
        "テンプレート:\n件名：【議事録】本日の{deal_name}の件／次回アクションのご確認\n本文：\n本日はお時間をいただきありがとうございました。\n"
        "・合意事項：\n・ご懸念点：\n・次回までの宿題：",
        "Template:\nSubject: [Minutes] Today's meeting on {deal_name} / next steps\nBody:\nThank you for your time today.\n"
        "- Agreed:\n- Concerns:\n- Homework before next time:",
    ),
}
DUE_WORDS: dict[str, tuple[str, str]] = {
    "hours": ("{n}時間後", "{n} hours after"),
    "business_hours": ("{n}営業時間後", "{n} business hours after"),
    "days": ("{n}日後の終業時", "close of business {n} days after"),
    "business_days": ("{n}営業日後", "{n} business days after"),
    "months": ("{n}ヶ月後の終業時", "close of business {n} months after"),
    "day": ("Day {n}（起点日=Day 1）の終業時", "close of business on day {n} (day 1 = the start)"),
}
ACTIVITY_WORDS: dict[str, tuple[str, str]] = {
    "email": ("メール", "email"),
    "meeting": ("会議", "meeting"),
    "call": ("電話", "call"),
    "note": ("メモ", "note"),
    "task_completed": ("完了タスク", "completed task"),
}


def is_en(lang: str) -> bool:
    """English for any en* tag; everything else gets the Japanese reference."""
    return lang.lower().startswith("en")


def phrase(name: str, lang: str, /, **fields: Any) -> str:
    """A fixed phrase in `lang`, filled with `fields`."""
    ja, en = PHRASES[name]
    return (en if is_en(lang) else ja).format(**fields)


def activity_word(kind: str, lang: str) -> str:
    """An activity type in words."""
    ja, en = ACTIVITY_WORDS.get(kind, (kind, kind))
    return en if is_en(lang) else ja


def fmt_dt(dt: datetime | None, cal: BusinessCalendar) -> str:
    """A moment as the rep reads it: calendar-local `YYYY-MM-DD HH:MM`."""
    return cal.localize(dt).strftime("%Y-%m-%d %H:%M") if dt is not None else "-"


def describe_due(due: Due, lang: str) -> str:
    """A due rule in words, for the `why` line."""
    ja, en = DUE_WORDS[due.kind]
    n = int(due.amount) if float(due.amount).is_integer() else due.amount
    if n == 1:
        en = en.replace("hours", "hour").replace("days", "day").replace("months", "month")
    return (en if is_en(lang) else ja).format(n=n)


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: Text, lang: str, fields: Mapping[str, Any]) -> str:
    """Fill a rule template; placeholders were checked on load, so a missing value renders empty, never raises."""
    return string.Formatter().vformat(template.get(lang), (), _Fields(fields)).strip()


def why(rule: SlaRule, lang: str, *, trigger: str, evidence: str, due_rule: str) -> str:
    """The `why` written into the task: rule (with its seed), trigger and evidence."""
    return phrase("why", lang, rule=rule.id, seed=rule.seed, trigger=trigger, evidence=evidence, due_rule=due_rule)


def email_draft_block(draft: Mapping[str, Any] | None, lang: str, deal_name: str) -> str:
    """The thank-you email draft from the scorecard, or the minutes template of seed 001 when none was drafted."""
    if draft and (draft.get("subject") or draft.get("body")):
        return phrase(
            "draft.scorecard", lang, subject=str(draft.get("subject") or ""), body=str(draft.get("body") or "")
        )
    return phrase("draft.template", lang, deal_name=deal_name)
