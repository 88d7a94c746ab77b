"""CRM-facing text: the note is escaped simple HTML under the size cap; tasks tick only evidenced checks."""

from __future__ import annotations

import dataclasses
import re

import pytest

from scoring.offline import score_transcript
from scoring.render import (
    NOTE_LIMIT,
    render_next_action_task,
    render_note_html,
    render_stage_task,
)
from scoring.scorecard import (
    Commitment,
    Criterion,
    EmailDraft,
    Evidence,
    NgObservation,
    PhaseScore,
)
from scoring.transcript import Segment, Transcript

ALLOWED_TAGS = {"p", "b", "ul", "li", "br", "table", "tr", "td"}


def _tags(html: str) -> set[str]:
    return {m.group(1).lower() for m in re.finditer(r"</?([a-zA-Z][a-zA-Z0-9]*)", html)}


def test_japanese_note_has_every_section(good_card, rubric):
    html = render_note_html(good_card, rubric=rubric, deal_name="東和精機 経費精算", call_title="初回商談 3/5")
    assert _tags(html) <= ALLOWED_TAGS
    for part in ("総合スコア：100 / 100" if good_card.overall == 100 else f"総合スコア：{good_card.overall} / 100",
                 "リサーチ・事前準備", "<td>未評価</td>", "良かった点", "改善点", "「株式会社ミライクラウドの山田と申します。」（00:00）",
                 "予算：✔ 確認済み 「年間で200万円程度を想定しています。」", "次のステップ", "来週の火曜日、3月12日の14時から",
                 "約束事項", "営業：本日中に、A社様の導入事例の資料をお送りします。（期限：本日中）", "NG行動", "商談（プラン・価格・時期が揃っている）",
                 "ネクストアクション", "議事録を兼ねたお礼メールを送る（3時間以内）", "お礼メール下書き", "【議事録】", "認識に相違がございましたらご指摘ください",
                 "東和精機 経費精算", "初回商談 3/5", "評価対象の営業：山田（話者の役割、確信度 100%）"):
        assert part in html, part
    assert html.count("<tr>") == 7


def test_weak_note_lists_ng_behaviours_and_advice(weak_card, rubric):
    html = render_note_html(weak_card, rubric=rubric)
    assert "予定を設定せず、「また連絡します」で終わる<br>「ではまた連絡します。」" in html
    assert "アドバイス：「また連絡します」で終わらせず" in html
    assert "話題（プラン・価格・時期のうち2つ）" in html
    assert "※タイムスタンプがないため文字数から推定" in html
    assert "予算：✘ 未確認" in html


def test_english_note_uses_english_labels(good_card, rubric):
    html = render_note_html(good_card, rubric=rubric, lang="en")
    assert "Overall score: " in html and "Needs Analysis &amp; Discovery" in html and "What to improve" in html
    assert "<td>not assessed</td>" in html and "Budget: ✔ found “年間で200万円程度を想定しています。”" in html
    assert "総合スコア" not in html and "未評価" not in html


def test_transcript_text_is_escaped(rubric):
    call = Transcript(segments=(
        Segment("営業", "株式会社ミライの山田と申します。本日はご予算&体制についてお伺いしたいです。", role="rep"),
        Segment("顧客", "<img src=x onerror=alert(1)>予算は100万円です。", role="customer"),
        Segment("営業", "資料を<script>alert(1)</script>明日お送りします。", role="rep"),
    ))
    card = score_transcript(call, rubric=rubric)
    html = render_note_html(card, rubric=rubric, deal_name="<i>deal</i>", call_title="a & b")
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "a &amp; b" in html
    assert _tags(html) <= ALLOWED_TAGS


def test_note_stays_under_the_limit_for_huge_scorecards(good_card, rubric):
    huge = "長い引用&<>" * 5000
    phases = tuple(PhaseScore(p.id, 0, tuple(Criterion(c.id, 0, tuple(Evidence(huge, 1.0) for _ in range(20)), huge) for c in p.checks))
                   for p in rubric.phases)
    card = dataclasses.replace(
        good_card, phases=phases,
        commitments=tuple(Commitment("rep", huge, None, huge, "明日") for _ in range(500)),
        ng_behaviors=tuple(NgObservation("first_contact.vague_follow_up", huge) for _ in range(300)),
        email_draft=EmailDraft(huge, huge * 10),
    )
    html = render_note_html(card, rubric=rubric, deal_name=huge, call_title=huge)
    assert len(html) < NOTE_LIMIT
    assert _tags(html) <= ALLOWED_TAGS
    assert "ほか480件" in html or "ほか490件" in html or "ほか495件" in html
    assert html.count("<ul>") == html.count("</ul>")


def test_stage_task_ticks_only_evidenced_key_checks(good_card, weak_card, rubric):
    subject, body = render_stage_task("needs_discovery", rubric=rubric, scorecard=good_card, stage_label="購入見込みあり")
    assert subject == "【DealCoach】ステージ「購入見込みあり」：ニーズヒアリングのチェックリスト"
    key_texts = [c.text for c in rubric.phase("needs_discovery").key_checks]
    assert all(f"☑ {t}" in body for t in key_texts)
    assert "・顧客が抱える課題やニーズを詳細に把握し、適切な提案を行うための情報を収集する。" in body
    _, weak_body = render_stage_task("needs_discovery", rubric=rubric, scorecard=weak_card)
    ticked = [line for line in weak_body.splitlines() if line.startswith("☑")]
    assert ticked == ["☑ 顧客がすでに競合製品を使用しているかを確認できているか"]
    assert weak_body.count("☐") == len(key_texts) - 1
    _, empty_body = render_stage_task("proposal", rubric=rubric, scorecard=None)
    assert not [line for line in empty_body.splitlines() if line.startswith("☑")]
    assert empty_body.count("☐") == len(rubric.phase("proposal").key_checks)
    assert "まだこの商談のスコアカードはありません。" in empty_body
    with pytest.raises(KeyError):
        render_stage_task("closing", rubric=rubric, scorecard=None)


def test_stage_task_in_english(good_card, rubric):
    subject, body = render_stage_task("first_contact", rubric=rubric, scorecard=good_card, lang="en", stage_label="Appointment scheduled")
    assert subject == '[DealCoach] Stage "Appointment scheduled": First Contact & Relationship Building checklist'
    assert "Key checks (☑ = evidence found" in body and "Latest scorecard: overall" in body


def test_next_action_task_says_why(weak_card):
    action = next(a for a in weak_card.to_dict()["next_actions"] if a["id"] == "schedule_next_meeting")
    subject, body = render_next_action_task(action)
    assert subject == "【DealCoach】次回の商談日程を確定する"
    assert body.splitlines()[0] == "次回の商談日程を確定する"
    assert "理由：次回の日程が合意されていません。" in body and "目安：商談後24時間以内" in body
    en_subject, en_body = render_next_action_task({"id": "x", "title": "Book the next meeting", "why": "No date.", "due_in_hours": 24}, lang="en")
    assert en_subject == "[DealCoach] Book the next meeting" and "Why: No date." in en_body and "within 24 hours" in en_body
    long_subject, _ = render_next_action_task({"title": "あ" * 1000})
    assert len(long_subject) <= 250


def test_a_phase_score_shows_what_its_ng_behaviours_took_off(weak_card, rubric):
    phase = weak_card.phase("first_contact")
    shown = [n.id for n in weak_card.ng_behaviors if n.id.startswith("first_contact.")]
    assert shown and phase.ng_deduction == min(10 * len(shown), phase.score + phase.ng_deduction)
    assert f"<td>{phase.score}（NG行動で −{phase.ng_deduction}）</td>" in render_note_html(weak_card, rubric=rubric)
    english = render_note_html(weak_card, rubric=rubric, lang="en")
    assert f"<td>{phase.score} (−{phase.ng_deduction} for NG behaviours)</td>" in english
    assert weak_card.to_dict()["phases"][1]["ng_deduction"] == phase.ng_deduction


def test_the_note_says_which_scorer_made_it_and_why_the_rules_stood_in(good_card, rubric):
    """A reader weighs a rules-only card differently (it finds about half the NG behaviours): the note says so, and a
    card that fell back from the AI names the reason."""
    rules = render_note_html(good_card, rubric=rubric)
    assert "採点方式：ルールのみ（AI未使用。NG行動は見落とすことがあり、商談状態は目安です）" in rules
    by_ai = dataclasses.replace(good_card, scorer="llm", extra={"llm": {"model": "gpt-4o-mini", "chunks": 1}})
    html = render_note_html(by_ai, rubric=rubric, lang="en")
    assert "Scored by: AI (gpt-4o-mini)" in html and "rules only" not in html
    fell_back = dataclasses.replace(
        good_card, extra={"llm": {"model": "gpt-4o-mini"}, "fallback_reason": "rate_limited"}
    )
    assert "採点方式：ルールのみ（AIの回答が使えなかったため：rate_limited。" in render_note_html(fell_back, rubric=rubric)
    assert "the AI answer could not be used: rate_limited;" in render_note_html(fell_back, rubric=rubric, lang="en")


def test_an_ng_id_the_learned_model_added_is_shown_as_inferred_with_its_line_as_related(rubric):
    """The rules' NG ids quote the words that show them; the learned model's quote only leans that way, and the note
    says so (docs/scoring.md: a blind judge found half its lines showing the behaviour). blind3's monologue to a tax
    office: the model adds a proposal with no figure of return."""
    from tests.scoring.learned_models import labelled_call

    card = score_transcript(labelled_call("blind3", "d04_twochannel_tax_office_monologue.ja.json")[0], rubric=rubric)
    assert card.extra["learned_ng"] == ["proposal.no_roi"]
    html = render_note_html(card, rubric=rubric)
    assert "（話し方の傾向からの推定）<br>関連しそうな発言：「皆さま、業務がかなり効率化されたとおっしゃっています。」" in html
    assert ("予定を設定せず、「また連絡します」で終わる<br>"
            "「では本日の資料をメールでお送りしますので、また来月あたりにご連絡させていただきます。」") in html
    assert html.count("話し方の傾向からの推定") == 1
    assert " (inferred from how the rep talks)<br>Related line: " in render_note_html(card, rubric=rubric, lang="en")
