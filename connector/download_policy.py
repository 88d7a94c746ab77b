"""Where a recording may come from: the download policy and the vetting of a URL and its addresses.

Split from `connector/download.py` (which streams what this vets): a URL's scheme, host and every address it resolves
to are checked here before any connection is made, so the downloader connects only to an address that passed.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from connector.download_errors import (
    AddressRefused,
    HostNotAllowed,
    MalformedUrl,
    MetadataAddressRefused,
    PrivateAddressRefused,
    ResolveFailed,
    SchemeRefused,
)

DEFAULT_MAX_BYTES = 500 * 1024 * 1024

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
class Target:
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


def vet(url: str, policy: DownloadPolicy) -> Target:
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
    return Target(url=url, scheme=scheme, host=host, port=port, path=path, addresses=addresses)


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
