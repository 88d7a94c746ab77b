"""The hardened recording downloader against real local servers: one test per refusal, plus the allowed paths."""

from __future__ import annotations

import io
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from connector.base import FatalCrmError, RetryableCrmError
from connector.download import (
    BadStatus,
    DeadlineExceeded,
    DownloadPolicy,
    EmptyDownload,
    HostNotAllowed,
    MalformedUrl,
    MetadataAddressRefused,
    PrivateAddressRefused,
    SchemeRefused,
    ServerBusy,
    TlsRefused,
    TooLarge,
    TooManyRedirects,
    UnexpectedContent,
    download,
)
from connector.sandbox.salesforce_tls import make_self_signed_cert, server_context
from connector.sandbox.server import ServerThread
from scoring.speech.audio import FORMATS, sniff_format

# Recordings: the downloader takes only audio, named by its leading bytes.
AUDIO = {"sniff": sniff_format, "accept": FORMATS}


def small_wav(seconds: float = 0.5) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * int(8000 * seconds))
    return buf.getvalue()


WAV = small_wav()


class Recorder:
    """A tiny recording host: fixed routes, and every request's path and headers remembered."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.redirect_to = ""
        self.routes: dict[str, Callable[[Request], Response]] = {
            "/call.wav": lambda r: Response(WAV, mimetype="audio/wav"),
            "/redirect": lambda r: Response("", status=302, headers={"Location": self.redirect_to}),
            "/loop": lambda r: Response("", status=302, headers={"Location": "/loop"}),
            "/page": lambda r: Response(b"<!doctype html><html><body>Sign in</body></html>" * 4, mimetype="audio/mpeg"),
            "/empty": lambda r: Response(b"", mimetype="audio/wav"),
            "/declared-big": lambda r: Response(iter([WAV]), headers={"Content-Length": str(10**9)}, mimetype="audio/wav",
                                                direct_passthrough=True),
            "/streamed-big": lambda r: Response(self._chunks(WAV, 64), mimetype="audio/wav", direct_passthrough=True),
            "/drip": lambda r: Response(self._drip(), mimetype="audio/wav", direct_passthrough=True),
            "/busy": lambda r: Response("slow down", status=503, headers={"Retry-After": "7"}),
            "/gone": lambda r: Response("no such recording", status=404),
        }

    @staticmethod
    def _chunks(body: bytes, times: int) -> Iterator[bytes]:
        for _ in range(times):
            yield body

    @staticmethod
    def _drip() -> Iterator[bytes]:
        yield WAV[:44]
        for _ in range(100):
            time.sleep(0.1)
            yield b"\x00\x00"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        self.requests.append((request.path, dict(request.headers)))
        route = self.routes.get(request.path, lambda r: Response("not found", status=404))
        return route(request)(environ, start_response)


@pytest.fixture
def host() -> Iterator[tuple[ServerThread, Recorder]]:
    app = Recorder()
    with ServerThread(app) as server:
        yield server, app


def resolver(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    calls: list[str] = []

    def resolve(name: str, port: int) -> list[str]:
        calls.append(name)
        if name not in table:
            raise OSError("NXDOMAIN")
        return table[name]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def no_leftovers(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.endswith(".part")]


# -- allowed paths ----------------------------------------------------------------------------------------------


def test_allowed_download_is_streamed_to_dest_and_sniffed(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    result = download(f"{server.url}/call.wav?sig=secret", tmp_path / "rec", policy=DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO))
    assert result.path.read_bytes() == WAV
    assert (result.size, result.format, result.content_type) == (len(WAV), "wav", "audio/wav")
    assert result.redirects == 0 and no_leftovers(tmp_path)


def test_https_connects_to_the_vetted_ip_with_sni_and_host_kept(tmp_path: Path) -> None:
    name = "recordings.example.test"
    cert, key = make_self_signed_cert(tmp_path / "tls", host=name)
    app = Recorder()
    resolve = resolver({name: ["127.0.0.1"]})
    with ServerThread(app, ssl_context=server_context(cert, key)) as server:
        policy = DownloadPolicy(**AUDIO, allowed_hosts=("*.example.test",), allowed_networks=("127.0.0.1/32",),
                                ca_file=str(cert), resolver=resolve)
        result = download(f"https://{name}:{server.port}/call.wav", tmp_path / "rec", policy=policy,
                          headers={"Authorization": "Bearer t"})
    assert result.format == "wav" and result.host == name
    # The system resolver cannot resolve this name: success proves the socket went to the address we checked.
    assert resolve.calls == [name]  # type: ignore[attr-defined]
    path, headers = app.requests[0]
    assert headers["Host"] == f"{name}:{server.port}" and headers["Authorization"] == "Bearer t"


def test_tls_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    cert, key = make_self_signed_cert(tmp_path / "tls", host="other.example.test")
    with ServerThread(Recorder(), ssl_context=server_context(cert, key)) as server:
        policy = DownloadPolicy(**AUDIO, allowed_hosts=("rec.example.test",), allowed_networks=("127.0.0.1/32",),
                                ca_file=str(cert), resolver=resolver({"rec.example.test": ["127.0.0.1"]}))
        with pytest.raises(TlsRefused):
            download(f"https://rec.example.test:{server.port}/call.wav", tmp_path / "rec", policy=policy)
    assert no_leftovers(tmp_path)


def test_authorization_is_not_forwarded_to_another_origin(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, app = host
    app.redirect_to = f"http://localhost:{server.port}/call.wav"
    policy = DownloadPolicy.for_local_sandbox("127.0.0.1", "localhost", **AUDIO,
                                              resolver=resolver({"localhost": ["127.0.0.1"]}))
    result = download(f"{server.url}/redirect", tmp_path / "rec", policy=policy, headers={"Authorization": "Bearer t"})
    assert result.redirects == 1
    assert "Authorization" in app.requests[0][1] and "Authorization" not in app.requests[1][1]


# -- refusals ---------------------------------------------------------------------------------------------------


def test_private_address_is_refused_before_connecting(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, app = host
    production_like = DownloadPolicy(**AUDIO, allowed_hosts=("127.0.0.1",), http_hosts=("127.0.0.1",))
    with pytest.raises(PrivateAddressRefused) as err:
        download(f"{server.url}/call.wav", tmp_path / "rec", policy=production_like)
    assert isinstance(err.value, FatalCrmError) and err.value.slug == "download.private_address"
    assert app.requests == [] and not (tmp_path / "rec").exists() and no_leftovers(tmp_path)


@pytest.mark.parametrize("address", ["10.0.0.7", "192.168.1.20", "172.16.5.4", "::1", "fe80::1", "224.0.0.1",
                                     "100.64.0.1", "0.0.0.0", "::ffff:10.0.0.1"])
def test_names_resolving_to_non_public_addresses_are_refused(address: str, tmp_path: Path) -> None:
    policy = DownloadPolicy(**AUDIO, allowed_hosts=("dialer.example.test",), resolver=resolver({"dialer.example.test": ["93.184.216.34", address]}))
    with pytest.raises(PrivateAddressRefused):
        download("https://dialer.example.test/rec.wav", tmp_path / "rec", policy=policy)


def test_redirect_to_a_private_address_is_refused(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, app = host
    app.redirect_to = "http://internal.example.test/rec.wav"
    policy = DownloadPolicy(**AUDIO, allowed_hosts=("cdn.example.test", "internal.example.test"),
                            http_hosts=("cdn.example.test", "internal.example.test"), allowed_networks=("127.0.0.1/32",),
                            resolver=resolver({"cdn.example.test": ["127.0.0.1"], "internal.example.test": ["10.1.2.3"]}))
    with pytest.raises(PrivateAddressRefused):
        download(f"http://cdn.example.test:{server.port}/redirect", tmp_path / "rec", policy=policy)
    assert [p for p, _ in app.requests] == ["/redirect"] and no_leftovers(tmp_path)


def test_redirect_to_another_loopback_address_is_refused(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, app = host
    app.redirect_to = f"http://127.0.0.2:{server.port}/call.wav"
    policy = DownloadPolicy(**AUDIO, allowed_hosts=("127.0.0.*",), http_hosts=("127.0.0.*",), allowed_networks=("127.0.0.1/32",))
    with pytest.raises(PrivateAddressRefused):
        download(f"{server.url}/redirect", tmp_path / "rec", policy=policy)


@pytest.mark.parametrize("url,table", [
    ("http://169.254.169.254/latest/meta-data/", {}),
    ("http://metadata.example.test/computeMetadata/v1/", {"metadata.example.test": ["169.254.169.254"]}),
    ("http://metadata.example.test/latest/", {"metadata.example.test": ["fd00:ec2::254"]}),
])
def test_metadata_address_is_refused_even_when_local_networks_are_allowed(url: str, table: dict[str, list[str]],
                                                                          tmp_path: Path) -> None:
    policy = DownloadPolicy(**AUDIO, allowed_hosts=("*",), http_hosts=("*",), allowed_networks=("0.0.0.0/0", "::/0"),
                            resolver=resolver(table))
    with pytest.raises(MetadataAddressRefused) as err:
        download(url, tmp_path / "rec", policy=policy)
    assert err.value.slug == "download.metadata_address"


def test_redirect_to_the_metadata_address_is_refused(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, app = host
    app.redirect_to = "http://169.254.169.254/latest/meta-data/iam/"
    policy = DownloadPolicy(**AUDIO, allowed_hosts=("*",), http_hosts=("*",), allowed_networks=("0.0.0.0/0",))
    with pytest.raises(MetadataAddressRefused):
        download(f"{server.url}/redirect", tmp_path / "rec", policy=policy)


def test_declared_oversize_is_refused(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    with pytest.raises(TooLarge):
        download(f"{server.url}/declared-big", tmp_path / "rec", policy=DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO))
    assert no_leftovers(tmp_path)


def test_oversize_is_refused_while_streaming(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    policy = DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO, max_bytes=len(WAV) * 10)
    with pytest.raises(TooLarge):
        download(f"{server.url}/streamed-big", tmp_path / "rec", policy=policy)
    assert not (tmp_path / "rec").exists() and no_leftovers(tmp_path)


def test_slow_drip_past_the_deadline_is_cut_off(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    policy = DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO, deadline_s=0.8, read_timeout_s=5.0)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as err:
        download(f"{server.url}/drip", tmp_path / "rec", policy=policy)
    assert time.monotonic() - started < 2.0
    assert isinstance(err.value, RetryableCrmError) and no_leftovers(tmp_path)


def test_wrong_content_is_refused_whatever_the_claimed_type(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    with pytest.raises(UnexpectedContent):
        download(f"{server.url}/page", tmp_path / "rec", policy=DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO))
    assert no_leftovers(tmp_path)


def test_empty_body_is_refused(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    with pytest.raises(EmptyDownload):
        download(f"{server.url}/empty", tmp_path / "rec", policy=DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO))


def test_more_than_three_redirects_are_refused(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, app = host
    with pytest.raises(TooManyRedirects):
        download(f"{server.url}/loop", tmp_path / "rec", policy=DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO))
    assert len(app.requests) == 4


@pytest.mark.parametrize("url,error", [
    ("ftp://rec.example.test/a.wav", SchemeRefused),
    ("http://rec.example.test/a.wav", SchemeRefused),
    ("https://evil.example.org/a.wav", HostNotAllowed),
    ("https://user:pw@rec.example.test/a.wav", MalformedUrl),
    ("https://rec.example.test:99999/a.wav", MalformedUrl),
])
def test_url_refusals(url: str, error: type[Exception], tmp_path: Path) -> None:
    policy = DownloadPolicy(**AUDIO, allowed_hosts=("rec.example.test",), resolver=resolver({"rec.example.test": ["93.184.216.34"]}))
    with pytest.raises(error):
        download(url, tmp_path / "rec", policy=policy)


def test_busy_server_is_retryable_and_a_missing_file_is_not(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    policy = DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO)
    with pytest.raises(ServerBusy) as busy:
        download(f"{server.url}/busy", tmp_path / "rec", policy=policy)
    assert busy.value.retry_after == 7.0 and busy.value.status == 503
    with pytest.raises(BadStatus) as gone:
        download(f"{server.url}/gone", tmp_path / "rec", policy=policy)
    assert isinstance(gone.value, FatalCrmError) and gone.value.status == 404


def test_concurrent_downloads_do_not_share_temporary_files(host: tuple[ServerThread, Recorder], tmp_path: Path) -> None:
    server, _ = host
    policy = DownloadPolicy.for_local_sandbox("127.0.0.1", **AUDIO)
    results: list[int] = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        download(f"{server.url}/call.wav", tmp_path / f"rec{i}", policy=policy).size)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [len(WAV)] * 4 and no_leftovers(tmp_path)


def test_tenant_policy_allows_the_crm_and_dialer_hosts_over_https_only() -> None:
    policy = DownloadPolicy.for_tenant("hubspot", extra_hosts=["recordings.dialer.example", " "])
    assert policy.host_allowed("api.hubapi.com") and policy.host_allowed("recordings.dialer.example")
    assert not policy.host_allowed("evil.example") and not policy.http_allowed("api.hubapi.com")
    assert policy.allowed_networks == () and policy.max_bytes == 500 * 1024 * 1024 and policy.max_redirects == 3
