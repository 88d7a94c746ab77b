"""The real google-cloud-speech client (REST transport) against the local fake Speech + Cloud Storage server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from google.cloud import speech_v1

from scoring.speech.audio import AudioError, convert, probe
from scoring.speech.errors import (
    SpeechFatalError,
    SpeechNotConfigured,
    SpeechRetryableError,
    SpeechTimeout,
)
from scoring.speech.recognize import (
    PollPolicy,
    SpeechSettings,
    audio_store_from_env,
    recognition_config,
    speech_client_from_env,
    transcribe,
    transcribe_recording,
)
from scoring.speech.storage import GcsJsonStore
from tests.audio.generate import (
    ANSWER,
    GREETING,
    a_call,
    concat,
    encode,
    needs_audio_tools,
    silence,
    speech,
    stereo,
)
from tests.fakes.speech_server import FakeSpeech, channel_results, diarized_results

pytestmark = needs_audio_tools
FAST = PollPolicy(initial_s=0.01, multiplier=2.0, max_s=0.05)


@pytest.fixture
def fake() -> Iterator[FakeSpeech]:
    with FakeSpeech(polls_before_done=2) as server:
        yield server


@pytest.fixture
def client(fake: FakeSpeech) -> speech_v1.SpeechClient:
    return speech_client_from_env({"DEALCOACH_SPEECH_ENDPOINT": fake.url})


@pytest.fixture(scope="module")
def short_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return a_call(tmp_path_factory.mktemp("call"))


@pytest.fixture(scope="module")
def long_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("long")
    return concat(d / "long.wav", speech(d / "hello.wav", GREETING, rate=16000), silence(d / "hold.wav", 75.0))


def store(fake: FakeSpeech) -> GcsJsonStore:
    found = audio_store_from_env({"DEALCOACH_SPEECH_ENDPOINT": fake.url, "DEALCOACH_SPEECH_BUCKET": "dealcoach-test"})
    assert isinstance(found, GcsJsonStore)
    return found


def turns(*words: tuple[int, str, float, float]) -> list[tuple[int, list[tuple[str, float, float]]]]:
    return [(s, [(t, a, b)]) for s, t, a, b in words]


def test_short_call_is_recognized_synchronously_with_diarization(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                                 short_call: Path) -> None:
    fake.script(diarized_results(turns((1, "もしもし、", 0.1, 0.8), (1, "山田です。", 0.9, 2.0),
                                       (2, "はい、", 3.0, 3.4), (2, "よろしくお願いします。", 3.5, 5.0))))
    settings = SpeechSettings.for_tenant("ja", phrase_hints=["DealCoach", "サンプル", " "])
    result = transcribe_recording(short_call, client=client, settings=settings)
    assert fake.paths() == ["/v1/speech:recognize"]
    config = fake.requests[0][2]["config"]
    assert config["languageCode"] == "ja-JP" and config["encoding"] == 2 and config["sampleRateHertz"] == 16000
    assert config["enableWordTimeOffsets"] and config["enableAutomaticPunctuation"]
    assert config["diarizationConfig"] == {"enableSpeakerDiarization": True, "minSpeakerCount": 2, "maxSpeakerCount": 2}
    assert config["speechContexts"] == [{"phrases": ["DealCoach", "サンプル"]}]
    assert "enableSeparateRecognitionPerChannel" not in config
    segments = result.transcript.segments
    assert [(s.speaker, s.text, s.start, s.end) for s in segments] == [
        ("話者1", "もしもし、山田です。", 0.1, 2.0), ("話者2", "はい、よろしくお願いします。", 3.0, 5.0)]
    assert result.transcript.language == "ja" and result.mode == "sync" and not result.per_channel
    assert result.billed_seconds == pytest.approx(round(result.duration_s))


def test_english_tenant_asks_for_en_us_and_joins_words_with_spaces(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                                  short_call: Path) -> None:
    fake.script(diarized_results(turns((1, "Hello,", 0.1, 0.5), (1, "this", 0.6, 0.8), (1, "is", 0.8, 0.9),
                                       (1, "Sam.", 0.9, 1.2))))
    result = transcribe_recording(short_call, client=client, settings=SpeechSettings.for_tenant("en"))
    assert fake.requests[0][2]["config"]["languageCode"] == "en-US"
    assert result.transcript.segments[0].text == "Hello, this is Sam." and result.transcript.language == "en"


def test_long_call_goes_through_storage_and_long_running_recognition(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                                      long_call: Path) -> None:
    settings = SpeechSettings(long_audio_store=store(fake), poll=FAST)
    result = transcribe_recording(long_call, client=client, settings=settings)
    paths = fake.paths()
    assert paths[0] == "/upload/storage/v1/b/dealcoach-test/o" and paths[1] == "/v1/speech:longrunningrecognize"
    assert paths.count(f"/v1/operations/{next(iter(fake.operations))}") == 3  # two "running", then done
    assert paths[-1].startswith("/storage/v1/b/dealcoach-test/o/dealcoach-audio/")
    assert fake.objects == {} and len(fake.deleted) == 1
    assert fake.recognitions[0].uri == fake.deleted[0]
    assert result.mode == "long_running" and result.billed_seconds == pytest.approx(round(result.duration_s))
    assert {s.speaker for s in result.transcript.segments} == {"話者1", "話者2"}


def test_long_audio_without_a_bucket_is_a_configuration_error(client: speech_v1.SpeechClient, long_call: Path) -> None:
    with pytest.raises(SpeechNotConfigured):
        transcribe_recording(long_call, client=client)


def test_object_is_deleted_when_the_operation_fails(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                    long_call: Path) -> None:
    fake.fail_next(400, "Invalid recognition 'config': bad model.", on="operations")
    with pytest.raises(SpeechFatalError) as err:
        transcribe_recording(long_call, client=client, settings=SpeechSettings(long_audio_store=store(fake), poll=FAST))
    assert err.value.status == 400 and fake.objects == {} and len(fake.deleted) == 1


def test_transient_errors_while_polling_do_not_abandon_the_operation(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                                     long_call: Path) -> None:
    fake.fail_next(503, "The service is currently unavailable.", on="operations", times=2)
    result = transcribe_recording(long_call, client=client, settings=SpeechSettings(long_audio_store=store(fake), poll=FAST))
    assert result.mode == "long_running" and len(fake.paths()) == 2 + 5 + 1


def test_polling_stops_at_the_deadline_and_still_deletes(client: speech_v1.SpeechClient, long_call: Path) -> None:
    with FakeSpeech(polls_before_done=10_000) as slow:
        slow_client = speech_client_from_env({"DEALCOACH_SPEECH_ENDPOINT": slow.url})
        settings = SpeechSettings(long_audio_store=store(slow), poll=FAST, deadline_s=3.0)
        with pytest.raises(SpeechTimeout) as err:
            transcribe_recording(long_call, client=slow_client, settings=settings)
        assert err.value.retryable and slow.objects == {}


def test_stereo_with_a_talker_per_side_is_recognized_per_channel(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                                 tmp_path: Path) -> None:
    greeting = speech(tmp_path / "g.wav", GREETING, rate=16000)
    rep = concat(tmp_path / "rep.wav", greeting, silence(tmp_path / "s1.wav", 4.0))
    customer = concat(tmp_path / "cust.wav", silence(tmp_path / "s2.wav", probe(greeting).duration_s + 0.5),
                      speech(tmp_path / "a.wav", ANSWER, rate=16000))
    call = stereo(tmp_path / "call.wav", rep, customer)
    fake.script(channel_results({1: [[("もしもし、", 0.2, 0.9), ("山田です。", 1.0, 2.0)]],
                                 2: [[("はい。", 6.0, 6.5)], [("予算は来月です。", 8.0, 9.5)]]}))
    result = transcribe_recording(call, client=client)
    config = fake.requests[0][2]["config"]
    assert config["enableSeparateRecognitionPerChannel"] is True and config["audioChannelCount"] == 2
    assert "diarizationConfig" not in config
    assert [(s.speaker, s.text) for s in result.transcript.segments] == [
        ("話者1", "もしもし、山田です。"), ("話者2", "はい。"), ("話者2", "予算は来月です。")]
    assert result.per_channel and result.billed_seconds == pytest.approx(2 * round(result.duration_s))


def test_dual_mono_stereo_is_downmixed_and_diarized(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                    tmp_path: Path) -> None:
    voice = speech(tmp_path / "v.wav", GREETING, rate=16000)
    result = transcribe_recording(stereo(tmp_path / "dual.wav", voice, voice), client=client)
    config = fake.requests[0][2]["config"]
    assert config["audioChannelCount"] == 1 and config["diarizationConfig"]["enableSpeakerDiarization"]
    assert not result.per_channel


def test_quota_429_is_retryable_with_the_retry_delay(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                     short_call: Path) -> None:
    fake.fail_next(429, "Quota exceeded for quota metric 'Requests'.", retry_delay_s=7)
    with pytest.raises(SpeechRetryableError) as err:
        transcribe_recording(short_call, client=client)
    assert (err.value.status, err.value.retry_after, err.value.retryable) == (429, 7.0, True)
    assert len(fake.requests) == 1  # no silent client-side retry: the job decides


def test_invalid_argument_is_fatal(fake: FakeSpeech, client: speech_v1.SpeechClient, short_call: Path) -> None:
    fake.fail_next(400, "Invalid recognition 'config': speaker diarization is not supported for this model.")
    with pytest.raises(SpeechFatalError) as err:
        transcribe_recording(short_call, client=client)
    assert err.value.status == 400 and not err.value.retryable and "diarization" in str(err.value)


def test_the_fake_refuses_what_google_refuses(fake: FakeSpeech, client: speech_v1.SpeechClient, tmp_path: Path,
                                              long_call: Path) -> None:
    flac = tmp_path / "long.flac"
    convert(long_call, flac)
    config = recognition_config(encoding=speech_v1.RecognitionConfig.AudioEncoding.FLAC, sample_rate=8000, channels=1,
                                language="ja-JP", speakers=2, per_channel=False, phrase_hints=(), model=None)
    with pytest.raises(Exception) as wrong_rate:
        client.recognize(config=config, audio=speech_v1.RecognitionAudio(content=flac.read_bytes()), retry=None)
    assert "sample_rate_hertz (8000)" in str(wrong_rate.value)
    config.sample_rate_hertz = 16000
    with pytest.raises(Exception) as too_long:
        client.recognize(config=config, audio=speech_v1.RecognitionAudio(content=flac.read_bytes()), retry=None)
    assert "Sync input too long" in str(too_long.value)


def test_silence_hallucination_on_the_quiet_tail_is_dropped(fake: FakeSpeech, client: speech_v1.SpeechClient,
                                                            short_call: Path) -> None:
    tail_start = probe(short_call).duration_s - 2.8
    fake.script(diarized_results(turns((1, "もしもし、山田です。", 0.2, 2.5), (2, "ご視聴ありがとうございました。", 3.0, 5.0))),
                diarized_results(turns((1, "もしもし、山田です。", 0.2, 2.5),
                                       (2, "ご視聴ありがとうございました。", tail_start, tail_start + 2.0))))
    first = transcribe_recording(short_call, client=client)
    assert [s.text for s in first.transcript.segments] == ["もしもし、山田です。", "ご視聴ありがとうございました。"]
    second = transcribe_recording(short_call, client=client)
    assert [s.text for s in second.transcript.segments] == ["もしもし、山田です。"] and second.dropped_segments == 1


def test_transcribe_wants_prepared_audio(client: speech_v1.SpeechClient, tmp_path: Path) -> None:
    mp3 = tmp_path / "x.mp3"
    encode(speech(tmp_path / "v.wav"), mp3)
    with pytest.raises(SpeechFatalError):
        transcribe(mp3, client=client)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioError):
        transcribe_recording(empty, client=client)


def test_client_from_env() -> None:
    assert speech_client_from_env({}) is None
    assert audio_store_from_env({}) is None
    client = speech_client_from_env({"DEALCOACH_SPEECH_ENDPOINT": "http://127.0.0.1:9"})
    assert isinstance(client, speech_v1.SpeechClient) and client.transport.kind == "rest"


def test_a_bug_is_not_a_transient_speech_failure() -> None:
    """Only Google API and transport errors are classified; anything else surfaces as itself, never retried."""
    from scoring.speech.errors import classify

    assert classify(KeyError("results"), "recognize") is None
    assert classify(TypeError("bad arg"), "recognize") is None
    transient = classify(ConnectionResetError(), "recognize")
    assert transient is not None and transient.retryable
