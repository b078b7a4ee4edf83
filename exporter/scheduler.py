"""One APScheduler job per enabled collector, and the wrapper that makes every run safe."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from openstack.config.cloud_region import CloudRegion
from openstack.connection import Connection

from exporter.collectors import CollectorSpec, Findings, ServiceAbsent
from exporter.config import Settings
from exporter.connection import connect
from exporter.logs import get_logger, scrub
from exporter.snapshot import CollectorState, SnapshotStore

# Spread collectors that share an interval; capped so long intervals do not drift by minutes.
MAX_JITTER_SECONDS = 15.0


class Runner:
    """Runs one collector: times it, catches every exception, logs one line, records the outcome."""

    def __init__(
        self,
        settings: Settings,
        region: CloudRegion,
        specs: Mapping[str, CollectorSpec],
        store: SnapshotStore,
    ) -> None:
        self.settings = settings
        self.region = region
        self.specs = specs
        self.store = store
        self._conns: dict[str, Connection] = {}
        self._lock = threading.Lock()
        for name in settings.enabled:
            store.register(name, settings.collectors[name].settings.interval)

    def _connection(self, name: str) -> Connection:
        # One connection per collector, reused across runs: max_instances=1 means a collector
        # never runs twice at once, so its connection is never shared between threads.
        with self._lock:
            if name not in self._conns:
                self._conns[name] = connect(self.region)
            return self._conns[name]

    def _drop_connection(self, name: str) -> None:
        # After a failure start clean: a cached token or discovery result may be what failed.
        with self._lock:
            self._conns.pop(name, None)

    def run(self, name: str) -> CollectorState:
        log = get_logger(collector=name)
        cfg = self.settings.collectors[name].settings
        start = time.perf_counter()
        with structlog.contextvars.bound_contextvars(collector=name):
            try:
                result = self.specs[name].fn(self._connection(name), cfg)
            except ServiceAbsent as exc:
                state = self.store.record_success(
                    name,
                    [],
                    finished=time.time(),
                    duration=time.perf_counter() - start,
                    absent=True,
                )
                log.info(
                    "collector_run",
                    ok=True,
                    skipped=True,
                    reason=str(exc),
                    duration_seconds=round(state.last_duration or 0, 4),
                    series=0,
                )
                return state
            except Exception as exc:
                self._drop_connection(name)
                error = scrub(f"{type(exc).__name__}: {exc}")[:500]
                state = self.store.record_failure(
                    name, error, finished=time.time(), duration=time.perf_counter() - start
                )
                log.warning(
                    "collector_run",
                    ok=False,
                    error=error,
                    duration_seconds=round(state.last_duration or 0, 4),
                )
                return state
            families, findings = (
                (result.families, result.items) if isinstance(result, Findings) else (result, ())
            )
            state = self.store.record_success(
                name,
                families,
                finished=time.time(),
                duration=time.perf_counter() - start,
                findings=findings,
            )
            log.info(
                "collector_run",
                ok=True,
                duration_seconds=round(state.last_duration or 0, 4),
                series=state.series,
            )
            return state

    def run_all_once(self) -> dict[str, CollectorState]:
        """Every enabled collector once, bounded by the configured concurrency (for --once)."""
        from concurrent.futures import ThreadPoolExecutor as Pool

        with Pool(max_workers=self.settings.concurrency) as pool:
            return dict(
                zip(self.settings.enabled, pool.map(self.run, self.settings.enabled), strict=True)
            )


def build_scheduler(settings: Settings, runner: Runner) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=settings.concurrency)},
        job_defaults={"max_instances": 1, "coalesce": True},
        timezone=UTC,
    )
    now = datetime.now(UTC)
    for name in settings.enabled:
        interval = settings.collectors[name].settings.interval
        scheduler.add_job(
            runner.run,
            trigger=IntervalTrigger(
                seconds=interval, jitter=min(interval * 0.1, MAX_JITTER_SECONDS), timezone=UTC
            ),
            args=[name],
            id=name,
            name=name,
            next_run_time=now,  # data at start-up, not one interval later
            misfire_grace_time=max(1, int(interval)),
        )
    return scheduler
