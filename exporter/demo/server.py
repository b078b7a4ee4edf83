"""The demo cloud over HTTP: Keystone v3, Nova, Placement, Cinder, Neutron on one loopback port."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from exporter.demo import bodies
from exporter.demo.cloud import DemoCloud
from exporter.demo.routes import ROUTES, Request

_MICROVERSION = re.compile(r"(compute|volume|placement)\s+(\d+\.\d+|latest)", re.I)
_LATEST = {
    "compute": bodies.COMPUTE_MAX,
    "volume": bodies.VOLUME_MAX,
    "placement": bodies.PLACEMENT_MAX,
}


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
        with cloud.lock:
            cloud.requests += 1
            cloud.requests_by_path[path] += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = cloud.fault_for(path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                self._json(fault.status, _error(fault.status, "injected fault"))
                return
        override = cloud.overrides.get((method, path))
        if override is not None:
            query = parse_qs(url.query)
            self._json(
                200,
                _after_marker(override, query.get("marker", [""])[-1]),
                self._version_headers(path),
            )
            return
        try:
            status, payload, headers = self._route(method, path, parse_qs(url.query), body)
        except KeyError:
            status, payload, headers = 404, _error(404, "The resource could not be found."), {}
        self._json(status, payload, headers)

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        cloud, base = self.server.cloud, self.server.base_url
        public = {
            "/": {"versions": []},
            "/identity": bodies.identity_versions(base),
            "/identity/v3": bodies.identity_version(base),
            "/compute": bodies.compute_versions(base),
            "/compute/v2.1": bodies.compute_version(base),
            "/volume": bodies.volume_versions(base),
            "/volume/v3": bodies.volume_versions(base),
            "/network": bodies.network_versions(base),
            "/placement": bodies.placement_root(),
        }
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
        ctx = Request(cloud, base, self._microversion(path), query)
        for pattern, handler in ROUTES:
            match = pattern.fullmatch(path)
            if match:
                status, payload = handler(ctx, *match.groups())
                return status, payload, self._version_headers(path)
        raise KeyError(path)

    def _issue_token(self, body: bytes) -> tuple[int, Any, dict[str, str]]:
        cloud = self.server.cloud
        try:
            user = json.loads(body)["auth"]["identity"]["password"]["user"]
            ok = user.get("name") == cloud.username and secrets.compare_digest(
                str(user.get("password", "")), cloud.password
            )
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            return 401, _error(401, "The request you have made requires authentication."), {}
        tok = secrets.token_hex(16)
        with cloud.lock:
            cloud.tokens.add(tok)
        return 201, bodies.token(cloud, self.server.base_url), {"X-Subject-Token": tok}

    def _microversion(self, path: str) -> tuple[int, int]:
        service = {"compute": "compute", "volume": "volume", "placement": "placement"}.get(
            path.split("/")[1]
        )
        header = self.headers.get("OpenStack-API-Version", "")
        legacy = self.headers.get("X-OpenStack-Nova-API-Version")
        for m in _MICROVERSION.finditer(header):
            if m.group(1).lower() == service:
                value = m.group(2)
                return bodies.version_tuple(_LATEST[service] if value == "latest" else value)
        if service == "compute" and legacy:
            return bodies.version_tuple(legacy)
        return (2, 1) if service == "compute" else (3, 0) if service == "volume" else (1, 0)

    def _version_headers(self, path: str) -> dict[str, str]:
        service = path.split("/")[1]
        if service not in ("compute", "volume", "placement"):
            return {}
        major, minor = self._microversion(path)
        return {
            "OpenStack-API-Version": f"{service} {major}.{minor}",
            "Vary": "OpenStack-API-Version",
        }

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _service_of(path: str) -> str:
    return {
        "identity": "identity",
        "compute": "compute",
        "volume": "block-storage",
        "network": "network",
        "placement": "placement",
    }.get(path.split("/")[1], "")


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


def _error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "title": "Error"}}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    cloud: DemoCloud
    base_url: str


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
        )

    def write_clouds_yaml(self, path: Path, name: str = "demo") -> Path:
        path.write_text(self.clouds_yaml(name), encoding="utf-8")
        path.chmod(0o600)
        return path
