"""SnapshotStore: per collector, the families of its last good run plus bookkeeping.

Records are immutable and swapped under a lock; a scrape takes references and never waits on a
collector, so /metrics costs the same however slow OpenStack is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from prometheus_client.metrics_core import Metric

from exporter.contract import Finding

# Data older than this many intervals is stale: the one definition behind the landing page,
# openstack_exporter_collector_stale and the OpenStackExporterDataStale alert.
STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True, slots=True)
class CollectorState:
    name: str
    interval: float
    registered: float = field(default_factory=time.time)
    families: tuple[Metric, ...] = ()
    runs: int = 0
    failures: int = 0
    last_ok: bool = False
    absent: bool = False
    last_duration: float | None = None
    last_run: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    series: int = 0
    findings: tuple[Finding, ...] = ()

    @property
    def has_run(self) -> bool:
        return self.runs > 0

    def stale(self, now: float) -> bool:
        """Whether the served data (or, before any success, the wait for it) is older than
        ``STALE_AFTER_INTERVALS`` intervals."""
        since = self.registered if self.last_success is None else self.last_success
        return now - since > STALE_AFTER_INTERVALS * self.interval


@dataclass(frozen=True, slots=True)
class SourceState:
    """Bookkeeping of one source: how it syncs and what it costs the cloud."""

    name: str
    interval: float
    resync: float
    syncs: int = 0
    failures: int = 0
    requests: int = 0
    changed: int = 0
    last_ok: bool = False
    absent: bool = False
    last_full: float | None = None
    last_delta: float | None = None
    last_success: float | None = None
    last_duration: float | None = None
    last_error: str | None = None


@dataclass(slots=True)
class SnapshotStore:
    _states: dict[str, CollectorState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Bumped whenever any collector's families change: /metrics re-renders only then.
    _generation: int = 0
    # Called (outside the lock, on the collector's thread) after each change of families.
    _listeners: list[Callable[[], None]] = field(default_factory=list)
    _sources: dict[str, SourceState] = field(default_factory=dict)

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def register(self, name: str, interval: float) -> None:
        with self._lock:
            self._states.setdefault(name, CollectorState(name, interval))

    def record_success(
        self,
        name: str,
        families: Iterable[Metric],
        *,
        finished: float,
        duration: float,
        absent: bool = False,
        findings: Iterable[Finding] = (),
    ) -> CollectorState:
        families = tuple(families)
        with self._lock:
            old = self._states[name]
            new = replace(
                old,
                families=families,
                runs=old.runs + 1,
                last_ok=True,
                absent=absent,
                last_duration=duration,
                last_run=finished,
                last_success=finished,
                last_error=None,
                series=sum(len(f.samples) for f in families),
                findings=tuple(findings),
            )
            self._states[name] = new
            self._generation += 1
        for listener in self._listeners:
            listener()
        return new

    def record_unchanged(self, name: str, *, finished: float, duration: float) -> CollectorState:
        """The sources it reads synced and their data is as it was: the families stand, now
        known to be current as of ``finished``."""
        with self._lock:
            old = self._states[name]
            new = replace(
                old,
                runs=old.runs + 1,
                last_duration=duration,
                last_run=finished,
                last_success=finished,
            )
            self._states[name] = new
            return new

    def record_failure(
        self, name: str, error: str, *, finished: float, duration: float
    ) -> CollectorState:
        """Keep the last good families; only the bookkeeping moves."""
        with self._lock:
            old = self._states[name]
            new = replace(
                old,
                runs=old.runs + 1,
                failures=old.failures + 1,
                last_ok=False,
                last_duration=duration,
                last_run=finished,
                last_error=error,
            )
            self._states[name] = new
            return new

    def record_source(self, state: SourceState) -> None:
        with self._lock:
            self._sources[state.name] = state

    def sources(self) -> Mapping[str, SourceState]:
        with self._lock:
            return dict(self._sources)

    def snapshot(self) -> tuple[int, Mapping[str, CollectorState]]:
        """The families' generation and the states, taken together."""
        with self._lock:
            return self._generation, dict(self._states)

    def states(self) -> Mapping[str, CollectorState]:
        with self._lock:
            return dict(self._states)

    def ready(self) -> bool:
        states = self.states()
        return bool(states) and all(s.has_run for s in states.values())
