"""Shared fixtures for the scoring tests: transcript files, parsed calls, and the fake OpenAI server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import openai
import pytest

from scoring.offline import score_transcript
from scoring.rubric import Rubric, load_rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript, parse_transcript
from tests.fakes.openai_server import FakeOpenAI

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
def en_rubric() -> Rubric:
    return load_rubric("sales-7-phase", "en")


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


@pytest.fixture(scope="module")
def _openai_server() -> Iterator[FakeOpenAI]:
    """One fake OpenAI-compatible server per module."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake(_openai_server: FakeOpenAI) -> FakeOpenAI:
    """The module's fake server with no scripted replies and no recorded requests."""
    _openai_server.reset()
    _openai_server.responder = None
    return _openai_server


@pytest.fixture
def client(fake: FakeOpenAI) -> openai.OpenAI:
    """The real openai client on the fake server, without the client's own retries."""
    return openai.OpenAI(base_url=fake.url + "/v1", api_key="test", max_retries=0, timeout=10)
