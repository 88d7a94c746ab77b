"""What an operator sees when `dealcoach` cannot run: one line on stderr, no traceback, a non-zero status.

Each case is a real process (`python -m dealcoach_cli`, as the console script runs it) with an environment built
from nothing, against the session's throwaway redis-server ("up") or a closed port ("down").
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import redis

from connector.models import TenantSettings
from connector.tenants import Tenant, TenantRegistry
from dealcoach_cli import build_parser
from sync.demo.run import sample_transcript
from tests.conftest import FIXTURES, TEST_SECRET_KEY, RedisServer, free_port

ROOT = Path(__file__).resolve().parents[2]
KEY = {"DEALCOACH_SECRET_KEY": TEST_SECRET_KEY}
SF_CREDS = ["--instance-url", "https://example.my.salesforce.com", "--refresh-token", "rt"]


def run(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """`dealcoach ARGS` with only `env` (plus PATH); a command that does not stop on its own fails the test."""
    try:
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env={"PATH": os.environ.get("PATH", ""), **env},
            **{"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs},  # type: ignore[call-overload]
            text=True, timeout=15,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"dealcoach {' '.join(args)} kept running instead of refusing to start")


@pytest.fixture
def redis_up(redis_conn: redis.Redis, redis_server: RedisServer) -> dict[str, str]:
    return {"REDIS_URL": redis_server.url}


@pytest.fixture
def redis_down() -> dict[str, str]:
    return {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}


# (id, arguments, environment, which Redis, what the one line says)
CASES = [
    ("serve-no-secret-key", ["serve"], {"HUBSPOT_CLIENT_SECRET": "s"}, "down", "DEALCOACH_SECRET_KEY is not set"),
    ("serve-no-webhook-secret", ["serve"], KEY, "up", "no webhook can be verified: set HUBSPOT_CLIENT_SECRET"),
    ("worker-no-secret-key", ["worker", "--burst"], {}, "up", "DEALCOACH_SECRET_KEY is not set"),
    ("worker-redis-down", ["worker", "--burst"], KEY, "down", "cannot reach Redis at redis://127.0.0.1:"),
    ("cron-redis-down", ["cron"], KEY, "down", "cannot reach Redis"),
    ("sweep-redis-down", ["sweep"], KEY, "down", "cannot reach Redis"),
    ("tenants-redis-down", ["tenants", "list"], KEY, "down", "cannot reach Redis"),
    ("redis-password-not-shown", ["tenants", "list"], {**KEY, "REDIS_URL": "redis://:hunter2@127.0.0.1:9/0"}, None,
     "cannot reach Redis at redis://127.0.0.1:9/0 (REDIS_URL)"),
    ("sweep-unknown-tenant", ["sweep", "--tenant", "hubspot:404"], KEY, "up", "unknown tenant 'hubspot:404'"),
    ("remove-unknown-tenant", ["tenants", "remove", "--id", "404"], KEY, "up", "unknown tenant 'hubspot:404'"),
    ("settings-not-json", ["tenants", "add", "--id", "1", "--access-token", "t", "--settings", "{"], KEY, "up",
     "--settings: not JSON"),
    ("settings-not-object", ["tenants", "add", "--id", "1", "--access-token", "t", "--settings", "[1]"], KEY, "up",
     "--settings: must be a JSON object, not list"),
    ("settings-unknown-key", ["tenants", "add", "--id", "1", "--access-token", "t", "--settings",
                              '{"sla_enable": false}'], KEY, "up", "--settings: unknown key 'sla_enable' (known: "),
    ("settings-wrong-type", ["tenants", "add", "--id", "1", "--access-token", "t", "--settings",
                             '{"redact_pii": "no"}'], KEY, "up", "--settings: 'redact_pii' must be true/false"),
    ("salesforce-bad-checksum", ["tenants", "add", "--provider", "salesforce", "--id", "00D5g000004XyZaAAA",
                                 *SF_CREDS], KEY, "up", "is not a Salesforce org id"),
    ("salesforce-not-an-org", ["tenants", "add", "--provider", "salesforce", "--id", "0065g000004XyZa", *SF_CREDS],
     KEY, "up", "not an org id (org ids start with 00D)"),
    ("hubspot-bad-portal", ["tenants", "add", "--id", "62515x", "--access-token", "t"], KEY, "up",
     "is not a HubSpot portal id"),
    ("hubspot-no-token", ["tenants", "add", "--id", "62515"], KEY, "up", "an access token is required"),
    ("report-bad-month", ["report", "--tenant", "hubspot:1", "--month", "2026/11"], KEY, None,
     "month must look like YYYY-MM, got '2026/11'"),
    ("report-unknown-tenant", ["report", "--tenant", "hubspot:404", "--month", "2026-11"], KEY, "up",
     "unknown tenant 'hubspot:404'"),
    ("report-redis-down", ["report", "--tenant", "hubspot:1", "--month", "2026-11"], KEY, "down", "cannot reach Redis"),
    ("unknown-log-level", ["sla", "evaluate", "x.json"], {"DEALCOACH_LOG_LEVEL": "loud"}, None,
     "DEALCOACH_LOG_LEVEL='loud' is not a log level"),
]


@pytest.mark.parametrize(("args", "env", "redis_state", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_is_one_line(args: list[str], env: dict[str, str], redis_state: str | None, says: str,
                           request: pytest.FixtureRequest) -> None:
    redis_env = request.getfixturevalue(f"redis_{redis_state}") if redis_state else {}
    result = run(["-m", "dealcoach_cli", *args], {**redis_env, **env, "PORT": str(free_port())})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"dealcoach {args[0]}: ") and says in result.stderr
    assert "hunter2" not in result.stderr


def test_sweep_with_another_secret_key_is_one_line(redis_up: dict[str, str], redis_conn: redis.Redis) -> None:
    TenantRegistry(redis_conn, TEST_SECRET_KEY).add(
        Tenant(provider="hubspot", external_id="62515", credentials={"access_token": "t"}, settings=TenantSettings())
    )
    result = run(["-m", "dealcoach_cli", "sweep"], {**redis_up, "DEALCOACH_SECRET_KEY": "another-key"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "dealcoach sweep: credentials of hubspot:62515 cannot be decrypted with this DEALCOACH_SECRET_KEY"
        " (nor any key in DEALCOACH_SECRET_KEY_PREVIOUS)"
    ]


def test_version() -> None:
    result = run(["-m", "dealcoach_cli", "--version"], {})
    assert (result.returncode, result.stdout, result.stderr) == (0, f"dealcoach {metadata.version('dealcoach')}\n", "")


def test_log_level_is_case_insensitive() -> None:
    state = FIXTURES / "sla" / "friday_meeting__state.json"
    result = run(["-m", "dealcoach_cli", "sla", "evaluate", str(state)], {"DEALCOACH_LOG_LEVEL": "info"})
    assert (result.returncode, result.stderr) == (0, "")


def test_broken_pipe_is_quiet() -> None:
    """`dealcoach score x.vtt | head -1`: the reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run(["-m", "dealcoach_cli", "score", str(sample_transcript())], {}, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert result.stderr == "" and result.returncode != 0


def test_main_fails_at_import_with_the_serve_message(redis_up: dict[str, str]) -> None:
    """gunicorn prints the exception's message and halts; it is the line `dealcoach serve` prints."""
    env = {**redis_up, **KEY}
    serve = run(["-m", "dealcoach_cli", "serve", "--port", str(free_port())], env)
    gunicorn = run(["-c", "import main"], env)
    assert gunicorn.returncode != 0
    message = serve.stderr.strip().removeprefix("dealcoach serve: ")
    assert message.startswith("cannot start: no webhook")
    assert gunicorn.stderr.strip().splitlines()[-1] == f"RuntimeError: dealcoach {message}"
    assert run(["-c", "import main"], {**env, "HUBSPOT_CLIENT_SECRET": "s"}).returncode == 0


def test_a_registered_salesforce_org_is_enough_to_serve(redis_conn: redis.Redis, redis_server: RedisServer) -> None:
    from webhooks.app import config_from_env, required_config_problems

    config = {**config_from_env({"REDIS_URL": redis_server.url}), **KEY}
    assert len(required_config_problems(config)) == 1
    TenantRegistry(redis_conn, TEST_SECRET_KEY).add(
        Tenant(provider="salesforce", external_id="00D5g000004XyZaEAK", credentials={}, settings=TenantSettings())
    )
    assert required_config_problems(config) == []
    assert required_config_problems({**config, "SALESFORCE_ALLOWED_ORG_IDS": ["00D5g000004XyZa"]},
                                    registered_tenants=list) == []
    # Redis down is the readiness probe's business: the orgs may well be registered.
    assert required_config_problems({**config, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}) == []


def test_every_option_has_help() -> None:
    def missing(parser: object, path: str) -> list[str]:
        out = []
        for action in parser._actions:  # type: ignore[attr-defined]
            if action.choices and isinstance(action.choices, dict):
                for name, child in action.choices.items():
                    out += missing(child, f"{path} {name}")
            elif not action.help:
                out.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
        return out

    assert missing(build_parser(), "dealcoach") == []
