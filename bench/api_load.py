"""OpenStack API requests an hour at default settings, per source and in total, under churn.

Not a test. The demo cloud runs in a child process (so the exporter's peak RSS is its own); the
exporter's ``Runner`` (the code the scheduler calls) syncs its sources at their scheduled
intervals on a **simulated clock**: an hour of schedule replays in minutes, requests are
counted, not timed. The demo cloud stamps its changes with the same simulated clock, so Nova's
``changes-since`` and Placement's generations behave as they would over a real hour.

Phases, per cloud size:
1. the first full sync of every source, in parallel as at start-up: wall time and requests;
2. one simulated hour: each source synced every interval (the shortest interval of the
   collectors reading it), ``--churn`` server boots and deletes spread over the hour, plus
   ``--migrations`` live migrations and resizes (confirmed); requests counted per source.

Differences from the daemon, none of which changes a count: quota-limit calls are not
rate-limited (``max_rate`` would make the replay take as long as the real hour) and syncs run
one after another instead of on threads of their own.

    python bench/api_load.py                               # 200, 2,000 and 10,000 hosts
    python bench/api_load.py --hosts 2000 --projects 2000  # one size
    python bench/api_load.py --hosts 2000 --projects 2000 --servers 100000

The last line printed is ``total: N requests/hour`` for the size that ran last.
"""

from __future__ import annotations

import argparse
import heapq
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from exporter import logs
from exporter.clouds import cloud_region, system_region
from exporter.config import build
from exporter.contract import all_collectors
from exporter.scheduler import MAX_JITTER_SECONDS, Runner
from exporter.snapshot import SnapshotStore

SIZES = ((200, 2000), (2000, 2000), (10000, 10000))
HOUR = 3600.0


# -- the demo cloud, in its own process ------------------------------------------------------


def _serve(conn: Connection, hosts: int, projects: int, servers: int, clouds: str) -> None:
    from exporter.demo import DemoCloud, DemoServer

    cloud = DemoCloud(hosts=hosts, projects=projects)
    now = [time.time()]
    cloud.clock = lambda: now[0]
    rng = random.Random(1)
    names = [h for h in sorted({s.host for s in cloud.compute_services}) if h.startswith("cmp-")]
    tenants = [p.id for p in cloud.projects]
    misses = 0
    while len(cloud.servers) < servers and misses < 1000:  # 1,000 full hosts in a row: full
        # Stamped an hour back: not changes the first delta's overlap would list again.
        booted = cloud.boot(
            "m1.tiny", rng.choice(names), rng.choice(tenants), created=now[0] - 3600
        )
        misses = 0 if booted else misses + 1
    demo = DemoServer(cloud).start()
    demo.write_clouds_yaml(Path(clouds))
    conn.send(("ready", len(cloud.servers), len(cloud.projects)))
    while True:
        op, *args = conn.recv()
        if op == "clock":
            now[0] = args[0]
        elif op == "boot":
            cloud.boot(
                rng.choice(["m1.small", "m1.medium"]), rng.choice(names), rng.choice(tenants)
            )
        elif op == "delete":
            if cloud.servers:
                cloud.delete_server(rng.choice(cloud.servers).id)
        elif op == "migrate":
            active = [s for s in cloud.servers if s.host and s.status == "ACTIVE"]
            if active:
                s, dest = rng.choice(active), rng.choice(names)
                if rng.random() < 0.5:
                    cloud.migrate(s.id, dest)  # a live migration, completed
                else:
                    _resize(cloud, s.id, dest)
        elif op == "requests":
            conn.send(cloud.requests)
        elif op == "stop":
            demo.stop()
            conn.send("stopped")
            return


def _resize(cloud: Any, server_id: str, dest: str) -> None:
    m = cloud.migrate(server_id, dest, flavor_name="m1.medium", finish=False)
    if m is not None:
        cloud.confirm(m.uuid)


# -- the exporter, in this process -----------------------------------------------------------


class SimClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def measure(
    hosts: int,
    projects: int,
    servers: int,
    churn: int,
    migrations: int,
    disabled: tuple[str, ...] = (),
) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    with tempfile.TemporaryDirectory() as tmp:
        clouds = str(Path(tmp) / "clouds.yaml")
        proc = ctx.Process(
            target=_serve, args=(child, hosts, projects, servers, clouds), daemon=True
        )
        proc.start()
        _, n_servers, n_projects = parent.recv()
        specs = all_collectors()
        settings = build(
            {
                "cloud": "demo",
                "system_cloud": "demo-system",
                "clouds_file": clouds,
                "sources": {"quota_limits": {"max_rate": 0}},
                "collectors": {name: {"enabled": False} for name in disabled},
            },
            specs,
        )
        clock = SimClock(time.time())
        parent.send(("clock", clock.now))
        store = SnapshotStore()
        runner = Runner(
            settings,
            cloud_region(settings),
            specs,
            store,
            clock=clock,
            system_region=system_region(settings),
        )
        derive_cpu: dict[str, float] = {}
        derive_count: dict[str, int] = {}
        derive = runner.derive

        def timed_derive(name: str, sync_duration: float = 0.0) -> Any:
            # The exporter's CPU an hour: collectors rebuilt from the model after syncs.
            t = time.process_time()
            try:
                return derive(name, sync_duration)
            finally:
                derive_cpu[name] = derive_cpu.get(name, 0.0) + time.process_time() - t
                derive_count[name] = derive_count.get(name, 0) + 1

        runner.derive = timed_derive  # type: ignore[method-assign]

        # 1. First full sync, as at start-up: every source on its own thread.
        start = time.perf_counter()
        runner.run_all_once()
        first_seconds = time.perf_counter() - start
        first = {name: st.requests for name, st in store.sources().items()}
        first_syncs = {name: st.syncs for name, st in store.sources().items()}
        failed = [n for n, st in store.sources().items() if not st.last_ok]
        # Said at once: at 10,000 hosts the replayed hour takes a while longer.
        print(
            f"{hosts} hosts: first full sync {sum(first.values())} requests in "
            f"{first_seconds:.1f} s, RSS so far "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
            flush=True,
        )

        # 2. One simulated hour.
        before = dict(first)
        events: list[tuple[float, int, str, str]] = []
        rng = random.Random(7)
        seq = 0
        for name, synced in runner.sources.items():
            # Each source's syncs of one hour after start-up (an hourly one syncs once), offset
            # by the scheduler's jitter (up to a tenth of the interval, at most 15 s).
            t = synced.interval + rng.uniform(0, min(synced.interval * 0.1, MAX_JITTER_SECONDS))
            while t < HOUR + MAX_JITTER_SECONDS:
                events.append((t, seq, "sync", name))
                seq += 1
                t += synced.interval
        for i in range(churn):
            events.append(((i + 0.5) * HOUR / churn, seq, "boot" if i % 2 else "delete", ""))
            seq += 1
        for i in range(migrations):
            events.append(((i + 0.25) * HOUR / max(migrations, 1), seq, "migrate", ""))
            seq += 1
        heapq.heapify(events)
        t0, hour_start = clock.now, time.perf_counter()
        derive_cpu.clear()
        derive_count.clear()
        while events:
            at, _, op, name = heapq.heappop(events)
            clock.now = t0 + at
            parent.send(("clock", clock.now))
            if op == "sync":
                runner.sync(name, scheduled=True)
            else:
                parent.send((op,))
        hour_seconds = time.perf_counter() - hour_start
        per_source = {
            name: st.requests - before.get(name, 0) for name, st in store.sources().items()
        }
        syncs = {name: st.syncs - first_syncs[name] for name, st in store.sources().items()}
        failed += [n for n, st in store.sources().items() if not st.last_ok and n not in failed]
        parent.send(("stop",))
        parent.recv()
        proc.join(5)
    return {
        "hosts": hosts,
        "projects": n_projects,
        "servers": n_servers,
        "first_seconds": first_seconds,
        "first_requests": sum(first.values()),
        "hour_seconds": hour_seconds,
        "per_source": per_source,
        "total": sum(per_source.values()),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "failed": failed,
        "series": {name: st.series for name, st in store.states().items()},
        "syncs": syncs,
        "derive_cpu": dict(derive_cpu),
        "derive_count": dict(derive_count),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hosts", type=int, help="one size: compute hosts")
    p.add_argument("--projects", type=int, help="one size: projects (default: as many as hosts)")
    p.add_argument("--servers", type=int, default=0, help="top the cloud up to this many servers")
    p.add_argument("--churn", type=int, default=1000, help="server boots and deletes an hour")
    p.add_argument("--migrations", type=int, default=50, help="migrations and resizes an hour")
    p.add_argument(
        "--disable", action="append", default=[], metavar="COLLECTOR", help="e.g. quota_usage"
    )
    args = p.parse_args()
    logs.configure("error")
    sizes = [(args.hosts, args.projects or args.hosts)] if args.hosts else list(SIZES)
    r: dict[str, Any] = {}
    for hosts, projects in sizes:
        r = measure(hosts, projects, args.servers, args.churn, args.migrations, tuple(args.disable))
        print(
            f"\n{r['hosts']} hosts, {r['projects']} projects, {r['servers']} servers; "
            f"{args.churn} boots+deletes and {args.migrations} migrations an hour"
        )
        print(
            f"first full sync: {r['first_requests']} requests in {r['first_seconds']:.1f} s; "
            f"simulated hour replayed in {r['hour_seconds']:.0f} s; "
            f"peak RSS {r['rss_mb']:.0f} MB"
        )
        series = r["series"]
        quota = series.get("quota_limits", 0) + series.get("quota_usage", 0)
        print(
            f"series served: {sum(series.values())}, of which quota limits and usage {quota} "
            f"({quota / max(sum(series.values()), 1):.0%})"
        )
        if r["failed"]:
            print(f"FAILED sources: {', '.join(r['failed'])}")
        width = max(len(n) for n in r["per_source"])
        for name, n in sorted(r["per_source"].items(), key=lambda kv: -kv[1]):
            print(f"  {name:<{width}} {n:>8} requests/hour in {r['syncs'][name]:>3} syncs")
        cpu = r["derive_cpu"]
        print(
            f"collectors derived from the model: {sum(r['derive_count'].values())} times, "
            f"{sum(cpu.values()):.1f} CPU seconds in the hour; the costliest:"
        )
        for name, s in sorted(cpu.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {name:<{width}} {s:>8.1f} s in {r['derive_count'][name]:>3} derivations")
        print(f"total: {r['total']} requests/hour")
    return 1 if r.get("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
