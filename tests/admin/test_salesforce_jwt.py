"""JWT bearer set-up from the CLI, as an admin runs it: `dealcoach tenants add --username --private-key
--consumer-key --login-url` in a real process against the sandbox org over HTTPS; the org checks the RS256
signature against the certificate uploaded to the connected app, and iss/sub/aud/exp; workers then get their own
sessions with the stored key."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from connector.base import CrmAuthError
from connector.salesforce import jwt_bearer
from connector.salesforce.crm import SalesforceCrm, sobject
from connector.sandbox.salesforce import SalesforceSandboxConfig, start_salesforce_sandbox
from connector.sandbox.salesforce_client import SandboxOrg, trusted_session
from connector.tenants import TenantRegistry, crm_for
from tests.conftest import TEST_SECRET_KEY, RedisServer

ROOT = Path(__file__).resolve().parents[2]
CONFIG = SalesforceSandboxConfig()
API_USER = next(u for u in CONFIG.users if u["Id"] == CONFIG.api_user_id)


def _key_and_cert(tmp: Path, name: str) -> tuple[Path, str]:
    """A 2048-bit RSA key (PEM file) and its self-signed certificate (PEM text), as `openssl req -x509` makes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dealcoach-jwt")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256())
    )  # fmt: skip
    path = tmp / f"{name}.key"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(pem)
    return path, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def org() -> Iterator[SandboxOrg]:
    server, app = start_salesforce_sandbox(CONFIG)
    yield SandboxOrg(server, app)
    server.stop()


@pytest.fixture
def keys(org: SandboxOrg, tmp_path: Path) -> tuple[Path, Path]:
    """The connected app's key (its certificate uploaded, the API user pre-approved) and an unrelated key."""
    good, cert = _key_and_cert(tmp_path, "good")
    other, _ = _key_and_cert(tmp_path, "other")
    org.control("POST", "oauth/jwt-app", {"certificate": cert, "approved": [API_USER["Username"]], "audience": ""})
    return good, other


def _cli(redis_server: RedisServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SALESFORCE_", "REQUESTS_CA"))},
        "REDIS_URL": redis_server.url,
        "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
    }
    cmd = [sys.executable, str(ROOT / "dealcoach_cli.py"), "tenants", "add", "--provider", "salesforce", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False)


def _jwt_args(org: SandboxOrg, key: Path, username: str = API_USER["Username"]) -> list[str]:
    return ["--username", username, "--private-key", str(key), "--consumer-key", CONFIG.oauth_client_id,
            "--login-url", org.url, "--ca-bundle", str(org.cert)]  # fmt: skip


def _grants(org: SandboxOrg) -> int:
    return int(org.control("GET", "oauth/jwt-grants")["grants"])


def test_tenants_add_with_a_private_key_registers_the_org_and_workers_get_sessions(
    org: SandboxOrg, keys: tuple[Path, Path], redis_server: RedisServer, redis_conn: redis.Redis
) -> None:
    before = _grants(org)
    done = _cli(redis_server, *_jwt_args(org, keys[0]))
    assert done.returncode == 0, done.stderr
    tid = f"salesforce:{CONFIG.org_id}"
    assert done.stdout.strip() == f"registered {tid}", "the org id comes from the grant's identity URL"
    assert _grants(org) == before + 1
    tenant = TenantRegistry(redis_conn, TEST_SECRET_KEY).get(tid)
    assert tenant is not None
    creds = tenant.credentials
    assert creds["username"] == API_USER["Username"] and "BEGIN PRIVATE KEY" in creds["private_key"]
    assert creds["user_id"] == CONFIG.api_user_id and "session_id" not in creds
    assert not any(b"PRIVATE KEY" in (redis_conn.dump(k) or b"") for k in redis_conn.keys("*")), "stored encrypted"
    # A worker's client: a fresh grant, then real REST calls with that session.
    crm = crm_for(tenant)
    assert isinstance(crm, SalesforceCrm)
    opp = sobject(crm.sf, "Opportunity").create(
        {"Name": "JWT 商談", "StageName": "Prospecting", "CloseDate": "2027-03-31"}
    )
    assert crm.get_deal(opp["id"]).name == "JWT 商談"
    assert _grants(org) == before + 2


def test_a_key_whose_certificate_is_not_uploaded_is_refused_and_nothing_is_stored(
    org: SandboxOrg, keys: tuple[Path, Path], redis_server: RedisServer, redis_conn: redis.Redis
) -> None:
    done = _cli(redis_server, *_jwt_args(org, keys[1]))
    assert done.returncode == 1
    assert "invalid_grant" in done.stderr and "invalid assertion" in done.stderr
    assert TenantRegistry(redis_conn, TEST_SECRET_KEY).list_ids() == []


def test_a_user_not_approved_for_the_app_is_refused(
    org: SandboxOrg, keys: tuple[Path, Path], redis_server: RedisServer
) -> None:
    rep = next(u for u in CONFIG.users if u["Id"] != CONFIG.api_user_id and u.get("IsActive", True))
    done = _cli(redis_server, *_jwt_args(org, keys[0], username=rep["Username"]))
    assert done.returncode == 1 and "user hasn't approved this consumer" in done.stderr


def test_a_wrong_org_id_is_named(org: SandboxOrg, keys: tuple[Path, Path], redis_server: RedisServer) -> None:
    done = _cli(redis_server, "--id", "00D000000000001", *_jwt_args(org, keys[0]))
    assert done.returncode == 2 and f"Salesforce says {CONFIG.org_id}" in done.stderr


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"aud": "https://login.salesforce.com"}, "audience is invalid"),
        ({"exp": 1}, "invalid assertion: expired"),
        ({"exp": 10**10}, "more than 3 minutes ahead"),
        ({"iss": "another-app"}, "client identifier invalid"),
        ({"sub": None}, "invalid assertion"),
    ],
)
def test_the_org_checks_each_claim(
    org: SandboxOrg, keys: tuple[Path, Path], claims: dict[str, object], error: str
) -> None:
    """Each claim broken alone, signed with the right key: the org refuses it with Salesforce's error."""
    good = {"iss": CONFIG.oauth_client_id, "sub": API_USER["Username"], "aud": org.url, "exp": 0}
    good["exp"] = int(jwt_bearer.time.time()) + 120
    body = {k: v for k, v in {**good, **claims}.items() if v is not None}
    signed = jwt.encode(body, keys[0].read_text(), algorithm="RS256")
    resp = trusted_session(org.cert).post(
        f"{org.url}/services/oauth2/token", data={"grant_type": jwt_bearer.GRANT_TYPE, "assertion": signed}, timeout=10
    )
    assert resp.status_code == 400 and error in resp.json()["error_description"]


def test_the_client_names_the_refusal(org: SandboxOrg, keys: tuple[Path, Path]) -> None:
    with pytest.raises(CrmAuthError, match="invalid_grant"):
        jwt_bearer.grant(trusted_session(org.cert), f"{org.url}/services/oauth2/token",
                         consumer_key=CONFIG.oauth_client_id, username=API_USER["Username"],
                         private_key=keys[1].read_text())  # fmt: skip
