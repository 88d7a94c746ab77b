"""Shared fixtures for the scoring tests: transcript files and parsed calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from collections.abc import Callable

from connector.models import Transcript
from scoring.offline import score_transcript
from scoring.rubric import Rubric, load_rubric
from scoring.scorecard import Scorecard
from scoring.transcript import parse_transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def load_call(name: str) -> Transcript:
    """Parse a fixture transcript the way the pipeline does (bytes plus file name)."""
    path = FIXTURES / name
    return parse_transcript(path.read_bytes(), filename=path.name)


@pytest.fixture(scope="session", name="load_call")
def load_call_fixture() -> Callable[[str], Transcript]:
    """The fixture-file parser, for tests (test modules cannot import conftest under importlib mode)."""
    return load_call


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric("sales-7-phase", "ja")


@pytest.fixture(scope="session")
def good_call() -> Transcript:
    return load_call("discovery_good.ja.json")


@pytest.fixture(scope="session")
def weak_call() -> Transcript:
    return load_call("weak_call.ja.txt")


@pytest.fixture(scope="session")
def english_call() -> Transcript:
    return load_call("discovery_short.en.txt")


@pytest.fixture(scope="session")
def good_card(good_call: Transcript, rubric: Rubric) -> Scorecard:
    return score_transcript(good_call, rubric=rubric)


@pytest.fixture(scope="session")
def weak_card(weak_call: Transcript, rubric: Rubric) -> Scorecard:
    return score_transcript(weak_call, rubric=rubric)
