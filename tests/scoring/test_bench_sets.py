"""bench.labelled's set options: `--sets-of` rebuilds a shipped model on exactly the sets it was trained on, whatever
sets were opened since; `--without` leaves sets out."""

from __future__ import annotations

import argparse
import json

import pytest

from bench.labelled import add_set_options, chosen_sets, set_flags


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_set_options(parser)
    return parser.parse_args(list(argv))


@pytest.fixture()
def root(tmp_path):
    for name in ("tune", "blind", "blind2", "blind3"):
        (tmp_path / "labelled" / name).mkdir(parents=True)
    (tmp_path / "model.json").write_text(json.dumps({"trained_on": ["blind", "tune"]}), encoding="utf-8")
    return tmp_path


def test_every_set_but_those_left_out(root):
    chosen = chosen_sets(root / "labelled", _args("--without", "blind2"))
    assert [p.name for p in chosen] == ["blind", "blind3", "tune"]


def test_the_sets_a_model_was_trained_on_and_no_set_opened_since(root):
    args = _args("--sets-of", str(root / "model.json"), "--without", "tune")
    assert [p.name for p in chosen_sets(root / "labelled", args)] == ["blind"]
    assert set_flags(args) == f"--sets-of {root / 'model.json'} --without tune "


def test_a_model_naming_a_set_that_is_not_there_is_refused(root):
    (root / "model.json").write_text(json.dumps({"trained_on": ["blind", "blind9"]}), encoding="utf-8")
    with pytest.raises(SystemExit, match="blind9"):
        chosen_sets(root / "labelled", _args("--sets-of", str(root / "model.json")))
