"""The one hardened downloader for call recordings referenced by a CRM (HubSpot recording URLs, dialer links).

A recording URL is untrusted input (docs/architecture.md §7): the host must be on the tenant's allow-list, every
address it resolves to must be public (never loopback, private, link-local, multicast, reserved or a cloud
metadata endpoint), and the connection goes to the address that was checked, with SNI and Host kept, so a
second DNS answer cannot swap in an internal address (no TOCTOU / DNS rebinding). Redirects (at most 3) are
vetted the same way. The body streams to a temporary file beside `dest` under a size cap and a total deadline,
is sniffed by magic bytes, and the temporary file is removed on every failure. Each refusal has its own error
type; policy refusals are `FatalCrmError`s and transient failures `RetryableCrmError`s, so jobs handle them as
they handle any connector error. Full URLs are never logged or put in messages: signed URLs carry tokens.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import logging
import os
import socket
import ssl
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

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
from connector.http import parse_retry_after

log = logging.getLogger("dealcoach.connector.download")

DEFAULT_MAX_BYTES = 500 * 1024 * 1024
CHUNK = 256 * 1024
SNIFF_AT = 16
REDIRECTS = (301, 302, 303, 307, 308)
# Cloud instance-metadata endpoints (AWS/GCP/Azure IPv4, AWS IPv6, ECS task, Alibaba, Oracle): refused even
# when a test policy opts in to local networks.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200", "192.0.0.192")
)

Resolver = Callable[[str, int], Sequence[str]]
# The CRMs' own file hosts, always allowed for their tenants; dialer and recording hosts come from tenant settings.
# Patterns to check against real recording URLs before relying on them for anything but a default. Every wildcard is
# a whole leading label run, never inside a domain name: `*.hubspotusercontent*.net` also matched
# `x.hubspotusercontent.attacker.net`, so HubSpot's file domains (regional `-na1`…, legacy `00`…`40`) are listed.
_HUBSPOT_FILE_DOMAINS = tuple(
    f"*.hubspotusercontent{suffix}.net"
    for suffix in ("-na1", "-na2", "-na3", "-eu1", "-ap1", "00", "10", "20", "30", "40")
)
CRM_RECORDING_HOSTS = {
    "hubspot": ("*.hubspot.com", "*.hubapi.com", "*.hubspotusercontent.com", *_HUBSPOT_FILE_DOMAINS),
    "salesforce": ("*.salesforce.com", "*.force.com"),
}


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver returns for `host`, in its order."""
    return list(dict.fromkeys(str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


@dataclass(frozen=True)
class DownloadPolicy:
    """Where recordings may come from and how much of them we take; production defaults refuse all local traffic.

    `allowed_hosts` are exact names or fnmatch patterns (`*.example.com`); `http_hosts` may be fetched over plain
    http (sandboxes only); `allowed_networks` are CIDRs exempt from the private-address rule (tests, sandboxes).
    Metadata addresses are refused whatever these say. `sniff` names the content from its leading bytes (the
    audio sniffer for recordings) and `accept` lists the names taken; without `sniff` any content is taken.
    Nothing here is relaxed because of a URL's scheme: only the policy a caller builds decides.
    """

    allowed_hosts: tuple[str, ...]
    http_hosts: tuple[str, ...] = ()
    allowed_networks: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    deadline_s: float = 15 * 60.0
    max_redirects: int = 3
    sniff: Callable[[bytes], str | None] | None = field(default=None, compare=False)
    accept: tuple[str, ...] = ()
    ca_file: str | None = None
    resolver: Resolver = field(default=system_resolver, compare=False)

    def host_allowed(self, host: str) -> bool:
        return _matches(host, self.allowed_hosts)

    def http_allowed(self, host: str) -> bool:
        return _matches(host, self.http_hosts)

    def network_allowed(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self.allowed_networks)

    @classmethod
    def for_tenant(cls, provider: str, extra_hosts: Sequence[str] = (), **overrides: object) -> DownloadPolicy:
        """Production policy: https only, public addresses only, the CRM's hosts plus the tenant's dialer hosts."""
        hosts = (*CRM_RECORDING_HOSTS.get(provider, ()), *(h.strip().lower() for h in extra_hosts if h.strip()))
        return cls(allowed_hosts=hosts, **overrides)  # type: ignore[arg-type]

    @classmethod
    def for_local_sandbox(cls, *hosts: str, **overrides: object) -> DownloadPolicy:
        """A policy for the sandbox CRMs and tests: these hosts over http or https, on loopback only."""
        return cls(allowed_hosts=hosts, http_hosts=hosts, allowed_networks=("127.0.0.0/8", "::1/128"), **overrides)  # type: ignore[arg-type]


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


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port


def _matches(host: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(host, p.lower()) for p in patterns)


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
) -> tuple[_Target, urllib3.BaseHTTPResponse, int]:
    """Open `url`, vetting it and every redirect hop before connecting; stop at the first non-redirect."""
    current, redirects = url, 0
    first = _vet(current, policy)
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
        target = _vet(current, policy)
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


def _vet(url: str, policy: DownloadPolicy) -> _Target:
    """Check scheme, host and every resolved address; return what to connect to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise MalformedUrl("unparseable URL or port") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise SchemeRefused(f"scheme {scheme or 'none'!r} is not https")
    if parts.username is not None or parts.password is not None:
        raise MalformedUrl("credentials in the URL are not accepted")
    raw_host = (parts.hostname or "").rstrip(".")
    if not raw_host:
        raise MalformedUrl("URL has no host")
    try:
        host = raw_host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise MalformedUrl("host is not a valid IDNA name") from None
    if scheme == "http" and not policy.http_allowed(host):
        raise SchemeRefused(f"plain http to {host} is not allowed")
    if not policy.host_allowed(host):
        raise HostNotAllowed(f"{host} is not on the tenant's recording host allow-list")
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port, policy)
    for address in addresses:
        _check_address(address, host, policy)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(url=url, scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def _resolve(host: str, port: int, policy: DownloadPolicy) -> tuple[str, ...]:
    try:
        return (str(ipaddress.ip_address(host)),)
    except ValueError:
        pass
    try:
        found = tuple(policy.resolver(host, port))
    except (OSError, UnicodeError) as exc:
        raise ResolveFailed(f"{host} did not resolve: {type(exc).__name__}") from None
    if not found:
        raise ResolveFailed(f"{host} has no addresses")
    return found


def _check_address(address: str, host: str, policy: DownloadPolicy) -> None:
    """Refuse metadata endpoints always, and non-public addresses unless the policy lists their network."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        raise AddressRefused(f"{host} resolved to something that is not an IP address") from None
    embedded = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        embedded += [v4 for v4 in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None) if v4]
    if any(e in METADATA_ADDRESSES for e in embedded):
        raise MetadataAddressRefused(f"{host} resolves to a cloud metadata address")
    for e in embedded:
        public = e.is_global and not (e.is_multicast or e.is_reserved or e.is_loopback or e.is_link_local)
        if not public and not policy.network_allowed(e):
            raise PrivateAddressRefused(f"{host} resolves to a non-public address")


def _open(
    target: _Target, policy: DownloadPolicy, headers: Mapping[str, str], deadline: float
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


def _pool(
    target: _Target, address: str, policy: DownloadPolicy, timeout: urllib3.Timeout
) -> urllib3.HTTPConnectionPool:
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
