"""How the stand-in vendors sign what they send, written from the vendors' documents, not from DealCoach's checker.

The sandbox plays HubSpot and a Salesforce admin's Flow, so it signs on its own: if it borrowed DealCoach's verifier
code, a mistake in that code would be mirrored here and every test would still pass.

- HubSpot v1: `sha256(client secret + body)`, hex
  (https://developers.hubspot.com/docs/api/webhooks/validating-requests, "Validate requests using the v1 request
  signature").
- HubSpot v3: base64 of HMAC-SHA256 over `method + uri + body + timestamp(ms)`, keyed by the client secret; the
  URI is taken with the documented characters (`: / ? @ ! $ ' ( ) * , ;`) URL-decoded ("Validate the v3 request
  signature"); headers `X-HubSpot-Signature-v3` and `X-HubSpot-Request-Timestamp`.
- Flow / Apex callouts: DealCoach's documented header `X-DealCoach-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
  "t.body">` (docs/contracts.md), as an admin's Apex computes it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from urllib.parse import unquote

# The characters HubSpot's v3 document lists as decoded before signing; any other escape stays as sent.
_DECODED = re.compile(r"%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)", re.IGNORECASE)


def hubspot_v1_signature(body: bytes, client_secret: str) -> str:
    return hashlib.sha256(client_secret.encode() + body).hexdigest()


def hubspot_v3_headers(body: bytes, client_secret: str, uri: str, *, method: str = "POST") -> dict[str, str]:
    """The headers HubSpot sends with a webhook request to `uri`, signed now."""
    timestamp = str(int(time.time() * 1000))
    signed_uri = _DECODED.sub(lambda m: unquote(m.group(0)), uri)
    mac = hmac.new(client_secret.encode(), f"{method}{signed_uri}".encode() + body + timestamp.encode(), hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": base64.b64encode(mac.digest()).decode(),
        "X-HubSpot-Request-Timestamp": timestamp,
    }


def flow_callout_signature(body: bytes, secret: str, timestamp: int) -> str:
    """`X-DealCoach-Signature` as the admin's Apex builds it for a Flow HTTP callout."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
