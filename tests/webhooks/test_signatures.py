"""HubSpot signatures: the documented vectors, then one change per negative test."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from webhooks.signatures import (
    HubSpotRequest,
    SignatureError,
    decode_hubspot_uri,
    hubspot_v3_headers,
    sign_hubspot_v1,
    sign_hubspot_v2,
    verify_hubspot,
)

DOC_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
DOC_BODY = (
    b'[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,'
    b'"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM",'
    b'"changeFlag":"NEW","appId":54321}]'
)
SECRET = "app-client-secret"
URL = "https://dealcoach.example.com/webhooks/hubspot?tenant=a%3Ab"
NOW = 1_763_700_000.0


def test_v1_documented_vector() -> None:
    assert sign_hubspot_v1(DOC_BODY, DOC_SECRET) == "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"


def test_v2_documented_vector() -> None:
    got = sign_hubspot_v2(b"", DOC_SECRET, "GET", "https://www.example.com/webhook_uri")
    assert got == "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"


def test_v3_matches_the_documented_recipe() -> None:
    """base64(HMAC-SHA256(secret, method + decoded uri + body + timestamp)), computed independently here."""
    ts = "1763700000000"
    decoded = "https://dealcoach.example.com/webhooks/hubspot?tenant=a:b"
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), b"POST" + decoded.encode() + DOC_BODY + ts.encode(), hashlib.sha256).digest()
    ).decode()
    headers = {"X-HubSpot-Signature-v3": expected, "X-HubSpot-Request-Timestamp": ts}
    assert verify_hubspot(HubSpotRequest("POST", URL, headers, DOC_BODY), [SECRET], now=NOW) == "v3"


def test_decode_map_is_exactly_hubspots() -> None:
    assert decode_hubspot_uri("/a%3Ab%2Fc%3Fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm") == "/a:b/c?d@e!f$g'h(i)j*k,l;m"
    assert decode_hubspot_uri("/x%20y%26z%3a") == "/x%20y%26z:"


def _signed(**override: object) -> HubSpotRequest:
    headers = hubspot_v3_headers(DOC_BODY, SECRET, URL, now=NOW)
    return HubSpotRequest("POST", URL, headers, DOC_BODY)


def test_v3_valid_and_rotated_secret() -> None:
    assert verify_hubspot(_signed(), [SECRET], now=NOW) == "v3"
    assert verify_hubspot(_signed(), ["old-secret", SECRET], now=NOW) == "v3"


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        (lambda r: HubSpotRequest(r.method, r.uri, r.headers, r.body.replace(b"62515", b"62516")), "invalid_signature"),
        (lambda r: HubSpotRequest(r.method, r.uri.replace("/hubspot", "/hubspot2"), r.headers, r.body), "invalid_signature"),
        (lambda r: HubSpotRequest(r.method, r.uri.replace("tenant=a", "tenant=c"), r.headers, r.body), "invalid_signature"),
        (lambda r: HubSpotRequest("PUT", r.uri, r.headers, r.body), "invalid_signature"),
        (lambda r: HubSpotRequest(r.method, r.uri, {k: v for k, v in r.headers.items() if "Timestamp" not in k}, r.body),
         "missing_or_bad_timestamp"),
        (lambda r: HubSpotRequest(r.method, r.uri, {}, r.body), "missing_signature"),
    ],
    ids=["body_byte", "path", "query", "method", "timestamp_missing", "headers_missing"],
)
def test_v3_one_change_fails(change, slug: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SignatureError) as err:
        verify_hubspot(change(_signed()), [SECRET], now=NOW)
    assert err.value.slug == slug


def test_v3_wrong_secret() -> None:
    with pytest.raises(SignatureError, match="invalid_signature"):
        verify_hubspot(_signed(), ["another-secret"], now=NOW)


def test_v3_stale_and_future_timestamps() -> None:
    with pytest.raises(SignatureError, match="timestamp_too_old"):
        verify_hubspot(_signed(), [SECRET], now=NOW + 301)
    with pytest.raises(SignatureError, match="timestamp_in_future"):
        verify_hubspot(_signed(), [SECRET], now=NOW - 301)
    assert verify_hubspot(_signed(), [SECRET], now=NOW + 299) == "v3"


def test_v1_and_v2_headers_accepted_and_checked() -> None:
    v1 = {"X-HubSpot-Signature": sign_hubspot_v1(DOC_BODY, SECRET), "X-HubSpot-Signature-Version": "v1"}
    assert verify_hubspot(HubSpotRequest("POST", URL, v1, DOC_BODY), [SECRET]) == "v1"
    v2 = {"X-HubSpot-Signature": sign_hubspot_v2(DOC_BODY, SECRET, "POST", URL), "X-HubSpot-Signature-Version": "v2"}
    assert verify_hubspot(HubSpotRequest("POST", URL, v2, DOC_BODY), [SECRET]) == "v2"
    with pytest.raises(SignatureError, match="invalid_signature"):
        verify_hubspot(HubSpotRequest("POST", URL, v1, DOC_BODY + b" "), [SECRET])
    with pytest.raises(SignatureError, match="unknown_signature_version"):
        verify_hubspot(HubSpotRequest("POST", URL, {**v1, "X-HubSpot-Signature-Version": "v9"}, DOC_BODY), [SECRET])


def test_no_secret_configured_is_refused() -> None:
    with pytest.raises(SignatureError, match="no_secret_configured"):
        verify_hubspot(_signed(), [""], now=NOW)


def test_the_sandboxs_own_signing_meets_the_verifier_and_hubspots_vector() -> None:
    """The sandbox signs from HubSpot's document on its own (connector/sandbox/signing.py); the verifier accepts it,
    escaped URI characters included, and its v1 matches HubSpot's published vector."""
    from connector.sandbox.signing import hubspot_v1_signature
    from connector.sandbox.signing import hubspot_v3_headers as sandbox_v3_headers

    assert hubspot_v1_signature(DOC_BODY, DOC_SECRET) == sign_hubspot_v1(DOC_BODY, DOC_SECRET)
    headers = sandbox_v3_headers(DOC_BODY, SECRET, URL)
    assert verify_hubspot(HubSpotRequest(method="POST", uri=URL, headers=headers, body=DOC_BODY), [SECRET]) == "v3"
