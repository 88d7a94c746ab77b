"""ServerThread: a real socket in a background thread, usable as a context manager."""

from __future__ import annotations

import ssl
from typing import Any

import requests
from flask import Flask

from connector.sandbox.server import ServerThread


def _app() -> Flask:
    app = Flask(__name__)

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    return app


def test_serves_until_stopped() -> None:
    stopped: list[bool] = []
    server = ServerThread(_app(), on_stop=lambda: stopped.append(True))
    server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert requests.get(f"{server.url}/ping", timeout=5).json() == {"pong": "yes"}
    finally:
        server.stop()
    server.stop()
    assert stopped == [True]
    try:
        requests.get(f"http://127.0.0.1:{server.port}/ping", timeout=1)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("server still answering after stop()")


def test_context_manager() -> None:
    with ServerThread(_app()) as server:
        assert requests.get(f"{server.url}/ping", timeout=5).status_code == 200


def _self_signed(tmp_path: Any) -> tuple[str, str]:
    """A throwaway certificate for 127.0.0.1, made with `cryptography`."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_https_with_ssl_context(tmp_path: Any) -> None:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with ServerThread(_app(), ssl_context=context) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert requests.get(f"{server.url}/ping", verify=cert, timeout=5).json() == {"pong": "yes"}
