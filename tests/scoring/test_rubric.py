"""Rubric and stage-map data: complete, stable ids, validated on load with errors naming file and key path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scoring.rubric import (
    SLUG_RE,
    RubricError,
    load_rubric,
    load_rubric_file,
    load_stage_map,
    load_stage_map_file,
    rubrics_dir,
)

PHASES = ("research", "first_contact", "needs_discovery", "proposal", "negotiation_closing", "contract_implementation", "after_follow")


def test_rubric_has_the_seven_phases_of_seed_000_in_order(rubric):
    assert rubric.id == "sales-7-phase" and rubric.version == "1" and rubric.language == "ja"
    assert rubric.phase_ids == PHASES
    assert [p.label for p in rubric.phases] == [
        "リサーチ・事前準備", "初回接触・関係構築", "ニーズヒアリング", "提案・プレゼンテーション", "交渉・クロージング", "契約・導入",
        "アフターフォロー・関係深化"]
    assert sum(p.weight for p in rubric.phases) == pytest.approx(1.0)


def test_every_phase_has_purpose_items_checks_and_three_to_five_key_checks(rubric):
    for phase in rubric.phases:
        assert len(phase.purpose_lines) >= 4, phase.id
        assert len(phase.items) >= 4, phase.id
        assert all(len(item.checks) >= 4 for item in phase.items), phase.id
        assert 3 <= len(phase.key_checks) <= 5, phase.id


def test_ids_are_unique_dotted_slugs_nested_under_their_parent(rubric):
    seen = set()
    for phase, item, check in rubric.iter_checks():
        assert SLUG_RE.match(check.id) and check.id.startswith(item.id + ".") and item.id.startswith(phase.id + ".")
        assert check.id not in seen
        seen.add(check.id)
    assert len(seen) == 153


def test_seed_wording_is_kept(rubric):
    assert rubric.check("first_contact.self_introduction.name_title_company").text == "自身の氏名・役職・会社名を明確に伝えられているか"
    assert rubric.ng_behavior("first_contact.vague_follow_up").text == "予定を設定せず、「また連絡します」で終わる"
    assert rubric.ng_behavior("needs_discovery.budget_first").text.startswith("予算の話を最初からストレートに聞きすぎる")
    assert any("○○日か○○日のどちらかでお時間いただけますか" in e for e in rubric.phase("first_contact").example_phrases)


def test_load_rubric_is_cached(rubric):
    assert load_rubric() is rubric


def test_unknown_phase_and_unknown_rubric():
    with pytest.raises(KeyError, match="unknown phase"):
        load_rubric().phase("closing")
    with pytest.raises(RubricError, match=r"nope\.ja\.yaml: file not found"):
        load_rubric("nope", "ja")
    with pytest.raises(RubricError, match="not a rubric id"):
        load_rubric("../secrets", "ja")


def _broken(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((rubrics_dir() / "sales-7-phase.ja.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "sales-7-phase.ja.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["phases"][2]["items"][0]["checks"][1].pop("id"), "phases[2].items[0].checks[1].id: missing"),
        (lambda d: d["phases"][0]["items"][1]["checks"][0].update(key="yes"), "phases[0].items[1].checks[0].key: must be true or false"),
        (lambda d: d["phases"][1]["items"][0].update(checks=[]), "phases[1].items[0].checks: must not be empty"),
        (lambda d: d["phases"][3].update(weight="heavy"), "phases[3].weight: must be a number"),
        (lambda d: d["phases"][4].update(colour="red"), "phases[4].colour: unknown key"),
        (lambda d: d["phases"][1]["items"][0]["checks"][0].update(id="proposal.x.y"), "must start with 'first_contact.self_introduction.'"),
        (lambda d: d["phases"][1]["items"][1]["checks"][0].update(id="first_contact.relevant_topics.role_fit"), "duplicate id"),
        (lambda d: d["phases"][0]["items"][0]["checks"][0].update(id="Research.Bad Id"), "not a lowercase dotted slug"),
        (lambda d: [c.update(key=False) for i in d["phases"][6]["items"] for c in i["checks"]], "phases[6].items: no check has key: true"),
        (lambda d: d.pop("version"), "version: missing"),
        (lambda d: d.update(ng_penalty=-5), "ng_penalty: -5 is not a number of points from 0 to 100"),
        (lambda d: d.update(ng_penalty=True), "ng_penalty: must be a number"),
        (lambda d: d.update(ng_penalty="ten"), "ng_penalty: must be"),
        (lambda d: d["phases"][0]["ng_behaviors"].append({"id": "research.x"}), "phases[0].ng_behaviors[0].text: missing"),
    ],
)
def test_broken_rubric_names_the_file_and_the_key_path(tmp_path, mutate, message):
    path = _broken(tmp_path, mutate)
    with pytest.raises(RubricError) as excinfo:
        load_rubric_file(path)
    assert str(excinfo.value).startswith("sales-7-phase.ja.yaml: ")
    assert message in str(excinfo.value)


def test_invalid_yaml_reports_the_line(tmp_path):
    path = tmp_path / "x.ja.yaml"
    path.write_text("id: x\nphases: [\n  - : :\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"x\.ja\.yaml: line \d+, column \d+: invalid YAML"):
        load_rubric_file(path)


def test_the_ng_penalty_is_ten_points_in_both_languages_and_off_when_a_rubric_omits_it(tmp_path):
    assert load_rubric("sales-7-phase", "ja").ng_penalty == load_rubric("sales-7-phase", "en").ng_penalty == 10
    assert load_rubric_file(_broken(tmp_path, lambda d: d.pop("ng_penalty"))).ng_penalty == 0


def test_weights_are_normalized(tmp_path):
    path = _broken(tmp_path, lambda d: [p.update(weight=2) for p in d["phases"]])
    assert [round(p.weight, 4) for p in load_rubric_file(path).phases] == [round(1 / 7, 4)] * 7


HUBSPOT = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"]
SALESFORCE = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers", "Perception Analysis",
              "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]


@pytest.mark.parametrize(("provider", "stages"), [("hubspot", HUBSPOT), ("salesforce", SALESFORCE)])
def test_default_stage_maps_cover_every_default_stage_in_order(provider, stages):
    stage_map = load_stage_map(provider)
    assert [s.id for s in stage_map.stages] == stages
    assert [stage_map.order(s) for s in stages] == list(range(1, len(stages) + 1))
    assert all(stage_map.phase_for(s) in PHASES for s in stages)
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", stage_map.label(s, "ja")) for s in stages)
    assert all(stage_map.label(s, "en") for s in stages)
    assert [s for s in stages if stage_map.is_closed(s)] == stages[-2:]
    assert [s for s in stages if stage_map.is_won(s)] == [stages[-2]]


def test_stage_map_lookups():
    hubspot, salesforce = load_stage_map("hubspot"), load_stage_map("salesforce")
    assert hubspot.phase_for("appointmentscheduled") == "first_contact"
    assert hubspot.phase_for("qualifiedtobuy") == "needs_discovery"
    assert hubspot.label("closedwon", "ja") == "成約" and hubspot.label("closedwon", "en") == "Closed won"
    assert hubspot.phase_for("custom123") is None and hubspot.order("custom123") is None and hubspot.label("custom123") == "custom123"
    assert salesforce.phase_for("Needs Analysis") == "needs_discovery"
    assert salesforce.phase_for("needs analysis") == "needs_discovery"
    assert not salesforce.is_closed("Prospecting")
    assert load_stage_map("hubspot") is hubspot


def test_broken_stage_map_names_file_and_key(tmp_path):
    path = tmp_path / "hubspot-default.yaml"
    path.write_text("provider: hubspot\nname: default\nstages:\n  - {id: a, phase: closing, order: 1, labels: {ja: あ, en: A}}\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"^hubspot-default\.yaml: stages\[0\]\.phase: 'closing' is not a phase"):
        load_stage_map_file(path)
    path.write_text("provider: hubspot\nname: default\nstages:\n  - {id: a, phase: proposal, order: 1, labels: {ja: あ}}\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"stages\[0\]\.labels\.en: missing"):
        load_stage_map_file(path)
    path.write_text("provider: hubspot\nname: default\nstages:\n  - {id: a, phase: proposal, order: 1, labels: {ja: あ, en: A}}\n"
                    "  - {id: b, phase: proposal, order: 1, labels: {ja: い, en: B}}\n", encoding="utf-8")
    with pytest.raises(RubricError, match=r"stages\[1\]\.order: duplicate order 1"):
        load_stage_map_file(path)
    with pytest.raises(RubricError, match="file not found"):
        load_stage_map("pipedrive")
