"""One APScheduler job per enabled collector, and the wrapper that makes every run safe.

Isolation: every collector runs on a thread of its own (``max_instances=1``), never queued
behind another collector, so a collector stuck on one slow API cannot delay the others. What
bounds the load on the cloud is not a pool of runs but ``ServiceSlots``: at most
``concurrency`` requests in flight to each service. A run ends at its deadline (its
``timeout``, by default its interval) at the latest: no request starts after it and each
request's time-out is cut to what is left of it. A hung API therefore holds only its own
collectors' threads and its own service's slots, for at most one deadline.

Threads are daemon threads: on SIGTERM the runs in flight are abandoned (they stop at their next
request and record nothing), and a request blocked in a socket read does not keep the process
alive.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import structlog
from apscheduler.executors.base import BaseExecutor, run_job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from openstack.config.cloud_region import CloudRegion
from openstack.connection import Connection

from exporter.api import Api, RunAbandoned, ServiceSlots
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
        stop: threading.Event | None = None,
    ) -> None:
        self.settings = settings
        self.region = region
        self.specs = specs
        self.store = store
        self.stop = stop or threading.Event()
        self.slots = ServiceSlots(settings.concurrency)
        self._conns: dict[str, Connection] = {}
        self._lock = threading.Lock()
        self._running: set[str] = set()
        for name in settings.enabled:
            store.register(name, settings.collectors[name].settings.interval)

    def _connection(self, name: str) -> Connection:
        # One connection per collector, reused across runs: max_instances=1 means a collector
        # never runs twice at once, so its connection is never shared between runs.
        with self._lock:
            if name not in self._conns:
                self._conns[name] = connect(self.region)
            return self._conns[name]

    def _drop_connection(self, name: str) -> None:
        # After a failure start clean: a cached token or discovery result may be what failed.
        with self._lock:
            self._conns.pop(name, None)

    def running(self) -> set[str]:
        """Collectors with a run in flight."""
        with self._lock:
            return set(self._running)

    def run(self, name: str) -> CollectorState | None:
        """One run of ``name``; None when it was abandoned because the exporter is stopping."""
        if self.stop.is_set():
            return None
        with self._lock:
            self._running.add(name)
        try:
            return self._run(name)
        finally:
            with self._lock:
                self._running.discard(name)

    def _run(self, name: str) -> CollectorState | None:
        log = get_logger(collector=name)
        cfg = self.settings.collectors[name].settings
        start = time.perf_counter()
        with structlog.contextvars.bound_contextvars(collector=name):
            try:
                api = Api(
                    self._connection(name),
                    api_timeout=cfg.api_timeout,
                    deadline=time.monotonic() + cfg.deadline,
                    stop=self.stop,
                    slots=self.slots,
                )
                result = self.specs[name].fn(api, cfg)
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
                if self.stop.is_set() or isinstance(exc, RunAbandoned):
                    # Shutdown cut the run short: not a failure of the cloud, nothing to record.
                    log.debug("collector_abandoned")
                    return None
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

    def run_all_once(self) -> dict[str, CollectorState | None]:
        """Every enabled collector once, each on its own thread as the scheduler runs them."""
        results: dict[str, CollectorState | None] = {}

        def one(name: str) -> None:
            results[name] = self.run(name)

        threads = [
            threading.Thread(target=one, args=(name,), daemon=True, name=f"collector-{name}")
            for name in self.settings.enabled
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results


class DaemonThreadExecutor(BaseExecutor):
    """Runs each job on a new daemon thread.

    APScheduler's ThreadPoolExecutor would queue a collector behind others once its workers are
    busy, and its threads are joined at interpreter exit; with ``max_instances=1`` per job this
    executor runs at most one thread per collector and never keeps the process alive.
    """

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        def target() -> None:
            try:
                events = run_job(job, job._jobstore_alias, run_times, self._logger.name)
            except BaseException:
                self._run_job_error(job.id, *sys.exc_info()[1:])
            else:
                self._run_job_success(job.id, events)

        threading.Thread(target=target, daemon=True, name=f"collector-{job.id}").start()


def build_scheduler(settings: Settings, runner: Runner) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        executors={"default": DaemonThreadExecutor()},
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


def stop(scheduler: BackgroundScheduler, runner: Runner, grace: float) -> set[str]:
    """Stop scheduling, abandon the runs in flight, wait up to ``grace`` seconds for them to
    notice; returns the collectors still blocked in a request (their threads are daemons)."""
    runner.stop.set()
    scheduler.shutdown(wait=False)
    until = time.monotonic() + grace
    while runner.running() and time.monotonic() < until:
        time.sleep(0.05)
    return runner.running()
