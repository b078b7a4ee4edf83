"""The WSGI app: /metrics from a private registry reading only the snapshot; /, /-/healthy,
/-/ready. exporter.web.serving serves it (cheroot, TLS, auth)."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs

from prometheus_client import CollectorRegistry, ProcessCollector, make_wsgi_app
from prometheus_client.exposition import choose_encoder, gzip_accepted
from prometheus_client.metrics_core import Metric

from exporter.selfmetrics import families as self_families
from exporter.snapshot import SnapshotStore
from exporter.web import console, problems_page

StartResponse = Callable[..., Any]


class SnapshotCollector:
    """Yields the stored families and self-metrics. No I/O: a scrape never reaches OpenStack."""

    def __init__(self, store: SnapshotStore) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        states = self.store.states()
        for state in states.values():
            yield from state.families
        yield from self_families(states)


def build_registry(store: SnapshotStore) -> CollectorRegistry:
    # Our families come and go with the cloud, so the collector has no fixed names to describe;
    # registering it "without names" keeps ?name[]= filtering working for it.
    registry = CollectorRegistry(auto_describe=False, support_collectors_without_names=True)
    registry.register(SnapshotCollector(store))
    ProcessCollector(registry=registry)
    return registry


class _Families:
    """The smallest collector an encoder accepts: a fixed list of families."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


class CachedMetrics:
    """/metrics with the collectors' families rendered once per change, not once per scrape.

    The stored families change only when a collector succeeds, yet a large cloud has hundreds of
    thousands of series: rendering them on every scrape of every Prometheus replica is the
    exporter's main cost. Each format (text, OpenMetrics; plain or gzip) keeps the rendered
    bytes of the stored families with the generation they belong to; self-metrics and process
    metrics are rendered per scrape and appended. For gzip the deflate state after the cached
    part is kept too, so the answer is one ordinary gzip stream. ``?name[]=`` filtering goes
    through prometheus-client's own path, uncached.
    """

    def __init__(self, store: SnapshotStore) -> None:
        self.store = store
        self.uncached = make_wsgi_app(build_registry(store))
        self.process = ProcessCollector(registry=None)
        self._cache: dict[tuple[str, bool], tuple[int, bytes, Any]] = {}
        self._render_locks: dict[tuple[str, bool], threading.Lock] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if "name[]" in parse_qs(environ.get("QUERY_STRING", "")):
            return self.uncached(environ, start_response)
        encoder, content_type = choose_encoder(environ.get("HTTP_ACCEPT", ""))
        gz = gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING", ""))
        key = (content_type, gz)
        generation, states = self.store.snapshot()
        with self._lock:
            cached = self._cache.get(key)
            render_lock = self._render_locks.setdefault(key, threading.Lock())
        if cached is None or cached[0] != generation:
            # One render per change and format: the scrapes that arrive meanwhile wait for it
            # rather than each rendering every series at once.
            with render_lock:
                generation, states = self.store.snapshot()
                with self._lock:
                    cached = self._cache.get(key)
                if cached is None or cached[0] != generation:
                    cached = self._render(encoder, gz, generation, states)
                    with self._lock:
                        self._cache[key] = cached
        dynamic = encoder(_Families([*self_families(states), *self.process.collect()]))
        if cached[2] is not None:
            tail = cached[2].copy()
            body = cached[1] + tail.compress(dynamic) + tail.flush()
        else:
            body = cached[1] + dynamic
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if gz:
            headers.append(("Content-Encoding", "gzip"))
        start_response("200 OK", headers)
        return [body]

    @staticmethod
    def _render(
        encoder: Callable[[Any], bytes],
        gz: bool,
        generation: int,
        states: Mapping[str, Any],
    ) -> tuple[int, bytes, Any]:
        static = encoder(_Families(f for s in states.values() for f in s.families))
        static = static.removesuffix(b"# EOF\n")  # OpenMetrics: one EOF, at the very end
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31) if gz else None
        prefix = compressor.compress(static) if compressor else static
        return generation, prefix, compressor


class App:
    def __init__(self, store: SnapshotStore, cloud: str) -> None:
        self.store = store
        self.cloud = cloud
        self.metrics = CachedMetrics(store)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path == "/metrics":
            return self.metrics(environ, start_response)
        if path == "/problems":
            status, content_type, body = problems_page.respond(
                self.store.states(),
                self.cloud,
                time.time(),
                environ.get("HTTP_ACCEPT", ""),
                environ.get("QUERY_STRING", ""),
            )
            start_response(
                status,
                [
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(body))),
                    # The format follows Accept: a cache must not serve the HTML to a script.
                    ("Vary", "Accept"),
                ],
            )
            return [body]
        if path == "/-/healthy":
            return _text(start_response, "200 OK", "Healthy.\n")
        if path == "/-/ready":
            if self.store.ready():
                return _text(start_response, "200 OK", "Ready.\n")
            return _text(
                start_response,
                "503 Service Unavailable",
                "Not ready: some collectors have not run yet.\n",
            )
        if path == "/":
            body = self.landing_page().encode()
            start_response(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return _text(start_response, "404 Not Found", "Not found. Try /metrics.\n")

    def problems(self) -> dict[str, object]:
        """Every finding of the problems collectors, with its age and the age of the data."""
        items = problems_page.problem_items(
            self.store.states(), time.time(), problems_page.Filters()
        )
        return {"count": len(items), "problems": items}

    def landing_page(self) -> str:
        return console.render(self.store.states(), self.cloud, time.time())


def _text(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


def parse_listen_address(value: str) -> tuple[str, int]:
    """``host:port``, ``:port`` (all interfaces) or ``[v6]:port``, as Prometheus spells it."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError("must be host:port, :port or [ipv6]:port")
    host = host.strip("[]") or "0.0.0.0"  # noqa: S104 - an exporter listens for its scrapers
    return host, int(port)
