"""`dealcoach tenants rotate-key`: every secret DealCoach stores, re-encrypted under the current key.

The registry decrypts with the current key and the previous ones (`DEALCOACH_SECRET_KEY_PREVIOUS`) and always encrypts
with the current one, so a rotation is: deploy the new key with the old one as previous, run this command, then drop
the old key. Encrypted values live in two places only: each tenant's registry record (its CRM credentials, refresh
tokens included) and the cached HubSpot access tokens (`connector.hubspot.oauth`). Plain values are never exposed here:
Fernet's rotate decrypts and re-encrypts in one step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import cast

import redis

from connector.tenants import TenantError, TenantRegistry
from sync.forget import redis_escape

log = logging.getLogger("dealcoach.sync.rekey")

# Sealed values kept next to the registry, `{}` the tenant id (connector/hubspot/oauth.py `_TOKEN_KEY`).
SEALED_KEYS = ("dealcoach:oauth:access:{}",)


@dataclass
class RekeyResult:
    """What a rotation did: tenants and cached secrets re-encrypted, tenants whose secrets no key could open."""

    tenants: int = 0
    sealed: int = 0
    failed: list[str] = field(default_factory=list)


def rekey_all(conn: redis.Redis, registry: TenantRegistry) -> RekeyResult:
    """Re-encrypt every tenant's credentials and cached tokens; a tenant no configured key opens is listed, not fatal."""
    result = RekeyResult()
    for tid in registry.list_ids():
        try:
            if registry.rekey(tid):
                result.tenants += 1
            result.sealed += _rekey_sealed(conn, registry, tid)
        except TenantError:
            log.error("sync.rekey.undecryptable tenant=%s", tid)
            result.failed.append(tid)
    log.info("sync.rekey.done tenants=%d sealed=%d failed=%d", result.tenants, result.sealed, len(result.failed))
    return result


def _rekey_sealed(conn: redis.Redis, registry: TenantRegistry, tid: str) -> int:
    """Re-encrypt the tenant's cached secrets in place, keeping their expiry; a value that changed meanwhile (a job
    refreshed the token under the new key already) is left as the job wrote it."""
    done = 0
    for pattern in SEALED_KEYS:
        for key in cast(list[bytes], list(conn.scan_iter(match=pattern.format(redis_escape(tid))))):
            raw = cast(bytes | None, conn.get(key))
            if raw is None:
                continue
            new = registry.reseal(raw.decode())
            # Compare-and-set in one step: only if the value is still the one read; KEEPTTL keeps the token's expiry.
            swapped = conn.eval(_CAS, 1, key.decode(), raw.decode(), new)
            done += int(cast(int, swapped))
    return done


_CAS = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
"""
