"""One APScheduler job per source, and the wrapper that makes every sync safe.

Data flows one way: a job syncs one **source** (the only code that calls OpenStack), swaps its
data into the model, then derives every enabled **collector** that reads it (pure functions of
the model) into the snapshot. Each kind of data is therefore fetched once however many
collectors read it, on the shortest interval among them.

A sync is a full read the first time, after any failure, and whenever the last full read is
older than the source's ``resync``; a delta otherwise. After a failure the next attempts back
off (one interval, then two, four... up to ``MAX_BACKOFF_INTERVALS`` intervals, at most
``MAX_BACKOFF_SECONDS``), so a struggling API is not hammered; the collectors reading the
source keep their last good data, marked failed, and go stale in the usual way.

Isolation: every source syncs on a thread of its own (``max_instances=1``), never queued behind
another, so a source stuck on one slow API cannot delay the others. What bounds the load on the
cloud is ``ServiceSlots``: at most ``concurrency`` requests in flight to each service. A sync
ends at its deadline (the shortest ``timeout`` of its readers, by default its interval; a full
sync ``FULL_SYNC_DEADLINE`` at least) at the latest: no request starts after it and each
request's time-out is cut to what is left of it.

Threads are daemon threads: on SIGTERM the syncs in flight are abandoned (they stop at their
next request and record nothing), and a request blocked in a socket read does not keep the
process alive.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from apscheduler.executors.base import BaseExecutor, run_job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from openstack.config.cloud_region import CloudRegion
from openstack.connection import Connection

from exporter.api import Api, RunAbandoned, ServiceSlots
from exporter.config import MAX_INTERVAL, Settings
from exporter.connection import connect
from exporter.contract import (
    CollectorSpec,
    Findings,
    ServiceAbsent,
    Source,
    SyncContext,
    all_sources,
    sources_of,
)
from exporter.logs import get_logger, scrub
from exporter.model import Model
from exporter.snapshot import CollectorState, SnapshotStore, SourceState

# Spread sources that share an interval; capped so long intervals do not drift by minutes.
MAX_JITTER_SECONDS = 15.0
MAX_BACKOFF_INTERVALS = 8
MAX_BACKOFF_SECONDS = 900.0
# A full sync may take this long whatever the interval: at 10,000 hosts the first read of the
# resource providers is 30,000 calls, minutes of work that a 2-minute deadline would cut off
# at every attempt. Deltas keep the interval's deadline.
FULL_SYNC_DEADLINE = 900.0
# A scheduled sync is skipped when the data is younger than this share of the interval: it was
# just synced for another source that uses it.
FRESH_SHARE = 0.5


def _same(new: Any, old: Any) -> bool:
    """Whether a sync left a source's data as it was. Records are compared by value; data that
    cannot tell (no ``__eq__``, NaN) counts as changed, which only costs a derivation."""
    try:
        return new is old or bool(new == old)
    except Exception:
        return False


@dataclass(slots=True)
class _Synced:
    """One source's live bookkeeping (guarded by its lock)."""

    name: str
    source: Source[Any]
    interval: float
    deadline: float
    resync: float
    options: Mapping[str, Any]
    readers: tuple[str, ...]
    lock: threading.Lock = field(default_factory=threading.Lock)
    data: Any = None
    has_data: bool = False
    ok: bool = False
    absent: bool = False
    error: str = ""
    started: float | None = None  # start of the last successful sync (a delta's "since")
    finished: float | None = None  # end of the last successful sync
    last_full: float | None = None
    consecutive_failures: int = 0
    retry_at: float = 0.0
    needs_full: bool = True
    # Whether it was healthy when the collectors of the sources using it last heard of it.
    told_ok: bool | None = None
    # Whether its last successful sync changed its data (its readers' derivation is skipped
    # otherwise, unless their last is an interval old: ages and "stuck" thresholds move).
    changed: bool = True
    state: SourceState = field(default=None)  # type: ignore[assignment]


class Runner:
    """Syncs sources and derives collectors: times them, catches every exception, logs one
    line per sync and per derivation, records the outcomes."""

    def __init__(
        self,
        settings: Settings,
        region: CloudRegion,
        specs: Mapping[str, CollectorSpec],
        store: SnapshotStore,
        stop: threading.Event | None = None,
        clock: Callable[[], float] | None = None,
        system_region: CloudRegion | None = None,
    ) -> None:
        self.settings = settings
        # For sources whose API shows everything only to a system-scoped token.
        self.system_region = system_region
        # Wall-clock time of syncs (a delta's "since", backoff, data age); bench/api_load.py
        # replays an hour of schedule on a simulated one. Deadlines stay on time.monotonic().
        self._clock = clock
        self.region = region
        self.specs = specs
        self.store = store
        self.stop = stop or threading.Event()
        self.slots = ServiceSlots(settings.concurrency)
        self._conns: dict[str, Connection] = {}
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._derive_locks = {name: threading.Lock() for name in settings.enabled}
        self._derived_at: dict[str, float] = {}  # collector -> clock() of its last derivation
        registry = all_sources()
        enabled = [specs[name] for name in settings.enabled]
        self.sources: dict[str, _Synced] = {}
        for name in sources_of(enabled):
            readers = tuple(s.name for s in enabled if name in s.sources)
            cfgs = [settings.collectors[r].settings for r in readers]
            # A source only another uses (none yet) gets its interval from that user below.
            interval = min([c.interval for c in cfgs] or [MAX_INTERVAL])
            src = settings.sources.get(name)
            resync = registry[name].resync if src is None else src.resync
            options = dict(registry[name].options if src is None else src.options)
            synced = _Synced(
                name,
                registry[name](),
                interval,
                min([c.deadline for c in cfgs] or [interval]),
                resync,
                options,
                readers,
            )
            self.sources[name] = synced
        # A source another uses syncs at least as often as its user (users last in the order:
        # walk it backwards so a chain passes the interval down).
        for name in reversed(list(self.sources)):
            user = self.sources[name]
            for dep in registry[name].uses:
                synced = self.sources[dep]
                synced.interval = min(synced.interval, user.interval)
                synced.deadline = min(synced.deadline, synced.interval)
        for synced in self.sources.values():
            synced.state = SourceState(synced.name, synced.interval, synced.resync)
            store.record_source(synced.state)
        # Per collector, the sources it reads and those they use; per source, the collectors
        # whose outcome depends on it.
        self._closure = {name: sources_of([specs[name]]) for name in settings.enabled}
        self._dependents: dict[str, list[str]] = {name: [] for name in self.sources}
        for name in settings.enabled:
            for source in self._closure[name]:
                self._dependents[source].append(name)
        for name in settings.enabled:
            store.register(name, settings.collectors[name].settings.interval)

    def clock(self) -> float:
        return self._clock() if self._clock is not None else time.time()

    # -- connections ---------------------------------------------------------------------

    def _connection(self, name: str) -> Connection:
        # One connection per source, reused across syncs: a source never syncs twice at once.
        with self._lock:
            if name not in self._conns:
                system = self.system_region is not None and (
                    type(self.sources[name].source).scope == "system"
                )
                self._conns[name] = connect(self.system_region if system else self.region)
            return self._conns[name]

    def _drop_connection(self, name: str) -> None:
        # After a failure start clean: a cached token or discovery result may be what failed.
        with self._lock:
            self._conns.pop(name, None)

    def running(self) -> set[str]:
        """Sources with a sync in flight."""
        with self._lock:
            return set(self._running)

    # -- syncing -------------------------------------------------------------------------

    def sync(self, name: str, *, scheduled: bool = False, fresh_since: float | None = None) -> bool:
        """One sync of source ``name`` and the derivation of its readers; False when it was
        skipped (fresh enough, backing off, already synced since ``fresh_since``, or the
        exporter is stopping)."""
        if self.stop.is_set():
            return False
        synced = self.sources[name]
        with self._lock:
            self._running.add(name)
        try:
            deps: list[_Synced] = []
            with synced.lock:
                if scheduled and not self._due(synced):
                    return False
                if (
                    fresh_since is not None
                    and synced.ok
                    and synced.started is not None
                    and synced.started >= fresh_since
                ):
                    return False  # another source that uses it synced it just now
                self._sync_locked(synced, deps)
            for dep in deps:
                self._derive_readers(dep)
            self._derive_readers(synced)
            return True
        finally:
            with self._lock:
                self._running.discard(name)

    def _due(self, synced: _Synced) -> bool:
        now = self.clock()
        if not synced.ok and synced.consecutive_failures and now < synced.retry_at:
            return False  # backing off after failures
        return not (
            synced.ok
            and synced.started is not None
            and now - synced.started < FRESH_SHARE * synced.interval
        )

    def _sync_locked(self, synced: _Synced, deps: list[_Synced] | None = None) -> None:
        """Sync one source whose lock the caller holds; the sources it uses are synced first
        when due (and appended to ``deps``, whose readers the caller derives)."""
        cls = type(synced.source)
        log = get_logger(source=synced.name)
        used = {}
        for dep in cls.uses:
            dep_synced = self.sources[dep]
            with dep_synced.lock:
                if self._due(dep_synced) or not dep_synced.has_data:
                    self._sync_locked(dep_synced, deps)
                    if deps is not None:
                        deps.append(dep_synced)
                if dep_synced.has_data and dep_synced.ok:
                    used[dep] = dep_synced.data
        start, t0 = self.clock(), time.perf_counter()
        full = (
            synced.needs_full
            or not synced.has_data
            or synced.resync == 0
            # A rolling source spreads its resync over its deltas instead of a burst.
            or (
                not cls.rolling
                and synced.last_full is not None
                and start - synced.last_full >= synced.resync
            )
        )
        api: Api | None = None
        with structlog.contextvars.bound_contextvars(source=synced.name):
            try:
                missing = [dep for dep in cls.uses if dep not in used]
                if missing:
                    raise RuntimeError(f"source {missing[0]!r} it uses has no good data")
                api = Api(
                    self._connection(synced.name),
                    api_timeout=self.settings.api_timeout,
                    deadline=time.monotonic()
                    + (max(synced.deadline, FULL_SYNC_DEADLINE) if full else synced.deadline),
                    stop=self.stop,
                    slots=self.slots,
                )
                if cls.services:
                    api.require_service(cls.services)
                readers = tuple(
                    self.settings.collectors[r].settings.options for r in synced.readers
                )
                ctx = SyncContext(
                    api,
                    synced.options,
                    synced.started,
                    synced.interval,
                    synced.resync,
                    used,
                    readers,
                    synced.data if synced.has_data and not synced.absent else None,
                    now=start,
                )
                data = synced.source.full(ctx) if full else synced.source.delta(ctx, synced.data)
            except ServiceAbsent as exc:
                synced.changed = not (synced.has_data and synced.ok and synced.absent)
                synced.data, synced.has_data, synced.ok, synced.absent = None, True, True, True
                synced.started, synced.finished, synced.error = start, self.clock(), ""
                synced.consecutive_failures = 0
                self._record(synced, api, 0, full, t0)
                log.info("source_sync", ok=True, skipped=True, reason=str(exc))
                return
            except Exception as exc:
                if self.stop.is_set() or isinstance(exc, RunAbandoned):
                    log.debug("source_abandoned")
                    return
                self._drop_connection(synced.name)
                # After a failure, a delta may have missed changes: read everything. A rolling
                # source compares with its last good data and needs no burst.
                synced.ok, synced.needs_full = False, not cls.rolling
                synced.error = scrub(f"{type(exc).__name__}: {exc}")[:500]
                synced.consecutive_failures += 1
                backoff = min(
                    synced.interval * 2 ** (synced.consecutive_failures - 1),
                    max(
                        synced.interval,
                        min(MAX_BACKOFF_INTERVALS * synced.interval, MAX_BACKOFF_SECONDS),
                    ),
                )
                # Counted from the start, as the scheduler's triggers are.
                synced.retry_at = start + backoff
                state = self._record(synced, api, 0, full, t0, failed=True)
                log.warning(
                    "source_sync",
                    ok=False,
                    full=full,
                    error=synced.error,
                    retry_in_seconds=round(backoff, 1),
                    requests=api.requests if api else 0,
                    duration_seconds=round(state.last_duration or 0, 4),
                )
                return
        kept = synced.has_data and synced.ok and not synced.absent
        synced.changed = not (kept and _same(data, synced.data))
        synced.data, synced.has_data, synced.ok, synced.absent = data, True, True, False
        synced.started, synced.finished, synced.error = start, self.clock(), ""
        synced.consecutive_failures, synced.needs_full = 0, False
        if full:
            synced.last_full = start
        state = self._record(synced, api, ctx.changed, full, t0)
        log.info(
            "source_sync",
            ok=True,
            full=full,
            requests=api.requests,
            changed=ctx.changed,
            duration_seconds=round(state.last_duration or 0, 4),
        )

    def _record(
        self,
        synced: _Synced,
        api: Api | None,
        changed: int,
        full: bool,
        t0: float,
        *,
        failed: bool = False,
    ) -> SourceState:
        old, now = synced.state, self.clock()
        new = SourceState(
            synced.name,
            synced.interval,
            synced.resync,
            syncs=old.syncs + 1,
            failures=old.failures + int(failed),
            requests=old.requests + (api.requests if api else 0),
            changed=old.changed + changed,
            last_ok=not failed,
            absent=synced.absent and not failed,
            last_full=now if full and not failed else old.last_full,
            last_delta=now if not full and not failed else old.last_delta,
            last_success=old.last_success if failed else now,
            last_duration=time.perf_counter() - t0,
            last_error=synced.error or None,
        )
        synced.state = new
        self.store.record_source(new)
        return new

    def resync(self, name: str) -> None:
        """Make the next sync of source ``name`` a full one."""
        with self.sources[name].lock:
            self.sources[name].needs_full = True

    # -- deriving ------------------------------------------------------------------------

    def _derive_readers(self, synced: _Synced) -> None:
        """Derive the collectors that read ``synced``; those of the sources using it only when
        its health changed (their data changes when their own source syncs, and re-deriving a
        10,000-project quota family at each catalog sync costs seconds of CPU)."""
        told = synced.told_ok == synced.ok
        synced.told_ok = synced.ok
        duration = synced.state.last_duration or 0.0
        for name in self._dependents[synced.name]:
            if not told:
                self.derive(name, duration)
            elif name in synced.readers:
                if synced.changed or not synced.ok or self._due_derivation(name):
                    self.derive(name, duration)
                else:
                    self._confirm(name, duration)

    def _due_derivation(self, name: str) -> bool:
        """Whether collector ``name`` must be derived even if its data did not change: it
        failed or never ran, or its last derivation is an interval old (what a collector says
        may depend on the time: ages, "stuck" thresholds)."""
        state = self.store.states().get(name)
        derived = self._derived_at.get(name)
        return (
            state is None
            or not state.last_ok
            or derived is None
            or self.clock() - derived >= self.settings.collectors[name].settings.interval
        )

    def _confirm(self, name: str, sync_duration: float) -> None:
        """The inputs of ``name`` synced unchanged: its families stand, now current."""
        with self._derive_locks[name]:
            parts = [self.sources[s] for s in self.specs[name].sources]
            finished = min(p.finished or 0.0 for p in parts)
            self.store.record_unchanged(name, finished=finished, duration=sync_duration)
        get_logger(collector=name).debug("collector_run", ok=True, unchanged=True)

    def derive(self, name: str, sync_duration: float = 0.0) -> CollectorState | None:
        """Collector ``name`` from the model as it is now; None while a source it reads has
        never synced."""
        spec = self.specs[name]
        log = get_logger(collector=name)
        with self._derive_locks[name], structlog.contextvars.bound_contextvars(collector=name):
            parts = [self.sources[s] for s in spec.sources]
            # A failing source behind one it reads fails it too: Placement's deltas without
            # the servers' would miss deletes, whichever source happened to sync first.
            failed = [self.sources[s] for s in self._closure[name] if self.sources[s].error]
            if not failed and any(not p.has_data for p in parts):
                return None  # a source has not synced yet: nothing to say
            t0 = time.perf_counter()
            required = [self.sources[s] for s in spec.reads]
            if failed:
                error = f"source {failed[0].name} failing: {failed[0].error}"[:500]
                state = self.store.record_failure(
                    name, error, finished=self.clock(), duration=sync_duration
                )
                log.warning("collector_run", ok=False, error=error)
                return state
            finished = min(p.finished or 0.0 for p in parts)
            if any(p.absent for p in required):
                absent = next(p for p in required if p.absent)
                state = self.store.record_success(
                    name, [], finished=finished, duration=sync_duration, absent=True
                )
                log.info("collector_run", ok=True, skipped=True, absent_source=absent.name)
                return state
            self._derived_at[name] = self.clock()
            model = Model({p.name: p.data for p in parts if not p.absent})
            try:
                result = spec.fn(model, self.settings.collectors[name].settings)
            except Exception as exc:
                # A collector is pure: an exception here is a bug or data it cannot read.
                error = scrub(f"{type(exc).__name__}: {exc}")[:500]
                state = self.store.record_failure(
                    name, error, finished=self.clock(), duration=sync_duration
                )
                log.error("collector_run", ok=False, error=error)
                return state
            families, findings = (
                (result.families, result.items) if isinstance(result, Findings) else (result, ())
            )
            duration = sync_duration + time.perf_counter() - t0
            state = self.store.record_success(
                name, families, finished=finished, duration=duration, findings=findings
            )
            log.info(
                "collector_run",
                ok=True,
                duration_seconds=round(duration, 4),
                series=state.series,
            )
            return state

    # -- whole runs (start-up, tests, --once) ---------------------------------------------

    def run(self, name: str) -> CollectorState | None:
        """Sync every source collector ``name`` reads, now, then derive it; None when the
        exporter is stopping."""
        for source in sources_of([self.specs[name]]):
            if self.stop.is_set():
                return None
            synced = self.sources[source]
            with synced.lock:
                self._sync_locked(synced)
        if self.stop.is_set():
            return None
        for source in self.specs[name].sources:
            self._derive_readers(self.sources[source])
        return self.store.states().get(name)

    def run_all_once(self) -> dict[str, CollectorState | None]:
        """Every source once, each on its own thread as the scheduler runs them, then every
        enabled collector's outcome."""
        begin = self.clock()
        threads = [
            threading.Thread(
                target=self.sync,
                args=(name,),
                kwargs={"fresh_since": begin},
                daemon=True,
                name=f"source-{name}",
            )
            for name in self.sources
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if self.stop.is_set():
            return dict.fromkeys(self.settings.enabled)
        states = self.store.states()
        return {name: states.get(name) for name in self.settings.enabled}


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
    for name, synced in runner.sources.items():
        interval = synced.interval
        scheduler.add_job(
            runner.sync,
            trigger=IntervalTrigger(
                seconds=interval, jitter=min(interval * 0.1, MAX_JITTER_SECONDS), timezone=UTC
            ),
            args=[name],
            kwargs={"scheduled": True},
            id=name,
            name=name,
            next_run_time=now,  # data at start-up, not one interval later
            misfire_grace_time=max(1, int(interval)),
        )
    return scheduler


def stop(scheduler: BackgroundScheduler, runner: Runner, grace: float) -> set[str]:
    """Stop scheduling, abandon the syncs in flight, wait up to ``grace`` seconds for them to
    notice; returns the sources still blocked in a request (their threads are daemons)."""
    runner.stop.set()
    scheduler.shutdown(wait=False)
    until = time.monotonic() + grace
    while runner.running() and time.monotonic() < until:
        time.sleep(0.05)
    return runner.running()
