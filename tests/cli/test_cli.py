"""The `dealcoach` console script: thin commands, real Redis, real files."""

from __future__ import annotations

import json

import pytest
import redis

from connector.tenants import TenantRegistry
from dealcoach_cli import main
from sync.demo.run import sample_transcript
from tests.conftest import TEST_SECRET_KEY


def test_tenants_add_list_remove(redis_server, redis_conn: redis.Redis, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    assert main(["tenants", "add", "--provider", "hubspot", "--id", "62515", "--access-token", "pat-na1-secret",
                 "--api-base", "http://127.0.0.1:9"]) == 0
    tenant = TenantRegistry(redis_conn, TEST_SECRET_KEY).get("hubspot:62515")
    assert tenant is not None and tenant.credentials["access_token"] == "pat-na1-secret"
    assert b"pat-na1-secret" not in b"".join(v for k in redis_conn.keys("dealcoach:tenant:*") for v in [redis_conn.get(k)])
    assert main(["tenants", "list"]) == 0
    assert "hubspot:62515" in capsys.readouterr().out
    assert main(["tenants", "remove", "--provider", "hubspot", "--id", "62515"]) == 0
    assert main(["tenants", "remove", "--provider", "hubspot", "--id", "62515"]) == 1


def test_tenants_add_needs_a_token(redis_server, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
    assert main(["tenants", "add", "--provider", "hubspot", "--id", "1"]) == 2


def test_score_json_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(sample_transcript()), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["rubric"] == "sales-7-phase" and card["language"] == "ja" and card["scorer"] == "offline"
    assert [p["id"] for p in card["phases"]] == ["research", "first_contact", "needs_discovery", "proposal",
                                                  "negotiation_closing", "contract_implementation", "after_follow"]
    transcript = sample_transcript().read_text(encoding="utf-8")
    quotes = [e["quote"] for p in card["phases"] for c in p["criteria"] for e in c["evidence"]]
    assert quotes and all(q in transcript for q in quotes)


def test_score_unreadable_file_is_a_clear_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "call.vtt"
    bad.write_bytes(b"")
    assert main(["score", str(bad)]) == 2
    assert "cannot read transcript" in capsys.readouterr().err


def test_salesforce_tenant_is_stored_under_its_18_char_org_id(redis_server, redis_conn: redis.Redis,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    assert main(["tenants", "add", "--provider", "salesforce", "--id", "00D5g000004XyZa",
                 "--instance-url", "https://example.my.salesforce.com"]) == 2
    assert main(["tenants", "add", "--provider", "salesforce", "--id", "00D5g000004XyZa",
                 "--instance-url", "https://example.my.salesforce.com", "--refresh-token", "rt"]) == 0
    tenant = TenantRegistry(redis_conn, TEST_SECRET_KEY).get("salesforce:00D5g000004XyZaEAK")
    assert tenant is not None and tenant.credentials["refresh_token"] == "rt"


def test_sla_evaluate_prints_the_contract_plan(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import FIXTURES

    assert main(["sla", "evaluate", str(FIXTURES / "sla" / "friday_meeting__state.json"), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    expected = json.loads((FIXTURES / "sla" / "friday_meeting__plan.json").read_text(encoding="utf-8"))
    assert plan == expected
    assert set(plan) == {"create", "update", "close"}
    assert set(plan["create"][0]) == {"key", "rule", "deal", "owner", "subject", "due", "priority", "why"}


def test_sla_evaluate_bad_state_is_a_clear_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "state.json"
    bad.write_text('{"now": "yesterday", "deals": []}', encoding="utf-8")
    assert main(["sla", "evaluate", str(bad)]) == 2
    assert "cannot evaluate" in capsys.readouterr().err
