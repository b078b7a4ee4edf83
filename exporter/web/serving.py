"""The HTTP server: cheroot with a bounded worker pool, time-outs, TLS and the web config.

cheroot is a production WSGI server that speaks TLS (waitress does not). Three of its defaults do
not suit a daemon anyone on the network can reach, so they are changed here:

- **New connections wait in the selector, not in a worker.** cheroot hands every accepted
  connection to a worker, which then blocks reading it: 16 idle connections would hold all 16
  workers and ``/metrics`` would wait. Here a connection reaches a worker only once it has sent
  something, and idle ones are closed after ``timeout`` by cheroot's own expiry.
- **The TLS handshake happens in the worker, under a deadline.** cheroot handshakes in its accept
  loop, so one client that opens a TLS connection and says nothing stalls every other client for
  the socket time-out. Here the socket is wrapped without handshaking, and the worker handshakes.
- **A request's head must arrive within ``header_timeout`` in all** (Go's ReadHeaderTimeout),
  not merely within a time-out per ``recv`` that a slowloris client resets with every byte: a
  watchdog shuts the socket of a connection that overstays it.

Out of file descriptors, accept() fails at once and the selector reports the listening socket
ready again and again; cheroot would spin on it at 100 % CPU. Here the oldest idle connection is
closed to make room and the accept loop backs off briefly.

The web config file (certificates, users, headers) is re-read when it or a certificate changes,
checked at most once a second; a broken new version is logged and the one in force stays.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from cheroot import wsgi
from cheroot.connections import ConnectionManager
from cheroot.makefile import MakeFile
from cheroot.server import HTTPConnection
from cheroot.ssl import Adapter

from exporter import logs
from exporter.config import ConfigInvalid
from exporter.web.guard import Guard
from exporter.web.webconfig import WebConfig, load_with_context
from exporter.web.wsgi import StartResponse, WsgiApp

WORKERS = 16
# Seconds a connection may sit idle, and a single read or write may wait.
TIMEOUT = 10.0
# Seconds the whole request head (or a TLS handshake plus the head) may take to arrive.
HEADER_TIMEOUT = 10.0
# Seconds a connection picked up after its head deadline passed in the queue still gets.
QUEUED_GRACE = 0.25
# Seconds an answer may take to be sent once the head has arrived (Prometheus gives up sooner).
RESPONSE_TIMEOUT = 60.0
# Seconds stop() waits for requests in flight; the process has 5 s in all to stop.
SHUTDOWN_TIMEOUT = 1.0
# The kernel's queue of connections not yet accepted (cheroot's default is 5).
BACKLOG = 1024
MAX_HEADER_BYTES = 64 * 1024
RELOAD_CHECK_SECONDS = 1.0
_OUT_OF_FDS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


class WebConfigSource:
    """The web config in force, re-read when its file or a certificate file changes."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.config, self.context = load_with_context(path) if path else (WebConfig(), None)
        self._stamp = self._stat()
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def __call__(self) -> WebConfig:
        return self.config

    def ssl(self) -> ssl.SSLContext:
        """The TLS context in force; only a TLS server (one whose config has TLS) asks."""
        return cast(ssl.SSLContext, self.context)

    def poll(self) -> None:
        """Re-read the config if a file changed; called from the server's watchdog thread, so
        neither the accept loop nor a request ever waits on a reload."""
        self._maybe_reload()

    def _stat(self) -> tuple[tuple[str, float | None, int | None], ...]:
        files = [self.path] if self.path else []
        if self.config.tls:
            files += self.config.tls.files()
        out = []
        for f in files:
            try:
                st = os.stat(f)
                out.append((f, st.st_mtime, st.st_size))
            except OSError:
                out.append((f, None, None))
        return tuple(out)

    def _maybe_reload(self) -> None:
        if not self.path or time.monotonic() - self._checked < RELOAD_CHECK_SECONDS:
            return
        with self._lock:
            if time.monotonic() - self._checked < RELOAD_CHECK_SECONDS:
                return
            self._checked = time.monotonic()
            stamp = self._stat()
            if stamp == self._stamp:
                return
            self._stamp = stamp  # a broken version is reported once, not every second
            log = logs.get_logger()
            try:
                config, context = load_with_context(self.path)
                if (config.tls is None) != (self.config.tls is None):
                    raise ConfigInvalid(
                        ["tls_server_config: turning TLS on or off needs a restart"]
                    )
            except ConfigInvalid as exc:
                log.error("web_config_reload_failed", problems=exc.problems, kept="previous")
                return
            self.config, self.context = config, context
            log.info("web_config_reloaded", tls=config.tls is not None, users=len(config.users))


class _LazyTLS(Adapter):
    """Wraps accepted sockets for TLS without handshaking; the worker handshakes."""

    def __init__(self, source: WebConfigSource) -> None:
        super().__init__(None, None)
        self.source = source

    def bind(self, sock: socket.socket) -> socket.socket:
        return sock

    def wrap(self, sock: socket.socket) -> tuple[ssl.SSLSocket, dict[str, str]]:
        wrapped = self.source.ssl().wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        )
        return wrapped, self.get_environ(wrapped)

    def get_environ(self, sock: Any = None) -> dict[str, str]:
        return {"wsgi.url_scheme": "https", "HTTPS": "on"}

    def makefile(self, sock: socket.socket, mode: str = "r", bufsize: int = -1) -> Any:
        return MakeFile(sock, mode, bufsize)


class _Watchdog:
    """Cuts off a connection past its deadline: its request head (or TLS handshake) after
    ``limit``, its answer after the response time-out. Its thread also calls ``tick`` (the web
    config's reload check) so that no request waits on it."""

    def __init__(self, limit: float, tick: Callable[[], None]) -> None:
        self.limit = limit
        self.tick = tick
        self._armed: dict[int, tuple[float, socket.socket]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="http-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def arm(self, sock: socket.socket, deadline: float) -> None:
        """Cut ``sock`` at ``deadline`` (time.monotonic()) unless disarmed or re-armed before."""
        with self._lock:
            self._armed[threading.get_ident()] = (deadline, sock)

    def rearm(self, deadline: float) -> None:
        """A new deadline for the connection this thread serves."""
        with self._lock:
            armed = self._armed.get(threading.get_ident())
            if armed is not None:
                self._armed[threading.get_ident()] = (deadline, armed[1])

    def disarm(self) -> None:
        with self._lock:
            self._armed.pop(threading.get_ident(), None)

    def _run(self) -> None:
        while not self._stop.wait(min(0.25, self.limit / 4)):
            self.tick()
            now = time.monotonic()
            with self._lock:
                late = [k for k, (deadline, _) in self._armed.items() if deadline < now]
                socks = [self._armed.pop(k)[1] for k in late]
            for sock in socks:
                _cut(sock)


def _cut(sock: socket.socket) -> None:
    """End the connection under the worker serving it: its blocked read or write returns. At
    the socket level, not SSLSocket.shutdown, which would tear TLS state from under the worker."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Connection(HTTPConnection):
    server: _Server
    _tls_ready = False

    def communicate(self) -> bool:
        server = self.server
        # The head's deadline counts from when the connection was handed to the workers: time
        # spent queued behind other clients is the client's time too, or a crowd of one-byte
        # clients could keep a scrape queued for minutes.
        # A connection whose deadline passed in the queue keeps QUEUED_GRACE to finish: enough
        # to parse a head that has arrived, not to wait for one that has not.
        now = time.monotonic()
        deadline = max(getattr(self, "queued_at", now) + server.watchdog.limit, now + QUEUED_GRACE)
        if not server.ready:
            return False
        watchdog = server.watchdog
        watchdog.arm(self.socket, deadline)
        server.active.add(self.socket)
        try:
            tls_pending = isinstance(self.socket, ssl.SSLSocket) and not self._tls_ready
            if tls_pending and not self._handshake():
                return False
            return bool(super().communicate())
        finally:
            watchdog.disarm()
            self.server.active.discard(self.socket)

    def _handshake(self) -> bool:
        sock = cast(ssl.SSLSocket, self.socket)
        try:
            sock.do_handshake()
        except ssl.SSLError as exc:
            if "http request" in str(exc).lower():
                # Plain HTTP sent to the TLS port: say so in plain HTTP, as Go's server does.
                text = b"Client sent an HTTP request to an HTTPS server.\n"
                head = b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n"
                length = b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(text)
                with contextlib.suppress(OSError):
                    socket.socket.sendall(sock, head + length + text)
            return False
        except OSError:
            return False
        allowed = self.server.source.config.tls.client_allowed_sans if self.server.tls else ()
        if allowed and not _san_allowed(sock.getpeercert() or {}, allowed):
            return False
        self._tls_ready = True
        return True


def _san_allowed(cert: dict[str, Any], allowed: tuple[str, ...]) -> bool:
    """Whether a SAN of the client's certificate is in ``client_allowed_sans``. IP addresses
    compare as addresses: ssl prints an IPv6 SAN in full and upper case (2001:DB8:0:0:...)."""
    wanted = {_canonical(a) for a in allowed}
    return any(_canonical(value) in wanted for _, value in cert.get("subjectAltName", ()))


def _canonical(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return value


class _Connections(ConnectionManager):
    """Keeps new connections in the selector until they speak; sheds idle ones when out of fds."""

    _backoff = 0.0

    def _from_server_socket(self, server_socket: socket.socket) -> Any:
        try:
            conn = super()._from_server_socket(server_socket)
        except OSError as exc:
            if exc.errno not in _OUT_OF_FDS:
                raise
            self._out_of_descriptors()
            return None
        self._backoff = 0.0
        if conn is not None and not (_readable(conn.socket) or conn.rfile.has_data()):
            self.put(conn)  # registers it in the selector; expired after the time-out
            return None
        return conn

    def _out_of_descriptors(self) -> None:
        idle = [
            (conn.last_used, fd, conn)
            for fd, conn in self._selector.connections
            if conn is not self.server
        ]
        if idle:
            _, fd, conn = min(idle, key=lambda item: item[0])
            self._selector.unregister(fd)
            conn.close()
        else:
            # Nothing to shed: the fds are in requests being served. Wait, do not spin.
            self._backoff = min(max(self._backoff * 2, 0.005), 0.25)
            time.sleep(self._backoff)


def _readable(sock: socket.socket) -> bool:
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


class _Server(wsgi.Server):
    ConnectionClass = _Connection

    def __init__(self, *args: Any, source: WebConfigSource, header_timeout: float, **kw: Any):
        super().__init__(*args, **kw)
        self.source = source
        self.tls = source.config.tls is not None
        self.watchdog = _Watchdog(header_timeout, source.poll)
        # Sockets a worker is serving: cut at stop once the grace is over.
        self.active: set[socket.socket] = set()
        self.request_queue_size = BACKLOG
        self.max_request_header_size = MAX_HEADER_BYTES
        # Nothing here takes a request body: refuse one (413) at once rather than read it.
        self.max_request_body_size = 1
        self.keep_alive_conn_limit = 256
        if self.tls:
            self.ssl_adapter = _LazyTLS(source)

    def prepare(self) -> None:
        super().prepare()
        default, self._connections = self._connections, _Connections(self)
        default._selector.close()
        self.watchdog.start()

    def process_conn(self, conn: Any) -> None:
        conn.queued_at = time.monotonic()
        super().process_conn(conn)

    def stop(self) -> None:
        """Requests in flight get SHUTDOWN_TIMEOUT to finish; then their sockets are shut, so a
        client that stopped reading a large answer cannot hold a worker (and the process) for
        the full write time-out. Connections still queued are closed unserved."""
        cutter = threading.Timer(SHUTDOWN_TIMEOUT, self._cut_active)
        cutter.daemon = True
        cutter.start()
        try:
            super().stop()
        finally:
            cutter.cancel()
            self.watchdog.stop()

    def _cut_active(self) -> None:
        for sock in list(self.active):
            _cut(sock)

    def error_log(self, msg: str = "", level: int = 20, traceback: bool = False) -> None:
        # Client misbehaviour (resets, bad TLS) is not worth a log line; a server error is.
        if level >= 40:
            logs.get_logger().warning("http_server_error", message=logs.scrub(str(msg)))


@dataclass
class HttpServer:
    server: _Server
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.bind_addr[1])

    @property
    def scheme(self) -> str:
        return "https" if self.server.tls else "http"

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(SHUTDOWN_TIMEOUT + 1)


def serve(
    app: WsgiApp,
    host: str,
    port: int,
    source: WebConfigSource | None = None,
    *,
    timeout: float = TIMEOUT,
    header_timeout: float = HEADER_TIMEOUT,
    response_timeout: float = RESPONSE_TIMEOUT,
    workers: int = WORKERS,
) -> HttpServer:
    """Listen on host:port (OSError if it cannot) and serve ``app`` behind the guard."""
    source = source or WebConfigSource(None)
    guard = Guard(app, source)

    server: _Server

    def entry(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # The head has arrived; the answer now has RESPONSE_TIMEOUT to be taken, so a client
        # that reads a large /metrics a byte at a time cannot hold a worker for ever.
        server.watchdog.rearm(time.monotonic() + response_timeout)
        return guard(environ, start_response)

    server = _Server(
        (host, port),
        entry,
        numthreads=workers,
        max=workers,
        timeout=timeout,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        source=source,
        header_timeout=header_timeout,
    )
    try:
        server.prepare()  # binds now, so a port in use is an error to the caller, not a log line
    except OSError as exc:
        # cheroot folds the bind error into one message; give the caller its errno back.
        found = re.search(r"\[Errno (\d+)\] ([^)]*)", str(exc))
        if found is None or exc.errno is not None:
            raise
        raise OSError(int(found.group(1)), found.group(2)) from None
    thread = threading.Thread(target=server.serve, name="http", daemon=True)
    thread.start()
    return HttpServer(server, thread)
