"""A call with only a recording: HubSpot Files → hardened download → ffmpeg → Google Speech (fake) → scorecard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
import redis

from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from tests.audio.generate import MISSING, a_call
from tests.conftest import TEST_NOW, TEST_SECRET_KEY
from tests.fakes.speech_server import FakeSpeech, diarized_results
from webhooks.app import create_app

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"needs Debian packages for {', '.join(MISSING)} (.ci/run installs them)")
REP = "75000001"
CALL_AT = TEST_NOW - timedelta(hours=1)
RECOGNIZED = [(1, [("株式会社ミライクラウドの山田と申します。", 0.0, 3.0)]),
              (2, [("ご予算は来月決まる予定です。", 3.5, 6.0)])]


@pytest.fixture
def speech() -> Iterator[FakeSpeech]:
    with FakeSpeech() as fake:
        yield fake


@pytest.fixture
def stack(redis_conn: redis.Redis, speech: FakeSpeech) -> Iterator[EmbeddedStack]:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app,
                        env={"DEALCOACH_SPEECH_ENDPOINT": speech.url}) as s:
        yield s


def log_recorded_call(stack: EmbeddedStack, recording: Path) -> str:
    deal = stack.create_deal(name="録音テスト", stage="qualifiedtobuy", owner_id=REP)
    stack.drain()
    stack.log_call(deal_id=deal, transcript=recording, title="録音のみの通話", at=CALL_AT, owner_id=REP)
    stack.drain()
    return deal


def test_recording_is_transcribed_scored_and_stored_back(stack: EmbeddedStack, speech: FakeSpeech, tmp_path: Path) -> None:
    speech.script(diarized_results(RECOGNIZED))
    deal = log_recorded_call(stack, a_call(tmp_path))
    (recognition,) = speech.recognitions
    assert recognition.config["languageCode"] == "ja-JP" and recognition.diarization
    notes = {n["hs_note_body"].split("</b>")[0]: n["hs_note_body"] for n in stack.notes_on(deal)}
    assert len(notes) == 2
    transcript_note = next(body for head, body in notes.items() if "文字起こし" in head)
    assert "ご予算は来月決まる予定です。" in transcript_note
    card = stack.conn.hget(f"dealcoach:deal:{stack.tenant}:{deal}", "scorecard")
    assert b'"billed_audio_s"' in card and b'"mode": "sync"' in card


def test_corrupt_recording_gets_a_note_and_no_retry(stack: EmbeddedStack, speech: FakeSpeech, tmp_path: Path) -> None:
    broken = tmp_path / "call.wav"
    broken.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40)
    deal = log_recorded_call(stack, broken)
    (note,) = stack.notes_on(deal)
    assert "処理できませんでした" in note["hs_note_body"]
    assert speech.recognitions == []
    from rq import Queue
    assert not Queue("scoring", connection=stack.conn).scheduled_job_registry.get_job_ids()


def test_score_command_transcribes_audio(speech: FakeSpeech, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from dealcoach_cli import main

    monkeypatch.setenv("DEALCOACH_SPEECH_ENDPOINT", speech.url)
    speech.script(diarized_results(RECOGNIZED))
    assert main(["score", str(a_call(tmp_path)), "--json", "--scorer", "offline"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["bant"]["budget"]["found"] is True and card["language"] == "ja"


def test_recording_url_on_the_call_is_fetched_through_the_allow_list(stack: EmbeddedStack, speech: FakeSpeech,
                                                                     tmp_path: Path) -> None:
    import json

    from hubspot.crm.objects import (
        AssociationSpec,
        PublicAssociationsForObject,
        PublicObjectId,
        SimplePublicObjectInputForCreate,
    )

    speech.script(diarized_results(RECOGNIZED))
    up = stack.hubspot.files.files_api.upload(file=str(a_call(tmp_path)), folder_path="/rec",
                                              options=json.dumps({"access": "PRIVATE"}))
    url = stack.hubspot.files.files_api.get_signed_url(str(up.id)).url
    deal = stack.create_deal(name="録音URL", stage="qualifiedtobuy", owner_id=REP)
    stack.hubspot.crm.objects.calls.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"hs_timestamp": CALL_AT.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "hs_call_title": "ダイヤラー録音", "hs_call_recording_url": url, "hubspot_owner_id": REP},
        associations=[PublicAssociationsForObject(to=PublicObjectId(id=deal), types=[
            AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=206)])]))
    stack.drain()
    assert len(speech.recognitions) == 1
    assert any("文字起こし" in n["hs_note_body"] for n in stack.notes_on(deal))
