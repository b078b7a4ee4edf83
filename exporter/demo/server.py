"""The demo cloud over HTTP: Keystone v3, Nova, Placement, Cinder, Neutron on one loopback port."""

from __future__ import annotations

import json
import re
import secrets
import socket
import struct
import sys
import threading
import uuid
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from exporter.demo import bodies
from exporter.demo.cloud import DemoCloud
from exporter.demo.faults import Fault, Paging
from exporter.demo.routes import ROUTES, Request, Service
from exporter.demo.services import CATALOG
from exporter.demo.services.identity import token

_BY_PREFIX = {s.prefix: s for s in CATALOG.values()}
_MICROVERSIONED = {p: s for p, s in _BY_PREFIX.items() if s.microversions is not None}
_MICROVERSION = re.compile(rf"({'|'.join(_MICROVERSIONED)})\s+(\d+\.\d+|latest)", re.I)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDK reuses its connections
    # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds
    # 40 ms to every response.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the exporter's own logs are what a demo user reads."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        cloud = self.server.cloud
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query)
        with cloud.lock:
            cloud.requests += 1
            cloud.requests_by_path[path] += 1
        length = int(self.headers.get("Content-Length") or 0)
        # Read the body even when a fault answers, so a kept-alive connection stays in step.
        body = self.rfile.read(length) if length else b""
        fault = cloud.take_fault(path, marker=bool(query.get("marker")))
        if fault is None:
            status, payload, headers = self._answer(method, path, query, body)
            self._send(status, _encode(payload), {"Content-Type": "application/json", **headers})
            return
        if not self._hold(fault):
            # stop() released the wait: the server is going away, so the client gets no answer.
            self.close_connection = True
            return
        if fault.drop == "reset":
            self._reset()
            return
        status, data, headers = self._faulted(fault, method, path, url.path, query, body)
        self._send(status, data, headers, drop_mid_body=fault.drop == "mid_body")

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        """What the cloud answers when nothing misbehaves."""
        override = self.server.cloud.overrides.get((method, path))
        if override is not None:
            marker = query.get("marker", [""])[-1]
            return 200, _after_marker(override, marker), self._version_headers(path)
        try:
            return self._route(method, path, query, body)
        except KeyError:
            return 404, _error(404, "The resource could not be found."), {}

    def _faulted(
        self,
        fault: Fault,
        method: str,
        path: str,
        raw_path: str,
        query: dict[str, list[str]],
        body: bytes,
    ) -> tuple[int, bytes, dict[str, str]]:
        """The answer ``fault`` makes of this request: status, body bytes, headers."""
        if fault.body is not None:
            status, data = fault.status or 200, fault.body
            headers = {"Content-Type": fault.content_type} if fault.content_type else {}
        elif fault.status is not None:
            status, data = fault.status, _encode(_error(fault.status, "injected fault"))
            headers = {"Content-Type": "application/json"}
        else:
            if fault.paging == "endless":
                # Its markers exist nowhere: routing one would give Nova's 400, not a page.
                query = {k: v for k, v in query.items() if k != "marker"}
            status, payload, routed = self._answer(method, path, query, body)
            if fault.paging is not None and status == 200:
                here = f"{self.server.base_url}{raw_path}?{urlencode(query, doseq=True)}"
                payload = _repage(payload, fault.paging, query.get("marker", [""])[-1], here)
            data, headers = _encode(payload), {"Content-Type": "application/json", **routed}
        return status, data, _merge(headers, fault.headers)

    def _hold(self, fault: Fault) -> bool:
        """Wait out the fault's delay or hang; False when stop() cut the wait short."""
        if not fault.delay and not fault.hang:
            return True
        cloud, httpd = self.server.cloud, self.server
        with cloud.lock:
            # A condition, not time.sleep: clear_faults() and stop() must not wait for hung
            # requests, and a hang must not outlive the test that set it.
            cloud.faults_changed.wait_for(
                lambda: fault.released or httpd.stopping,
                timeout=None if fault.hang else fault.delay,
            )
            return not httpd.stopping

    def _reset(self) -> None:
        """Close the connection with a TCP reset before answering, as a crashed worker does."""
        # Linger 0 turns close() into an RST; the read side holds a reference that would delay
        # the close until after socketserver's shutdown(SHUT_WR) had sent a clean FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()
        self.close_connection = True

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        cloud, base = self.server.cloud, self.server.base_url
        public: dict[str, Any] = {"/": {"versions": []}}
        for service in CATALOG.values():
            public.update(service.versions(base))
        if method == "GET" and path in public:
            if path.split("/")[1] == "identity" or _service_of(path) in cloud.services:
                return 200, public[path], {}
            raise KeyError(path)
        if method == "POST" and path == "/identity/v3/auth/tokens":
            return self._issue_token(body)
        if self.headers.get("X-Auth-Token") not in cloud.tokens:
            return 401, _error(401, "The request you have made requires authentication."), {}
        if method != "GET" or _service_of(path) not in cloud.services:
            raise KeyError(path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        ctx = Request(
            cloud,
            base,
            self._microversion(path),
            query,
            system=self.headers.get("X-Auth-Token") in cloud.system_tokens,
            headers=headers,
        )
        for pattern, handler in ROUTES:
            match = pattern.fullmatch(path)
            if match:
                status, payload = handler(ctx, *match.groups())
                return status, payload, self._version_headers(path)
        raise KeyError(path)

    def _issue_token(self, body: bytes) -> tuple[int, Any, dict[str, str]]:
        cloud = self.server.cloud
        try:
            auth = json.loads(body)["auth"]
            user = auth["identity"]["password"]["user"]
            system = bool((auth.get("scope") or {}).get("system", {}).get("all"))
            ok = user.get("name") == cloud.username and secrets.compare_digest(
                str(user.get("password", "")), cloud.password
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            ok = False
        if not ok:
            return 401, _error(401, "The request you have made requires authentication."), {}
        tok = secrets.token_hex(16)
        with cloud.lock:
            cloud.tokens.add(tok)
            if system:
                cloud.system_tokens.add(tok)
        return 201, token(cloud, self.server.base_url, system), {"X-Subject-Token": tok}

    def _microversion(self, path: str) -> tuple[int, int]:
        service: Service | None = _MICROVERSIONED.get(path.split("/")[1])
        if service is None or service.microversions is None:
            return (1, 0)
        default, latest = service.microversions
        header = self.headers.get("OpenStack-API-Version", "")
        for m in _MICROVERSION.finditer(header):
            if m.group(1).lower() == service.prefix:
                value = m.group(2)
                return bodies.version_tuple(latest if value == "latest" else value)
        legacy = self.headers.get(service.legacy_header) if service.legacy_header else None
        if legacy:
            return bodies.version_tuple(legacy)
        return bodies.version_tuple(default)

    def _version_headers(self, path: str) -> dict[str, str]:
        service = path.split("/")[1]
        if service not in _MICROVERSIONED:
            return {}
        major, minor = self._microversion(path)
        return {
            "OpenStack-API-Version": f"{service} {major}.{minor}",
            "Vary": "OpenStack-API-Version",
        }

    def _send(
        self,
        status: int,
        data: bytes,
        headers: Mapping[str, str],
        *,
        drop_mid_body: bool = False,
    ) -> None:
        self.send_response(status)
        for key, value in _merge({"Content-Length": str(len(data))}, headers).items():
            self.send_header(key, value)
        self.end_headers()
        if drop_mid_body:
            # The announced length stays: the client must see a short read, not a short body.
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        self.wfile.write(data)


def _service_of(path: str) -> str:
    service = _BY_PREFIX.get(path.split("/")[1])
    return service.type if service is not None else ""


def _after_marker(body: Any, marker: str) -> Any:
    """A recorded list body, paged like Nova and Neutron: the items after ``marker``."""
    if not marker or not isinstance(body, dict):
        return body
    for key, items in body.items():
        if isinstance(items, list) and not key.endswith("_links"):
            ids = [i.get("id") for i in items if isinstance(i, dict)]
            rest = items[ids.index(marker) + 1 :] if marker in ids else []
            return {key: rest}
    return body


def _repage(body: Any, mode: Paging, marker: str, here: str) -> Any:
    """``body`` with its ``<key>_links`` next link broken the way ``mode`` says.

    ``here`` is the request's own URL, the template when the answer has no next link.
    """
    key = _list_key(body)
    if key is None:
        return body
    links_key = f"{key}_links"
    links = [link for link in body.get(links_key) or [] if isinstance(link, dict)]
    nexts = [link["href"] for link in links if link.get("rel") == "next" and "href" in link]
    template = nexts[0] if nexts else here
    items = body[key]
    out = dict(body)  # a copy: override bodies live in the cloud and must stay as recorded
    if mode == "endless":
        first = items[0] if items and isinstance(items[0], dict) else {}
        fresh = str(uuid.uuid4())
        out[key] = [{**first, "id": fresh}]
        next_marker = fresh
    elif marker:
        next_marker = marker
    elif nexts:
        return body  # page 1: its real next link's marker is the one that will repeat
    elif items and isinstance(items[-1], dict) and "id" in items[-1]:
        next_marker = str(items[-1]["id"])
    else:
        return body
    out[links_key] = [link for link in links if link.get("rel") != "next"] + [
        {"href": _with_marker(template, next_marker), "rel": "next"}
    ]
    return out


def _list_key(body: Any) -> str | None:
    """The key of the item list in a list answer (``servers``, ``ports``), if it is one."""
    if not isinstance(body, dict):
        return None
    lists = [k for k, v in body.items() if isinstance(v, list) and not k.endswith("_links")]
    paged = [k for k in lists if f"{k}_links" in body]
    return (paged or lists or [None])[0]


def _with_marker(href: str, marker: str) -> str:
    parts = urlsplit(href)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "marker"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("marker", marker)])))


def _merge(headers: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with ``extra`` added; a name in both (any case) takes ``extra``'s value."""
    names = {k.lower() for k in extra}
    return {**{k: v for k, v in headers.items() if k.lower() not in names}, **extra}


def _encode(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def _error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "title": "Error"}}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    cloud: DemoCloud
    base_url: str
    stopping = False  # set by DemoServer.stop(): delayed and hung requests give up

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up on a delayed or hung answer is what the fault tests do on
        # purpose; only other errors deserve socketserver's traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class DemoServer:
    """Serves a DemoCloud on 127.0.0.1; ``write_clouds_yaml`` points openstacksdk at it."""

    def __init__(self, cloud: DemoCloud, host: str = "127.0.0.1", port: int = 0) -> None:
        self.cloud = cloud
        self.httpd = _HTTPServer((host, port), _Handler)
        self.httpd.cloud = cloud
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self.httpd.base_url = self.base_url
        self._thread: threading.Thread | None = None
        self.cleanup: list[Callable[[], None]] = []

    @property
    def auth_url(self) -> str:
        return f"{self.base_url}/identity/v3"

    def start(self) -> DemoServer:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="demo-cloud",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self.cloud.lock:
            self.httpd.stopping = True
            self.cloud.faults_changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for fn in self.cleanup:
            fn()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def clouds_yaml(self, name: str = "demo") -> str:
        c = self.cloud
        return (
            "clouds:\n"
            f"  {name}:\n"
            "    auth:\n"
            f"      auth_url: {self.auth_url}\n"
            f"      username: {c.username}\n"
            f"      password: {c.password}\n"
            "      project_name: admin\n"
            "      user_domain_name: Default\n"
            "      project_domain_name: Default\n"
            "    region_name: RegionOne\n"
            "    identity_api_version: 3\n"
            # The same user with a system-scoped token, as Ironic's default policies want.
            f"  {name}-system:\n"
            "    auth:\n"
            f"      auth_url: {self.auth_url}\n"
            f"      username: {c.username}\n"
            f"      password: {c.password}\n"
            "      user_domain_name: Default\n"
            "      system_scope: all\n"
            "    region_name: RegionOne\n"
            "    identity_api_version: 3\n"
        )

    def write_clouds_yaml(self, path: Path, name: str = "demo") -> Path:
        path.write_text(self.clouds_yaml(name), encoding="utf-8")
        path.chmod(0o600)
        return path
