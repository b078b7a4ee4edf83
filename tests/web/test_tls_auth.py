"""TLS, mutual TLS, basic auth and headers of --web.config.file, with real clients (curl, ssl)."""

from __future__ import annotations

import base64
import http.client
import json
import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bcrypt
import pytest

from exporter.server import App
from exporter.snapshot import SnapshotStore
from exporter.web import guard, serving
from exporter.web.serving import HttpServer, WebConfigSource, serve
from tests.conftest import installed
from tests.web.pki import Pki, issue, make_pki

PASSWORD = "correct horse battery staple"
HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture(scope="module")
def pki(tmp_path_factory, require_tools) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), require_tools)


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[dict[str, Any]], HttpServer]]:
    servers: list[HttpServer] = []

    def factory(config: dict[str, Any]) -> HttpServer:
        path = tmp_path / "web-config.yml"
        path.write_text(json.dumps(config))  # JSON is YAML
        httpd = serve(App(SnapshotStore(), "demo"), "127.0.0.1", 0, WebConfigSource(str(path)))
        servers.append(httpd)
        return httpd

    yield factory
    for httpd in servers:
        httpd.stop()


def tls(pki: Pki, **extra: Any) -> dict[str, Any]:
    return {
        "tls_server_config": {
            "cert_file": str(pki.server_cert),
            "key_file": str(pki.server_key),
            **extra,
        }
    }


def client_context(pki: Pki, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(pki.ca))
    if cert is not None:
        ctx.load_cert_chain(str(cert), str(key))
    return ctx


def get(
    httpd: HttpServer, path: str = "/metrics", ctx: ssl.SSLContext | None = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    if ctx is None:
        conn: http.client.HTTPConnection = http.client.HTTPConnection(
            "127.0.0.1", httpd.port, timeout=5
        )
    else:
        conn = http.client.HTTPSConnection("127.0.0.1", httpd.port, timeout=5, context=ctx)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def curl(require_tools) -> Callable[..., subprocess.CompletedProcess[str]]:
    path = installed(require_tools, "curl", package="curl")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [path, "-sS", "--max-time", "5", *args], capture_output=True, text=True, check=False
        )

    return run


def test_curl_and_python_over_tls(pki, start, curl):
    httpd = start(tls(pki))
    assert httpd.scheme == "https"
    url = f"https://localhost:{httpd.port}/metrics"
    done = curl(
        "--cacert", str(pki.ca), "-o", "/dev/null", "-w", "%{http_code} %{ssl_verify_result}", url
    )
    assert done.stdout == "200 0", done.stderr
    status, _, body = get(httpd, ctx=client_context(pki))
    assert status == 200
    assert b"openstack_exporter_collector" in body or b"process_" in body
    # A client that does not trust our CA refuses the server.
    refused = curl("-o", "/dev/null", url)
    assert refused.returncode == 60, refused.stderr  # curl: peer certificate cannot be verified


def test_plain_http_to_the_tls_port_is_told_so(pki, start):
    httpd = start(tls(pki))
    status, _, body = get(httpd)
    assert status == 400
    assert b"HTTP request to an HTTPS server" in body


def test_mutual_tls_accepts_our_client_and_refuses_others(pki, start, curl):
    httpd = start(
        tls(pki, client_auth_type="RequireAndVerifyClientCert", client_ca_file=str(pki.ca))
    )
    assert get(httpd, ctx=client_context(pki, pki.client_cert, pki.client_key))[0] == 200
    url = f"https://localhost:{httpd.port}/metrics"
    ok = curl("--cacert", str(pki.ca), "--cert", str(pki.client_cert), "--key", str(pki.client_key),
              "-o", "/dev/null", "-w", "%{http_code}", url)  # fmt: skip
    assert ok.stdout == "200", ok.stderr
    for cert in (None, pki.rogue_cert):
        ctx = client_context(pki, cert, pki.rogue_key if cert else None)
        with pytest.raises((ssl.SSLError, ConnectionError)):
            get(httpd, ctx=ctx)
    assert curl("--cacert", str(pki.ca), "-o", "/dev/null", url).returncode != 0


def test_client_cert_optional_when_verify_if_given(pki, start):
    httpd = start(tls(pki, client_auth_type="VerifyClientCertIfGiven", client_ca_file=str(pki.ca)))
    assert get(httpd, ctx=client_context(pki))[0] == 200
    assert get(httpd, ctx=client_context(pki, pki.client_cert, pki.client_key))[0] == 200
    with pytest.raises((ssl.SSLError, ConnectionError)):
        get(httpd, ctx=client_context(pki, pki.rogue_cert, pki.rogue_key))


def test_client_allowed_sans(pki, start):
    auth = {"client_auth_type": "RequireAndVerifyClientCert", "client_ca_file": str(pki.ca)}
    good = start(tls(pki, **auth, client_allowed_sans=["prometheus.example"]))
    assert get(good, ctx=client_context(pki, pki.client_cert, pki.client_key))[0] == 200
    other = start(tls(pki, **auth, client_allowed_sans=["grafana.example"]))
    with pytest.raises((ssl.SSLError, ConnectionError, http.client.RemoteDisconnected)):
        get(other, ctx=client_context(pki, pki.client_cert, pki.client_key))


def test_min_version_and_cipher_suites_are_honoured(pki, start):
    httpd = start(tls(pki, min_version="TLS13"))
    ctx12 = client_context(pki)
    ctx12.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError):
        get(httpd, ctx=ctx12)
    suite = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
    httpd = start(tls(pki, max_version="TLS12", cipher_suites=[suite]))
    conn = http.client.HTTPSConnection(
        "127.0.0.1", httpd.port, timeout=5, context=client_context(pki)
    )
    conn.request("GET", "/-/healthy")
    assert conn.getresponse().status == 200
    assert conn.sock.cipher()[0] == "ECDHE-ECDSA-AES256-GCM-SHA384"
    assert conn.sock.version() == "TLSv1.2"
    conn.close()


def test_basic_auth_guards_every_endpoint(start):
    httpd = start({"basic_auth_users": {"prometheus": HASH}})
    for path in ("/metrics", "/", "/problems", "/-/healthy", "/-/ready", "/nowhere"):
        status, headers, _ = get(httpd, path)
        assert status == 401, path
        assert headers["WWW-Authenticate"].startswith("Basic ")
    assert get(httpd, Authorization=basic("prometheus", "wrong"))[0] == 401
    assert get(httpd, Authorization=basic("nobody", PASSWORD))[0] == 401
    assert get(httpd, Authorization="Basic not-base64!")[0] == 401
    assert get(httpd, Authorization="Basic caf\u00e9")[0] == 401  # not ASCII: 401, not 500
    assert get(httpd, Authorization=basic("prometheus", PASSWORD))[0] == 200


def test_curl_with_basic_auth_over_tls(pki, start, curl):
    httpd = start({**tls(pki), "basic_auth_users": {"prometheus": HASH}})
    url = f"https://localhost:{httpd.port}/metrics"
    assert (
        curl("--cacert", str(pki.ca), "-o", "/dev/null", "-w", "%{http_code}", url).stdout == "401"
    )
    ok = curl("--cacert", str(pki.ca), "-u", f"prometheus:{PASSWORD}", "-o", "/dev/null",
              "-w", "%{http_code}", url)  # fmt: skip
    assert ok.stdout == "200"


def test_verified_credentials_are_cached(start, monkeypatch):
    calls = []
    real = bcrypt.checkpw

    class CountingBcrypt:
        @staticmethod
        def checkpw(password: bytes, hashed: bytes) -> bool:
            calls.append(password)
            return real(password, hashed)

    monkeypatch.setattr(guard, "bcrypt", CountingBcrypt)
    httpd = start({"basic_auth_users": {"prometheus": HASH}})
    for _ in range(20):
        assert get(httpd, Authorization=basic("prometheus", PASSWORD))[0] == 200
    assert len(calls) == 1
    for _ in range(3):
        assert get(httpd, Authorization=basic("prometheus", "wrong"))[0] == 401
    # Refusals are not cached (guesses cannot push the scraper's entry out), and do not
    # evict it: the right password still costs no bcrypt.
    assert len(calls) == 4
    assert get(httpd, Authorization=basic("prometheus", PASSWORD))[0] == 200
    assert len(calls) == 4


def test_configured_headers_on_every_answer(start):
    headers = {"X-Frame-Options": "deny", "Content-Security-Policy": "default-src 'self'"}
    httpd = start({"basic_auth_users": {"p": HASH}, "http_server_config": {"headers": headers}})
    for auth in ({}, {"Authorization": basic("p", PASSWORD)}):
        _, got, _ = get(httpd, "/", **auth)
        assert got["X-Frame-Options"] == "deny"
        assert got["Content-Security-Policy"] == "default-src 'self'"


def test_rate_limit_answers_429(start):
    httpd = start({"rate_limit": {"interval": "1h", "burst": 2}})
    assert [get(httpd, "/-/healthy")[0] for _ in range(3)] == [200, 200, 429]


def test_certificate_reloaded_when_its_files_change(pki, start, tmp_path, monkeypatch):
    monkeypatch.setattr(serving, "RELOAD_CHECK_SECONDS", 0.0)
    cert, key = tmp_path / "live.pem", tmp_path / "live.key"
    shutil.copy(pki.server_cert, cert)
    shutil.copy(pki.server_key, key)
    httpd = start({"tls_server_config": {"cert_file": str(cert), "key_file": str(key)}})

    def served_serial() -> int:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", httpd.port, timeout=5, context=client_context(pki)
        )
        conn.request("GET", "/-/healthy")
        conn.getresponse().read()
        der = conn.sock.getpeercert(binary_form=True)
        conn.close()
        return hash(der)

    before = served_serial()
    ca_key = pki.ca.with_suffix(".key")
    new_cert, new_key = issue(tmp_path, "renewed", (pki.ca, ca_key), "DNS:localhost,IP:127.0.0.1")
    shutil.copy(new_key, key)
    shutil.copy(new_cert, cert)
    httpd.server.source.poll()  # what the server's watchdog thread does every 0.25 s
    renewed = served_serial()
    assert renewed != before
    # A broken certificate mid-rotation keeps the one in force.
    cert.write_text("not a certificate")
    httpd.server.source.poll()
    assert served_serial() == renewed
    assert get(httpd, "/-/healthy", ctx=client_context(pki))[0] == 200


def test_passwords_and_hashes_never_logged(start, tmp_path, captured_logs, monkeypatch):
    monkeypatch.setattr(serving, "RELOAD_CHECK_SECONDS", 0.0)
    httpd = start({"basic_auth_users": {"prometheus": HASH}})
    assert get(httpd, Authorization=basic("prometheus", PASSWORD))[0] == 200
    assert get(httpd, Authorization=basic("prometheus", "typo-" + PASSWORD))[0] == 401
    # A broken reload is logged, naming the key, not the value.
    (tmp_path / "web-config.yml").write_text(
        json.dumps({"basic_auth_users": {"prometheus": "plain-" + PASSWORD}})
    )
    httpd.server.source.poll()
    assert get(httpd, Authorization=basic("prometheus", PASSWORD))[0] == 200  # kept
    assert any(e["event"] == "web_config_reload_failed" for e in captured_logs)
    text = json.dumps(captured_logs)
    assert PASSWORD not in text
    assert HASH not in text
