"""The WSGI app: /metrics from a private registry reading only the snapshot; /, /-/healthy,
/-/ready. exporter.web.serving serves it (cheroot, TLS, auth)."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs

from prometheus_client import CollectorRegistry, ProcessCollector, make_wsgi_app
from prometheus_client.exposition import choose_encoder, gzip_accepted
from prometheus_client.metrics_core import Metric

from exporter import logs
from exporter.selfmetrics import families as self_families
from exporter.snapshot import CollectorState, SnapshotStore
from exporter.web import console, problems_page
from exporter.web.wsgi import HTML, StartResponse, send, text

# Scrapes within this many seconds share one reading of the process metrics.
PROCESS_READ_SECONDS = 1.0
# A format (text or OpenMetrics, plain or gzip) not scraped for this long is no longer rendered
# ahead of scrapes; ten scrape intervals of the slowest usual Prometheus.
FORMAT_KEEP_SECONDS = 600.0
# The content types rendered once per change: what Prometheus, curl and browsers ask for.
CACHED_FORMATS = frozenset(
    choose_encoder(accept)[1]
    for accept in (
        "",
        "text/plain; version=0.0.4",
        "application/openmetrics-text; version=1.0.0",
        # Prometheus 3 asks for UTF-8 names to be allowed, in either format.
        "application/openmetrics-text; version=1.0.0; escaping=allow-utf-8",
        "text/plain; version=1.0.0; escaping=allow-utf-8",
        "text/plain; version=1.0.0",
    )
)


class SnapshotCollector:
    """Yields the stored families and self-metrics. No I/O: a scrape never reaches OpenStack."""

    def __init__(self, store: SnapshotStore) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        states = self.store.states()
        for state in states.values():
            yield from state.families
        yield from self_families(states, self.store.sources())


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


@dataclass(frozen=True, slots=True)
class _Rendered:
    """The stored families of one generation in one format, and the states they came with."""

    generation: int
    prefix: bytes
    # gzip: the deflate state after the prefix, copied to append each scrape's own part.
    compressor: Any
    states: Mapping[str, CollectorState]

    @classmethod
    def of(
        cls,
        encoder: Callable[[Any], bytes],
        gz: bool,
        generation: int,
        states: Mapping[str, CollectorState],
    ) -> _Rendered:
        static = encoder(_Families(f for s in states.values() for f in s.families))
        static = static.removesuffix(b"# EOF\n")  # OpenMetrics: one EOF, at the very end
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31) if gz else None
        prefix = compressor.compress(static) if compressor else static
        return cls(generation, prefix, compressor, states)


def _as_served(
    current: Mapping[str, CollectorState], served: _Rendered
) -> dict[str, CollectorState]:
    """The collectors' bookkeeping as of now (runs, failures, last outcome and error), with the
    facts about their *data* (last success, series, absent) of the render being served: while a
    new render is made, a scrape gets the previous one, and its last-success time must not
    claim data it does not carry. Families that stand unchanged (their sources synced to the
    same data) are those served: their newer last success is true of them."""
    out = dict(current)
    for name, st in current.items():
        old = served.states.get(name)
        if old is not None and old.families is not st.families:
            out[name] = replace(
                st, last_success=old.last_success, series=old.series, absent=old.absent
            )
    return out


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
        self._cache: dict[tuple[str, bool], _Rendered] = {}
        self._render_locks: dict[tuple[str, bool], threading.Lock] = {}
        # Formats scrapers asked for, with their encoder and when they last asked.
        self._formats: dict[tuple[str, bool], tuple[Callable[[Any], bytes], float]] = {}
        self._lock = threading.Lock()
        self._process: tuple[float, list[Metric]] = (-PROCESS_READ_SECONDS, [])
        store.subscribe(self.refresh)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if "name[]" in parse_qs(environ.get("QUERY_STRING", "")):
            return self.uncached(environ, start_response)
        encoder, content_type = choose_encoder(environ.get("HTTP_ACCEPT", ""))
        if content_type not in CACHED_FORMATS:
            # A client picks the content type (an OpenMetrics version, an escaping): only the
            # usual ones are cached and rendered ahead, so no client can grow the cache.
            return self.uncached(environ, start_response)
        gz = gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING", ""))
        cached = self._current((content_type, gz), encoder)
        dynamic = encoder(
            _Families(
                [
                    *self_families(_as_served(self.store.states(), cached), self.store.sources()),
                    *self._process_families(),
                ]
            )
        )
        if cached.compressor is not None:
            tail = cached.compressor.copy()
            body = cached.prefix + tail.compress(dynamic) + tail.flush()
        else:
            body = cached.prefix + dynamic
        return send(
            start_response,
            "200 OK",
            content_type,
            body,
            [("Content-Encoding", "gzip")] if gz else [],
        )

    def refresh(self) -> None:
        """After a change, on the collector's thread: render again each format scraped lately,
        so that scrapes find it rendered instead of paying for it. Formats nobody asked for in
        FORMAT_KEEP_SECONDS are dropped."""
        now = time.monotonic()
        with self._lock:
            for key, (_, asked) in list(self._formats.items()):
                if now - asked > FORMAT_KEEP_SECONDS:
                    del self._formats[key]
                    self._cache.pop(key, None)
                    self._render_locks.pop(key, None)
            formats = dict(self._formats)
        for key, (encoder, _) in formats.items():
            try:
                self._current(key, encoder, wait=True)
            except Exception:
                logs.get_logger().exception("metrics_render_failed", format=key[0], gzip=key[1])

    def _current(
        self, key: tuple[str, bool], encoder: Callable[[Any], bytes], wait: bool = False
    ) -> _Rendered:
        """The render of the current generation, made once per change and format. While it is
        being made (by refresh, or by the first scrape of a format), scrapes are answered with
        the previous one (the cloud as it was a moment ago, with the self-metrics of that
        moment) rather than waiting for it or rendering every series themselves."""
        generation, _ = self.store.snapshot()
        with self._lock:
            cached = self._cache.get(key)
            lock = self._render_locks.setdefault(key, threading.Lock())
            if not wait:
                self._formats[key] = (encoder, time.monotonic())
        fresh = cached is not None and cached.generation == generation
        if cached is not None and (fresh or not lock.acquire(blocking=wait)):
            return cached
        if cached is None:
            lock.acquire()
        try:
            generation, states = self.store.snapshot()
            with self._lock:
                cached = self._cache.get(key)
            if cached is None or cached.generation != generation:
                cached = _Rendered.of(encoder, key[1], generation, states)
                with self._lock:
                    self._cache[key] = cached
            return cached
        finally:
            lock.release()

    def _process_families(self) -> list[Metric]:
        """process_* read at most once per PROCESS_READ_SECONDS: reading /proc (stat, limits,
        one entry per open fd) was half the CPU of a scrape when hundreds arrive at once."""
        now = time.monotonic()
        with self._lock:
            read_at, families = self._process
            if now - read_at < PROCESS_READ_SECONDS:
                return families
            families = list(self.process.collect())
            self._process = (now, families)
            return families


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
            # The format follows Accept: a cache must not serve the HTML to a script.
            return send(start_response, status, content_type, body, [("Vary", "Accept")])
        if path == "/-/healthy":
            return text(start_response, "200 OK", "Healthy.\n")
        if path == "/-/ready":
            if self.store.ready():
                return text(start_response, "200 OK", "Ready.\n")
            return text(
                start_response,
                "503 Service Unavailable",
                "Not ready: some collectors have not run yet.\n",
            )
        if path == "/":
            page = console.render(self.store.states(), self.cloud, time.time())
            return send(start_response, "200 OK", HTML, page.encode())
        return text(start_response, "404 Not Found", "Not found. Try /metrics.\n")


def parse_listen_address(value: str) -> tuple[str, int]:
    """``host:port``, ``:port`` (all interfaces) or ``[v6]:port``, as Prometheus spells it."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError("must be host:port, :port or [ipv6]:port")
    host = host.strip("[]") or "0.0.0.0"  # noqa: S104 - an exporter listens for its scrapers
    return host, int(port)
