"""The serving limits: methods, idle and slow clients, out of file descriptors, stopping."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exporter.server import App
from exporter.snapshot import SnapshotStore
from exporter.web.serving import HttpServer, WebConfigSource, _san_allowed, serve
from tests.web.pki import make_pki

IDLE = 1.0  # the idle time-out the tests run with (10 s by default)


@pytest.fixture
def httpd() -> Iterator[HttpServer]:
    server = serve(App(SnapshotStore(), "demo"), "127.0.0.1", 0, timeout=IDLE, header_timeout=IDLE)
    yield server
    server.stop()


def request(httpd: HttpServer, method: str, path: str = "/metrics") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", httpd.port, timeout=5)
    conn.request(method, path)
    resp = conn.getresponse()
    resp.body = resp.read()  # type: ignore[attr-defined]
    conn.close()
    return resp


def test_head_answers_headers_without_the_body(httpd):
    get, head = request(httpd, "GET"), request(httpd, "HEAD")
    assert head.status == 200
    assert head.body == b""  # type: ignore[attr-defined]
    assert head.getheader("Content-Type") == get.getheader("Content-Type")
    assert int(head.getheader("Content-Length")) > 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_are_405_with_allow(httpd, method):
    resp = request(httpd, method)
    assert resp.status == 405
    assert resp.getheader("Allow") == "GET, HEAD"


def test_idle_connections_closed_and_metrics_answerable_throughout(httpd):
    idle = [socket.create_connection(("127.0.0.1", httpd.port)) for _ in range(300)]
    try:
        started = time.monotonic()
        while time.monotonic() - started < IDLE / 2:
            assert request(httpd, "GET").status == 200
        time.sleep(IDLE * 2.5)  # the idle time-out, plus cheroot's 0.5 s expiry sweep
        assert request(httpd, "GET").status == 200
        closed = 0
        for sock in idle:
            sock.settimeout(2)
            try:
                closed += sock.recv(1) == b""
            except OSError:
                closed += 1
        assert closed == 300
    finally:
        for sock in idle:
            sock.close()


def test_http09_request_is_refused_at_once(httpd):
    with socket.create_connection(("127.0.0.1", httpd.port), timeout=5) as sock:
        sock.send(b"GET /metrics\r\n")  # HTTP/0.9: no version, no headers
        assert sock.recv(64).startswith(b"HTTP/1.1 400 ")


def test_slowloris_is_cut_off(httpd):
    sock = socket.create_connection(("127.0.0.1", httpd.port))
    sock.settimeout(5)
    started = time.monotonic()
    head = b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: y\r\n" * 100
    with pytest.raises(OSError):  # noqa: PT011, PT012 - reset or broken pipe, somewhere in the loop
        for byte in head:
            sock.send(bytes([byte]))
            time.sleep(0.05)  # a byte every 50 ms: each read well inside the per-read time-out
            if sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                raise ConnectionResetError("closed by the server")
    assert time.monotonic() - started < IDLE + 2
    sock.close()
    assert request(httpd, "GET").status == 200


def test_a_silent_tls_client_does_not_stall_others(tmp_path, require_tools):
    pki = make_pki(tmp_path, require_tools)
    config = tmp_path / "web.yml"
    config.write_text(
        json.dumps(
            {
                "tls_server_config": {
                    "cert_file": str(pki.server_cert),
                    "key_file": str(pki.server_key),
                }
            }
        )
    )
    server = serve(
        App(SnapshotStore(), "demo"),
        "127.0.0.1",
        0,
        WebConfigSource(str(config)),
        timeout=5,
        header_timeout=5,
    )
    silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(50)]
    try:
        ctx = ssl.create_default_context(cafile=str(pki.ca))
        started = time.monotonic()
        conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=5, context=ctx)
        conn.request("GET", "/-/healthy")
        assert conn.getresponse().status == 200
        assert time.monotonic() - started < 1.0  # not behind the silent clients' 5 s
        conn.close()
    finally:
        for sock in silent:
            sock.close()
        server.stop()


def test_a_request_body_is_refused_not_read(httpd):
    """Nothing here takes a body: a huge Content-Length gets 413 at once, not a worker held
    while the body trickles in."""
    with socket.create_connection(("127.0.0.1", httpd.port), timeout=5) as sock:
        sock.send(b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nx")
        assert sock.recv(64).startswith(b"HTTP/1.1 413 ")


def test_time_queued_counts_toward_the_head_deadline():
    """With every worker busy, one-byte clients queued ahead of a scrape are dropped when their
    head deadline passes in the queue (then each keeps a 0.25 s grace): the scrape waits about
    one deadline, not one per client."""
    server = serve(App(SnapshotStore(), "demo"), "127.0.0.1", 0, header_timeout=1.0, workers=1)
    crowd = []
    try:
        for _ in range(6):
            sock = socket.create_connection(("127.0.0.1", server.port))
            sock.send(b"G")  # readable, so it goes to the worker queue, and never says more
            crowd.append(sock)
        time.sleep(0.1)
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/-/healthy")
        assert conn.getresponse().status == 200
        # 1 s + 5 × 0.25 s; 6 s if each one-byte client had its own second.
        assert time.monotonic() - started < 4.0
        conn.close()
    finally:
        for sock in crowd:
            sock.close()
        server.stop()


def test_a_client_that_stops_reading_frees_its_worker():
    big = b"x" * (64 << 20)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", str(len(big)))])
        return [big] if environ["PATH_INFO"] == "/big" else [b""]

    server = serve(app, "127.0.0.1", 0, response_timeout=1.0, workers=1)
    try:
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.send(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")  # and never reads the answer
        time.sleep(0.2)
        started = time.monotonic()
        big = b""  # the next answer is empty
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/small")
        assert conn.getresponse().status == 200
        assert time.monotonic() - started < 3.0  # the only worker was freed after 1 s
        conn.close()
        sock.close()
    finally:
        server.stop()


def test_stop_is_prompt_with_clients_connected(httpd):
    idle = [socket.create_connection(("127.0.0.1", httpd.port)) for _ in range(20)]
    slow = socket.create_connection(("127.0.0.1", httpd.port))
    slow.send(b"GET /metrics HTTP/1.1\r\n")  # half a head: a worker is reading it
    time.sleep(0.2)
    started = time.monotonic()
    httpd.stop()
    assert time.monotonic() - started < 3.0
    for sock in [*idle, slow]:
        sock.close()


def test_stop_is_prompt_when_a_client_stops_reading():
    big = b"x" * (64 << 20)  # far more than the socket buffers hold: the worker blocks in send

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", str(len(big)))])
        return [big]

    server = serve(app, "127.0.0.1", 0, timeout=30, header_timeout=30)
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # and never reads the answer
    time.sleep(0.5)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3.0
    sock.close()


SERVER = textwrap.dedent(
    """
    import resource, sys, time
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    from exporter.server import App
    from exporter.snapshot import SnapshotStore
    from exporter.web.serving import serve
    httpd = serve(App(SnapshotStore(), "demo"), "127.0.0.1", 0, timeout=30, header_timeout=30)
    print(httpd.port, flush=True)
    time.sleep(600)
    """
)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_out_of_file_descriptors_does_not_spin(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    conns = []
    try:
        port = int(proc.stdout.readline())
        for _ in range(300):  # more than the 256 descriptors the server may open
            conns.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        time.sleep(0.5)
        before = cpu_seconds(proc.pid)
        time.sleep(3)
        used = cpu_seconds(proc.pid) - before
        assert used < 0.5, f"{used:.2f} s of CPU in 3 s: the accept loop spins"
        # Idle connections are shed to make room: a scrape still gets through.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/metrics")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        for sock in conns:
            sock.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


def test_client_san_ip_addresses_compare_as_addresses():
    cert = {"subjectAltName": (("IP Address", "2001:DB8:0:0:0:0:0:1\n"), ("DNS", "a.example"))}
    assert _san_allowed(cert, ("2001:db8::1",))
    assert _san_allowed(cert, ("a.example",))
    assert not _san_allowed(cert, ("2001:db8::2", "b.example"))
