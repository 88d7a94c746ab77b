"""`dealcoach demo` is the embedded default: it must run with no Redis server and read back what it wrote."""

from __future__ import annotations

import io

import redis

from connector.tenants import TenantRegistry
from scoring.transcript import parse_transcript
from sync.demo.run import run_demo, sample_transcript
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app


def test_demo_on_fakeredis_exits_zero_and_prints_the_readback(tmp_path) -> None:
    out = io.StringIO()
    report = tmp_path / "report.html"
    assert run_demo(app_factory=create_app, out=out, report_path=report) == 0
    text = out.getvalue()
    assert f"written to {report}" in text and "営業プロセス月次レポート" in report.read_text(encoding="utf-8")
    assert "== ノート (notes on the deal): 1" in text
    assert "dealcoach_score: " in text and "dealcoach_score: None" not in text
    assert "notes 1→1" in text
    assert "→ Connect app → DealCoach is installed in HubSpot portal 62515" in text
    assert "stage maps confirmed for default (7 stages); SLA noise budget saved as 4" in text
    assert "→ Allow → DealCoach is connected to Salesforce org 00D5g000004XyZaEAK" in text
    assert "DealCoach_Setting__mdt.Default edited in Setup (noise budget 4) → Saved." in text
    assert text.rstrip().endswith("OK")


def test_demo_on_a_real_redis_server(redis_conn: redis.Redis, tmp_path) -> None:
    out = io.StringIO()
    assert run_demo(app_factory=create_app, out=out, conn=redis_conn, report_path=tmp_path / "r.html",
                    secret_key=TEST_SECRET_KEY) == 0  # fmt: skip
    assert redis_conn.exists("dealcoach:idem:hubspot:62515")
    registry = TenantRegistry(redis_conn, TEST_SECRET_KEY)
    hubspot, salesforce = registry.get("hubspot:62515"), registry.get("salesforce:00D5g000004XyZaEAK")
    assert hubspot is not None and "refresh_token" in hubspot.credentials, "installed through OAuth"
    assert hubspot.settings.sla == {"noise_budget": 4} and set(hubspot.settings.stage_maps) == {"default"}
    assert salesforce is not None and "refresh_token" in salesforce.credentials, "installed through OAuth"
    assert salesforce.settings.sla.get("noise_budget") == 4, "the org's settings record, read by the first job"


def test_packaged_sample_is_a_japanese_two_party_call() -> None:
    transcript = parse_transcript(sample_transcript().read_bytes(), filename=sample_transcript().name)
    assert transcript.language == "ja"
    assert {s.speaker for s in transcript.segments} == {"山田 太郎", "高橋"}
