"""The one hardened downloader for call recordings referenced by a CRM (HubSpot recording URLs, dialer links).

A recording URL is untrusted input (docs/architecture.md §7): the host must be on the tenant's allow-list, every
address it resolves to must be public (never loopback, private, link-local, multicast, reserved or a cloud
metadata endpoint), and the connection goes to the address that was checked, with SNI and Host kept, so a
second DNS answer cannot swap in an internal address (no TOCTOU / DNS rebinding). Redirects (at most 3) are
vetted the same way. The body streams to a temporary file beside `dest` under a size cap and a total deadline,
is sniffed by magic bytes, and the temporary file is removed on every failure. Each refusal has its own error
type; policy refusals are `FatalCrmError`s and transient failures `RetryableCrmError`s, so jobs handle them as
they handle any connector error. Full URLs are never logged or put in messages: signed URLs carry tokens.
The policy and the vetting of each hop live in `connector/download_policy.py`; this module connects and streams.
"""

from __future__ import annotations

import logging
import os
import ssl
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

# Callers import every downloader error from here, so the whole family is re-exported.
from connector.download_errors import (  # noqa: F401
    AddressRefused,
    BadStatus,
    ConnectFailed,
    DeadlineExceeded,
    DownloadError,
    DownloadFailed,
    DownloadRefused,
    EmptyDownload,
    HostNotAllowed,
    MalformedUrl,
    MetadataAddressRefused,
    PrivateAddressRefused,
    ReadTimedOut,
    ResolveFailed,
    SchemeRefused,
    ServerBusy,
    TlsRefused,
    TooLarge,
    TooManyRedirects,
    UnexpectedContent,
)
from connector.download_policy import (  # noqa: F401  (callers import the policy from here)
    CRM_RECORDING_HOSTS,
    DEFAULT_MAX_BYTES,
    METADATA_ADDRESSES,
    DownloadPolicy,
    Target,
    system_resolver,
    vet,
)
from connector.http import parse_retry_after

log = logging.getLogger("dealcoach.connector.download")

CHUNK = 256 * 1024
SNIFF_AT = 16
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class DownloadResult:
    """A recording on disk: its sniffed format (never the claimed type), size and where it finally came from."""

    path: Path
    size: int
    format: str
    content_type: str
    host: str
    redirects: int
    elapsed_s: float


def download(
    url: str, dest: Path, *, policy: DownloadPolicy, headers: Mapping[str, str] | None = None
) -> DownloadResult:
    """Fetch `url` into `dest` under `policy`; raise one precise DownloadError subclass per refusal or failure.

    `headers` (e.g. Authorization for a CRM-hosted file) go to the first origin only, never across a redirect
    to another origin.
    """
    started = time.monotonic()
    deadline = started + policy.deadline_s
    dest = Path(dest)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    host = "?"
    try:
        with os.fdopen(fd, "wb") as out:
            target, resp, redirects = _follow(url, policy, dict(headers or {}), deadline)
            host = target.host
            try:
                size, kind = _stream(resp, out, policy, deadline, target.host)
            finally:
                resp.close()
        os.replace(tmp, dest)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, DownloadError):
            log.warning("%s host=%s", getattr(exc, "slug", "download.error"), host)
        raise
    content_type = resp.headers.get("content-type", "")
    elapsed = time.monotonic() - started
    log.info(
        "download.done host=%s bytes=%d format=%s redirects=%d elapsed_s=%.2f", host, size, kind, redirects, elapsed
    )
    return DownloadResult(
        path=dest, size=size, format=kind, content_type=content_type, host=host, redirects=redirects, elapsed_s=elapsed
    )


def _follow(
    url: str, policy: DownloadPolicy, headers: dict[str, str], deadline: float
) -> tuple[Target, urllib3.BaseHTTPResponse, int]:
    """Open `url`, vetting it and every redirect hop before connecting; stop at the first non-redirect."""
    current, redirects = url, 0
    first = vet(current, policy)
    target = first
    while True:
        resp = _open(target, policy, headers if target.origin == first.origin else {}, deadline)
        if resp.status not in REDIRECTS:
            break
        location = resp.headers.get("location")
        resp.close()
        if not location:
            raise BadStatus(f"redirect {resp.status} without a Location from {target.host}", status=resp.status)
        redirects += 1
        if redirects > policy.max_redirects:
            raise TooManyRedirects(f"more than {policy.max_redirects} redirects (last from {target.host})")
        current = urljoin(current, location)
        target = vet(current, policy)
    if resp.status != 200:
        status, hdrs = resp.status, resp.headers
        resp.close()
        if status == 429 or status >= 500:
            raise ServerBusy(
                f"{target.host} answered {status}",
                status=status,
                retry_after=parse_retry_after(hdrs.get("retry-after")),
            )
        raise BadStatus(f"{target.host} answered {status}", status=status)
    return target, resp, redirects


def _open(
    target: Target, policy: DownloadPolicy, headers: Mapping[str, str], deadline: float
) -> urllib3.BaseHTTPResponse:
    """GET from the vetted addresses in turn, connecting to the IP while TLS and Host name the real host."""
    send = {
        "User-Agent": "DealCoach/1 recording-fetch",
        "Accept": "*/*",
        "Accept-Encoding": "identity",
        **headers,
        "Host": target.host_header,
    }
    last: Exception | None = None
    for address in target.addresses:
        remaining = _remaining(deadline, target.host)
        timeout = urllib3.Timeout(
            connect=min(policy.connect_timeout_s, remaining), read=min(policy.read_timeout_s, remaining)
        )
        pool = _pool(target, address, policy, timeout)
        try:
            return pool.urlopen(
                "GET",
                target.path,
                headers=send,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                assert_same_host=False,
                release_conn=False,
            )
        except SSLError as exc:
            raise TlsRefused(f"TLS with {target.host} failed: {type(exc.__cause__ or exc).__name__}") from None
        except (NewConnectionError, ConnectTimeoutError) as exc:
            last = exc
        except ReadTimeoutError:
            raise _timeout(deadline, target.host) from None
        except (ProtocolError, HTTPError) as exc:
            raise ConnectFailed(f"{target.host}: {type(exc).__name__}") from None
    raise ConnectFailed(f"could not connect to {target.host}: {type(last).__name__}") from None


def _pool(target: Target, address: str, policy: DownloadPolicy, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        context = ssl.create_default_context(cafile=policy.ca_file)
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            ssl_context=context,
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False, maxsize=1)


def _remaining(deadline: float, host: str) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceeded(f"download from {host} passed its total deadline")
    return remaining


def _timeout(deadline: float, host: str) -> DownloadFailed:
    if deadline - time.monotonic() <= 0.05:
        return DeadlineExceeded(f"download from {host} passed its total deadline")
    return ReadTimedOut(f"{host} stopped sending")


def _stream(
    resp: urllib3.BaseHTTPResponse, out: BinaryIO, policy: DownloadPolicy, deadline: float, host: str
) -> tuple[int, str]:
    """Copy the body to `out` chunk by chunk, enforcing the size cap, the deadline and the sniffed format."""
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise TooLarge(f"declared {declared} bytes, over the {policy.max_bytes}-byte cap")
    total, head, kind = 0, b"", None
    while True:
        remaining = _remaining(deadline, host)
        _socket_timeout(resp, min(policy.read_timeout_s, remaining))
        try:
            chunk = resp.read1(CHUNK)
        except (ReadTimeoutError, TimeoutError):
            raise _timeout(deadline, host) from None
        except (ProtocolError, HTTPError, OSError) as exc:
            raise ConnectFailed(f"connection broke mid-download: {type(exc).__name__}") from None
        if not chunk:
            break
        total += len(chunk)
        if total > policy.max_bytes:
            raise TooLarge(f"body passed the {policy.max_bytes}-byte cap")
        if kind is None:
            head += chunk[: SNIFF_AT - len(head)]
            if len(head) >= SNIFF_AT:
                kind = _accepted(head, policy)
        out.write(chunk)
    if total == 0:
        raise EmptyDownload("the response body is empty")
    return total, kind or _accepted(head, policy)


def _accepted(head: bytes, policy: DownloadPolicy) -> str:
    if policy.sniff is None:
        return ""
    kind = policy.sniff(head)
    if kind is None or (policy.accept and kind not in policy.accept):
        raise UnexpectedContent(f"content is not audio we accept (leading bytes {head[:4].hex()})")
    return kind


def _socket_timeout(resp: urllib3.BaseHTTPResponse, seconds: float) -> None:
    """Shrink the socket's read timeout to what is left of the deadline, so one stalled read cannot overrun it."""
    sock = getattr(getattr(resp, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(max(0.01, seconds))


def download_bytes(url: str, *, policy: DownloadPolicy, headers: Mapping[str, str] | None = None) -> bytes:
    """A small file (a transcript) through the same guards, returned whole; `policy.max_bytes` bounds it."""
    with tempfile.TemporaryDirectory(prefix="dealcoach-dl-") as tmp:
        return download(url, Path(tmp) / "file", policy=policy, headers=headers).path.read_bytes()
