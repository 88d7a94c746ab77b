"""Webhook signature checks on raw bytes: HubSpot v1/v2/v3 and DealCoach's own HMAC header.

HubSpot: https://developers.hubspot.com/docs/api/webhooks/validating-requests
The SDK's `hubspot.utils.signature.Signature` neither URL-decodes the URI as HubSpot specifies nor
rejects future timestamps, so the checks live here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

TOLERANCE_S = 300
# A timestamp is ASCII digits of a sane length: `str.isdigit` also takes "²" or "١٢٣", and 400 digits overflow a float.
_MS_TIMESTAMP = re.compile(r"[0-9]{1,16}")
_S_TIMESTAMP = re.compile(r"[0-9]{1,13}")

# HubSpot decodes exactly these escapes in the URI before hashing a v3 signature.
_V3_URI_DECODE = {
    "%3A": ":",
    "%2F": "/",
    "%3F": "?",
    "%40": "@",
    "%21": "!",
    "%24": "$",
    "%27": "'",
    "%28": "(",
    "%29": ")",
    "%2A": "*",
    "%2C": ",",
    "%3B": ";",
}


class SignatureError(Exception):
    """Why a request is not trusted; `slug` is what gets logged."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


def _same(given: str, expected: str) -> bool:
    """Constant-time compare that never raises: `hmac.compare_digest` refuses non-ASCII str (a header may carry any
    latin-1 character), and our expected values are always ASCII, so a non-ASCII value simply does not match."""
    return given.isascii() and hmac.compare_digest(given.encode(), expected.encode())


def decode_hubspot_uri(uri: str) -> str:
    """Apply HubSpot's v3 decode map (case-insensitive escapes), leaving every other escape alone."""
    out: list[str] = []
    i = 0
    while i < len(uri):
        chunk = uri[i : i + 3].upper()
        if uri[i] == "%" and chunk in _V3_URI_DECODE:
            out.append(_V3_URI_DECODE[chunk])
            i += 3
        else:
            out.append(uri[i])
            i += 1
    return "".join(out)


def sign_hubspot_v1(body: bytes, secret: str) -> str:
    return hashlib.sha256(secret.encode() + body).hexdigest()


def sign_hubspot_v2(body: bytes, secret: str, method: str, uri: str) -> str:
    return hashlib.sha256(secret.encode() + method.encode() + uri.encode() + body).hexdigest()


def sign_hubspot_v3(body: bytes, secret: str, method: str, uri: str, timestamp_ms: int | str) -> str:
    message = method.encode() + decode_hubspot_uri(uri).encode() + body + str(timestamp_ms).encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def hubspot_v3_headers(
    body: bytes, secret: str, uri: str, *, method: str = "POST", now: float | None = None
) -> dict[str, str]:
    """Headers HubSpot would send with `body`, for tests (the sandbox signs with its own code)."""
    ts = int((time.time() if now is None else now) * 1000)
    return {
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": sign_hubspot_v3(body, secret, method, uri, ts),
        "X-HubSpot-Request-Timestamp": str(ts),
    }


@dataclass(frozen=True)
class HubSpotRequest:
    """What a HubSpot signature covers: method, the public URI as HubSpot called it, headers and raw body."""

    method: str
    uri: str
    headers: Mapping[str, str]
    body: bytes


def verify_hubspot(req: HubSpotRequest, secrets: Iterable[str], *, now: float | None = None) -> str:
    """Return the signature version that matched, or raise `SignatureError` with a precise slug.

    v3 is preferred whenever its header is present; several secrets may be given so they can rotate.
    """
    secrets = [s for s in secrets if s]
    if not secrets:
        raise SignatureError("no_secret_configured")
    h = {k.lower(): v for k, v in req.headers.items()}
    if "x-hubspot-signature-v3" in h:
        ts_raw = h.get("x-hubspot-request-timestamp", "")
        if not _MS_TIMESTAMP.fullmatch(ts_raw):
            raise SignatureError("missing_or_bad_timestamp")
        age_s = (time.time() if now is None else now) - int(ts_raw) / 1000
        if age_s > TOLERANCE_S:
            raise SignatureError("timestamp_too_old")
        if age_s < -TOLERANCE_S:
            raise SignatureError("timestamp_in_future")
        given = h["x-hubspot-signature-v3"]
        if any(_same(given, sign_hubspot_v3(req.body, s, req.method, req.uri, ts_raw)) for s in secrets):
            return "v3"
        raise SignatureError("invalid_signature")
    given = h.get("x-hubspot-signature") or ""
    if not given:
        raise SignatureError("missing_signature")
    version = h.get("x-hubspot-signature-version", "v1").lower()
    if version == "v1":
        expected = [sign_hubspot_v1(req.body, s) for s in secrets]
    elif version == "v2":
        expected = [sign_hubspot_v2(req.body, s, req.method, req.uri) for s in secrets]
    else:
        raise SignatureError("unknown_signature_version")
    if any(_same(given.lower(), e) for e in expected):
        return version
    raise SignatureError("invalid_signature")


@lru_cache(maxsize=64)
def _keyed_hmac(secret: str) -> hmac.HMAC:
    """An HMAC-SHA256 with the secret's key schedule done once; each use is a `copy()` of it (same digest)."""
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def _dealcoach_mac(body: bytes, secret: str, timestamp: str) -> str:
    mac = _keyed_hmac(secret).copy()
    mac.update(timestamp.encode() + b"." + body)
    return mac.hexdigest()


def sign_dealcoach(body: bytes, secret: str, timestamp: int) -> str:
    """`X-DealCoach-Signature` value for Salesforce Flow/Apex callouts: t=<unix>,v1=<hex hmac of "t.body">."""
    return f"t={timestamp},v1={_dealcoach_mac(body, secret, str(timestamp))}"


def verify_dealcoach(body: bytes, header: str | None, secrets: Iterable[str], *, now: float | None = None) -> None:
    """Check `X-DealCoach-Signature` (Flow/Apex callouts); raise `SignatureError` with a precise slug."""
    secrets = [s for s in secrets if s]
    if not secrets:
        raise SignatureError("no_secret_configured")
    if not header:
        raise SignatureError("missing_signature")
    pairs = [p.strip().partition("=")[::2] for p in header.split(",")]
    ts = next((v for k, v in pairs if k == "t"), "")
    given = [v for k, v in pairs if k == "v1"]
    if not _S_TIMESTAMP.fullmatch(ts):
        raise SignatureError("missing_or_bad_timestamp")
    age_s = (time.time() if now is None else now) - int(ts)
    if age_s > TOLERANCE_S:
        raise SignatureError("timestamp_too_old")
    if age_s < -TOLERANCE_S:
        raise SignatureError("timestamp_in_future")
    expected = [_dealcoach_mac(body, s, str(int(ts))) for s in secrets]
    if not any(_same(g, e) for g in given for e in expected):
        raise SignatureError("invalid_signature")
