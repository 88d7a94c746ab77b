"""Tenant registry in Redis: who is installed, how to reach their CRM, their settings.

Credentials are encrypted at rest with a key derived from `DEALCOACH_SECRET_KEY` (Fernet), so a
Redis dump does not leak CRM tokens. OAuth installs write through `add`; a revoked install is marked disconnected.
Key rotation: the keys in `DEALCOACH_SECRET_KEY_PREVIOUS` still decrypt (MultiFernet), every write uses the new key,
and `dealcoach tenants rotate-key` (`sync.rekey`) re-encrypts what is stored so the old key can be retired.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import redis
import requests
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from connector.base import Crm
from connector.download import DownloadPolicy
from connector.http import DEFAULT_RESERVE, ApiBudget
from connector.models import TenantSettings

_KEY = "dealcoach:tenant:{}"


def tenant_key(tid: str) -> str:
    """The Redis key of a registered tenant (the webhooks check it in the same round trip as their duplicate probe)."""
    return _KEY.format(tid)


_INDEX = "dealcoach:tenants"


class TenantError(Exception):
    """A tenant record is missing, unreadable, or its secrets cannot be decrypted."""


def tenant_id(provider: str, external_id: str | int) -> str:
    """`hubspot:<portalId>` / `salesforce:<orgId>` (Salesforce org ids are stored in 18-character form)."""
    return f"{provider}:{external_id}"


@dataclass(frozen=True)
class Tenant:
    """One installed CRM account."""

    provider: str
    external_id: str
    credentials: dict[str, str] = field(default_factory=dict)
    settings: TenantSettings = field(default_factory=TenantSettings)
    name: str = ""
    # Why the CRM no longer accepts DealCoach (e.g. "refresh_token_revoked"); empty while connected.
    disconnected: str = ""

    @property
    def id(self) -> str:
        return tenant_id(self.provider, self.external_id)


def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest()))


def previous_keys(raw: str) -> tuple[str, ...]:
    """`DEALCOACH_SECRET_KEY_PREVIOUS`: the retired keys, comma-separated, that may still decrypt stored secrets."""
    return tuple(k.strip() for k in raw.split(",") if k.strip())


class TenantRegistry:
    """CRUD over tenants; the only place that sees decrypted credentials."""

    def __init__(self, conn: redis.Redis, secret_key: str, previous: Sequence[str] = ()) -> None:
        if not secret_key:
            raise TenantError("DEALCOACH_SECRET_KEY is not set: it is needed to encrypt stored CRM credentials")
        self.conn = conn
        # The first key encrypts; every key decrypts (a value sealed before a rotation stays readable).
        self._fernet = MultiFernet([_fernet(k) for k in (secret_key, *previous)])

    def add(self, tenant: Tenant) -> None:
        record = {
            "provider": tenant.provider,
            "external_id": tenant.external_id,
            "name": tenant.name,
            "settings": tenant.settings.__dict__,
            "credentials": self._fernet.encrypt(json.dumps(tenant.credentials).encode()).decode(),
            "disconnected": tenant.disconnected,
        }
        pipe = self.conn.pipeline(transaction=True)
        pipe.set(_KEY.format(tenant.id), json.dumps(record))
        pipe.sadd(_INDEX, tenant.id)
        pipe.execute()

    def exists(self, tid: str) -> bool:
        return bool(self.conn.exists(_KEY.format(tid)))

    def get(self, tid: str) -> Tenant | None:
        raw = cast(bytes | None, self.conn.get(_KEY.format(tid)))
        if raw is None:
            return None
        record: dict[str, Any] = json.loads(raw)
        try:
            creds = json.loads(self._fernet.decrypt(record["credentials"].encode()))
        except InvalidToken as exc:
            raise TenantError(
                f"credentials of {tid} cannot be decrypted with this DEALCOACH_SECRET_KEY"
                " (nor any key in DEALCOACH_SECRET_KEY_PREVIOUS)"
            ) from exc
        return Tenant(
            provider=record["provider"],
            external_id=record["external_id"],
            credentials=creds,
            settings=TenantSettings.from_dict(record.get("settings")),
            name=record.get("name", ""),
            disconnected=record.get("disconnected", ""),
        )

    def seal(self, plain: str) -> str:
        """Encrypt a secret kept next to the registry (cached access tokens) with the same key."""
        return self._fernet.encrypt(plain.encode()).decode()

    def unseal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise TenantError(
                "a sealed value cannot be decrypted with this DEALCOACH_SECRET_KEY (nor DEALCOACH_SECRET_KEY_PREVIOUS)"
            ) from exc

    def reseal(self, sealed: str) -> str:
        """The same secret encrypted under the current key (`sync.rekey`); never exposes the plain value."""
        try:
            return self._fernet.rotate(sealed.encode()).decode()
        except InvalidToken as exc:
            raise TenantError(
                "a sealed value cannot be decrypted with DEALCOACH_SECRET_KEY or the previous keys"
            ) from exc

    def rekey(self, tid: str) -> bool:
        """Re-encrypt one tenant's stored credentials under the current key, atomically against a concurrent write
        (a refresh token rotated by a job); False when the tenant is gone."""
        key = _KEY.format(tid)
        with self.conn.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = cast(bytes | None, pipe.get(key))
                    if raw is None:
                        return False
                    record: dict[str, Any] = json.loads(raw)
                    try:
                        record["credentials"] = self.reseal(record["credentials"])
                    except TenantError as exc:
                        raise TenantError(f"credentials of {tid} cannot be decrypted with any configured key") from exc
                    pipe.multi()
                    pipe.set(key, json.dumps(record))
                    pipe.execute()
                    return True
                except redis.WatchError:
                    continue

    def mark_disconnected(self, tid: str, reason: str) -> None:
        """Remember that the CRM revoked DealCoach's access; jobs for the tenant stop until it is reinstalled."""
        tenant = self.get(tid)
        if tenant is not None:
            self.add(dataclasses.replace(tenant, disconnected=reason))

    def update_credentials(self, tid: str, changes: dict[str, str]) -> None:
        """Merge new credential values (a rotated refresh token) into a stored tenant."""
        tenant = self.get(tid)
        if tenant is not None:
            self.add(dataclasses.replace(tenant, credentials={**tenant.credentials, **changes}))

    def list_ids(self) -> list[str]:
        members = cast(set[bytes | str], self.conn.smembers(_INDEX))
        return sorted(x.decode() if isinstance(x, bytes) else x for x in members)

    def remove(self, tid: str) -> bool:
        pipe = self.conn.pipeline(transaction=True)
        pipe.delete(_KEY.format(tid))
        pipe.srem(_INDEX, tid)
        return bool(pipe.execute()[0])


def crm_for(
    tenant: Tenant,
    *,
    downloads: DownloadPolicy | None = None,
    api_reserve: float = DEFAULT_RESERVE,
    token_provider: Callable[[], str] | None = None,
) -> Crm:
    """A new connector for a tenant (the worker runtime keeps one per tenant, so its caches pay off).

    `downloads` is where the CRM's files may come from (the runtime builds it; production's default refuses all
    local traffic); `api_reserve` is the share of the daily API allowance left to the customer's other tools;
    `token_provider` gives an OAuth-installed portal's current access token.
    """
    budget = ApiBudget(reserve_fraction=api_reserve)
    if tenant.provider == "hubspot":
        from connector.hubspot.crm import DEFAULT_API_BASE, HubSpotCrm

        return HubSpotCrm(
            access_token=tenant.credentials.get("access_token", ""),
            token_provider=token_provider,
            api_base=tenant.credentials.get("api_base") or DEFAULT_API_BASE,
            portal_id=tenant.external_id,
            budget=budget,
            downloads=downloads,
        )
    if tenant.provider == "salesforce":
        from connector.salesforce.auth import SalesforceAuth
        from connector.salesforce.crm import SalesforceCrm

        session = requests.Session()
        if tenant.credentials.get("ca_bundle"):
            # A private CA (the sandbox org): trust only it, not REQUESTS_CA_BUNDLE from the environment.
            session.verify = tenant.credentials["ca_bundle"]
            session.trust_env = False
        return SalesforceCrm(
            auth=SalesforceAuth.from_credentials(tenant.credentials),
            tenant=tenant.id,
            tz=tenant.settings.timezone,
            language=tenant.settings.language,
            session=session,
            budget=budget,
            downloads=downloads,
        )
    raise TenantError(f"provider {tenant.provider!r} is not supported")


def credentials_fingerprint(tenant: Tenant) -> str:
    """Changes when a tenant's credentials do (a re-install), so a cached connector is replaced."""
    return hashlib.sha256(json.dumps(tenant.credentials, sort_keys=True).encode()).hexdigest()
