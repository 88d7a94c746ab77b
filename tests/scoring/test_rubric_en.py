"""The English rubric is a translation, not a fork: same ids, version, weights and key checks; English notes and tasks read in English."""

from __future__ import annotations

import re

import pytest
import yaml

from scoring.offline import score_transcript
from scoring.render import render_next_action_task, render_note_html, render_stage_task
from scoring.rubric import Rubric, load_rubric, rubrics_dir
from scoring.transcript import Transcript

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def en_rubric() -> Rubric:
    return load_rubric("sales-7-phase", "en")


def _shape(path_name: str) -> dict:
    """Everything but the wording: ids, weights, key flags, and how many purposes and examples each part has."""
    data = yaml.safe_load((rubrics_dir() / path_name).read_text(encoding="utf-8"))
    return {
        "id": data["id"], "version": str(data["version"]),
        "phases": [{
            "id": p["id"], "weight": p["weight"], "purpose": len(p["purpose"]), "examples": len(p.get("examples") or []),
            "ng": [n["id"] for n in p.get("ng_behaviors") or []],
            "items": [{"id": i["id"], "examples": len(i.get("examples") or []),
                       "checks": [(c["id"], c.get("key", False), c.get("weight", 1)) for c in i["checks"]]} for i in p["items"]],
        } for p in data["phases"]],
    }


def test_same_ids_version_and_weights_as_the_japanese_rubric(rubric: Rubric, en_rubric: Rubric) -> None:
    assert _shape("sales-7-phase.en.yaml") == _shape("sales-7-phase.ja.yaml")
    assert (en_rubric.id, en_rubric.version, en_rubric.language) == (rubric.id, rubric.version, "en")
    assert [(c.id, c.key, c.weight) for _, _, c in en_rubric.iter_checks()] == [(c.id, c.key, c.weight) for _, _, c in rubric.iter_checks()]
    assert [p.weight for p in en_rubric.phases] == pytest.approx([p.weight for p in rubric.phases])


def test_every_text_is_english(en_rubric: Rubric) -> None:
    texts = [en_rubric.title]
    for phase in en_rubric.phases:
        texts += [phase.label, phase.purpose, *phase.example_phrases, *(n.text for n in phase.ng_behaviors)]
        texts += [item.label for item in phase.items] + [c.text for c in phase.checks]
    assert all(t.strip() for t in texts)
    assert [t for t in texts if JAPANESE.search(t)] == []
    assert en_rubric.phase("needs_discovery").label == rubric_label_en("needs_discovery")
    assert en_rubric.ng_behavior("first_contact.vague_follow_up").text == "Sets no next date and ends with \"I'll be in touch\""


def rubric_label_en(phase_id: str) -> str:
    return load_rubric("sales-7-phase", "ja").phase(phase_id).label_en


def _outside_quotes(html: str) -> str:
    """The note without verbatim quotes, the rep's name and the customer-facing mail (which stay in the call's language)."""
    html = html.split("Thank-you mail draft", 1)[0]
    html = re.sub(r"“[^”]*”", "", html)
    return re.sub(r"Rep scored: [^(]*\(", "", html)


def test_english_call_with_the_english_rubric_has_no_japanese_at_all(english_call: Transcript, en_rubric: Rubric) -> None:
    card = score_transcript(english_call, rubric=en_rubric)
    html = render_note_html(card, rubric=en_rubric, lang="en", deal_name="Northwind", call_title="Discovery")
    assert not JAPANESE.search(html)
    assert "Needs Analysis &amp; Discovery" in html and "Does the rep clearly state their name, title and company?" in html
    assert all(not JAPANESE.search(c.advice) for c in card.assessed())


def test_japanese_call_read_by_an_english_tenant(good_card, rubric: Rubric, en_rubric: Rubric) -> None:
    for given in (rubric, en_rubric):
        html = render_note_html(good_card, rubric=given, lang="en")
        assert not JAPANESE.search(_outside_quotes(html)), JAPANESE.findall(_outside_quotes(html))[:20]
        assert "Does the rep clearly state their name, title and company?" in html
        assert "Keep the promise: “本日中に、A社様の導入事例の資料をお送りします。”" in html
        assert "(due: today)" in html and "set: “来週の火曜日、3月12日の14時から”" in html


def test_weak_japanese_call_advice_is_rewritten_in_english(weak_card, rubric: Rubric) -> None:
    html = render_note_html(weak_card, rubric=rubric, lang="en")
    assert "Advice: Do not end with &quot;I&#x27;ll be in touch&quot;" in html
    assert "Sets no next date and ends with" in html and "Confirm the decision maker" in html
    assert not JAPANESE.search(_outside_quotes(html))


def test_stage_task_uses_the_translation_for_an_english_reader(good_card, rubric: Rubric, en_rubric: Rubric) -> None:
    from_ja = render_stage_task("proposal", rubric=rubric, scorecard=good_card, lang="en", stage_label="Presentation scheduled")
    from_en = render_stage_task("proposal", rubric=en_rubric, scorecard=good_card, lang="en", stage_label="Presentation scheduled")
    assert from_ja == from_en
    assert not JAPANESE.search(from_en[0] + from_en[1])
    assert "☑ Does the rep use quantitative data to show the benefits in numbers?" in from_en[1]
    ja_subject, ja_body = render_stage_task("proposal", rubric=en_rubric, scorecard=good_card, lang="ja")
    assert ja_subject == "【DealCoach】提案・プレゼンテーションのチェックリスト" and "☑ 定量データを活用し" in ja_body


def test_next_action_tasks_follow_the_reader_language(weak_card) -> None:
    actions = {a["id"]: a for a in weak_card.to_dict()["next_actions"]}
    assert render_next_action_task(actions["confirm_authority"], lang="en")[0] == "[DealCoach] Confirm the decision maker"
    assert render_next_action_task(actions["schedule_next_meeting"], lang="ja")[0] == "【DealCoach】次回の商談日程を確定する"
    llm_written = {"id": "confirm_budget", "title": "予算感を次回確認", "why": "未確認", "due_in_hours": 72}
    assert render_next_action_task(llm_written, lang="ja")[0] == "【DealCoach】予算感を次回確認"
    assert render_next_action_task({"id": "custom", "title": "独自の宿題", "why": ""}, lang="en")[0] == "[DealCoach] 独自の宿題"
