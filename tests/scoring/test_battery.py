"""`dealcoach eval BATTERY.json`: short labelled exchanges counted per concept, hits and near-misses apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealcoach_cli import main
from scoring.battery import CONCEPTS, evaluate_battery, load_battery, transcript
from scoring.evaluation import LabelsError
from scoring.offline import score_transcript
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript

BATTERIES = Path(__file__).resolve().parents[1] / "fixtures" / "paraphrases"
ITEMS = [
    {
        "id": "b1",
        "concept": "budget",
        "lang": "ja",
        "expect": True,
        "turns": [["rep", "ご予算はどのくらいをお考えですか？"], ["customer", "年間で200万円までです。"]],
    },
    {
        "id": "b2",
        "concept": "budget",
        "lang": "ja",
        "expect": False,
        "turns": [["rep", "月額5万円のプランがございます。"], ["customer", "そうですか。"]],
    },
    {
        "id": "d1",
        "concept": "decline",
        "lang": "en",
        "expect": True,
        "turns": [["rep", "Shall we go ahead with the pilot?"], ["customer", "No, we'll pass on it this year."]],
    },
    {
        "id": "s1",
        "concept": "deal_state",
        "lang": "ja",
        "expect": None,
        "turns": [["rep", "本日はありがとうございます。"], ["customer", "よろしくお願いします。"]],
    },
]


def _offline(call: Transcript) -> Scorecard:
    return score_transcript(call, rubric=load_rubric_or_reference("sales-7-phase", call.language))


def _write(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "battery.json"
    path.write_text(json.dumps({"items": items}, ensure_ascii=False), encoding="utf-8")
    return path


def test_each_exchange_is_counted_under_its_concept(tmp_path: Path) -> None:
    result = evaluate_battery(load_battery(_write(tmp_path, ITEMS)), _offline)
    budget, decline, state = (result.tallies[c] for c in ("budget", "decline", "deal_state"))
    assert (budget.tp, budget.fp, budget.fn) == (1, 0, 0)
    assert (decline.tp, decline.fn) == (1, 0)
    assert (state.tp, state.fp, state.fn) == (0, 0, 0)
    assert result.items == 4 and not any(result.wrong.values())


def test_the_roles_are_given_so_no_name_is_guessed(tmp_path: Path) -> None:
    call = transcript(load_battery(_write(tmp_path, ITEMS))[0])
    assert [s.role for s in call.segments] == ["rep", "customer"]
    assert _offline(call).rep_speaker.name == "営業"


NG_AND_PROMISES = [
    {
        "id": "n1",
        "concept": "ng",
        "ng_id": "first_contact.vague_follow_up",
        "lang": "ja",
        "expect": True,
        "turns": [
            ["rep", "本日はありがとうございました。"],
            ["customer", "はい。"],
            ["rep", "また改めてご連絡いたします。"],
        ],
    },
    {
        "id": "n2",
        "concept": "ng",
        "ng_id": "first_contact.vague_follow_up",
        "lang": "ja",
        "expect": False,
        "turns": [["rep", "では3月5日の14時にお伺いします。"], ["customer", "はい、お待ちしています。"]],
    },
    {
        "id": "p1",
        "concept": "commitments",
        "lang": "ja",
        "expect": {"rep": 1, "customer": 1},
        "turns": [
            ["rep", "見積もりは金曜までにお送りします。"],
            ["customer", "ありがとうございます。"],
            ["customer", "こちらは来週中に社内で確認してお返事します。"],
            ["rep", "よろしくお願いします。"],
        ],
    },
]


def test_ng_items_count_under_ng_and_their_id_and_promises_per_side(tmp_path: Path) -> None:
    result = evaluate_battery(load_battery(_write(tmp_path, NG_AND_PROMISES)), _offline)
    ng, one, promises = (result.tallies[k] for k in ("ng", "ng:first_contact.vague_follow_up", "commitments"))
    assert (ng.tp, ng.fp, ng.fn) == (one.tp, one.fp, one.fn) == (1, 0, 0)
    assert (promises.tp, promises.fp, promises.fn) == (2, 0, 0)
    wrong = NG_AND_PROMISES[2] | {"id": "p2", "expect": {"rep": 2, "customer": 0}}
    result = evaluate_battery(load_battery(_write(tmp_path, [wrong])), _offline)
    counted = result.tallies["commitments"]
    assert (counted.tp, counted.fp, counted.fn) == (1, 1, 1)
    assert result.wrong["commitments"] == ["p2"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"concept": "mood"}, "concept 'mood'"),
        ({"lang": "fr"}, "lang 'fr'"),
        ({"expect": "yes"}, "expect must be true or false"),
        ({"turns": [["manager", "はい"]]}, "turns must be"),
        ({"turns": []}, "turns must be"),
        ({"concept": "ng"}, "names the rubric's NG id"),
        ({"concept": "commitments"}, "a commitments item expects"),
        ({"concept": "commitments", "expect": {"rep": -1, "customer": 0}}, "a commitments item expects"),
    ],
)
def test_a_malformed_item_is_refused_by_name(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(LabelsError, match=message):
        load_battery(_write(tmp_path, [ITEMS[0] | change]))


def test_a_deal_state_item_takes_a_state_and_ids_are_unique(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match="expects shodan, wadai, botsu or null"):
        load_battery(_write(tmp_path, [ITEMS[3] | {"expect": True}]))
    with pytest.raises(LabelsError, match="'b1' twice"):
        load_battery(_write(tmp_path, [ITEMS[0], ITEMS[0]]))


def test_cli_runs_a_battery_and_a_wrong_item_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = ITEMS[1] | {"id": "b9", "expect": True}
    assert main(["eval", str(_write(tmp_path, [*ITEMS, wrong])), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["items"] == 5
    assert out["concepts"]["budget"] == {"precision": 1.0, "recall": 0.5, "tp": 1, "fp": 0, "fn": 1}
    assert out["wrong"] == {"budget": ["b9"]}
    assert main(["eval", str(_write(tmp_path, ITEMS))]) == 0
    assert "4 labelled exchanges" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(p.name for p in BATTERIES.glob("*.json")))
def test_the_project_batteries_load(name: str) -> None:
    items = load_battery(BATTERIES / name)
    assert len(items) >= 40
    assert {i.concept for i in items} <= set(CONCEPTS)
    assert all((i.ng_id is not None) == (i.concept == "ng") for i in items)


@pytest.mark.parametrize(
    ("name", "floors"),
    [
        (
            "tune_a.json",
            {c: (0.9, 0.95) for c in ("budget", "authority", "need", "timeline", "next_step", "decline", "deal_state")},
        ),
        ("tune_c.json", {"ng": (0.95, 0.9), "commitments": (0.95, 0.8)}),
        ("tune_e.json", {"deal_state": (0.9, 0.9)}),
    ],
)
def test_the_tuning_batteries_hold_what_they_were_tuned_to(name: str, floors: dict[str, tuple[float, float]]) -> None:
    """Batteries A, C and E are tuning data: a change that loses their wording shows here (B, D and F are held out
    and never asserted)."""
    result = evaluate_battery(load_battery(BATTERIES / name), _offline)
    for concept, (precision, recall) in floors.items():
        t = result.tallies[concept]
        assert (t.precision or 0) >= precision and (t.recall or 0) >= recall, (concept, result.wrong[concept])
