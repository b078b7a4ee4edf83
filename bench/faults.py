"""How fast a fault shows, and how stale it leaves the other collectors.

Runs the real scheduler (every collector every ``--interval`` seconds, default deadlines and
api_timeout) against the demo cloud, injects one fault at a time and samples the snapshot every
100 ms: the time until every collector reading the faulty API reports success 0, and the
oldest data any *other* collector served meanwhile (its age since its last success).

    python bench/faults.py --interval 5 --window 20
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from exporter import logs
from exporter.clouds import cloud_region
from exporter.config import build
from exporter.contract import all_collectors
from exporter.demo import DemoCloud, DemoServer
from exporter.demo.readers import readers
from exporter.scheduler import Runner, build_scheduler
from exporter.scheduler import stop as stop_scheduler
from exporter.snapshot import SnapshotStore

FAULTS: list[tuple[str, str, dict[str, Any]]] = [
    # (label, prefix, set_fault keywords); the collectors expected to fail are the
    # readers of the prefix, derived from their access rules as in the fault matrix.
    ("500 on the server list", "/compute/v2.1/servers", {"status": 500}),
    ("503 on Placement", "/placement", {"status": 503}),
    ("Placement hung", "/placement", {"hang": True}),
    ("Cinder slower than the interval", "/volume", {"delay": 8.0}),
    ("Neutron ports truncated JSON", "/network/v2.0/ports", {"body": b'{"ports": ['}),
    ("server pages never end", "/compute/v2.1/servers/detail", {"paging": "endless"}),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--window", type=float, default=20.0)
    ap.add_argument("--hosts", type=int, default=24)
    args = ap.parse_args()
    logs.configure("error", "console")  # the figures, not every collector_run line
    specs = all_collectors()
    for label, prefix, fault in FAULTS:
        print(measure(args, label, prefix, fault, readers(specs, prefix)), flush=True)


def measure(
    args: argparse.Namespace, label: str, prefix: str, fault: dict, failing: set[str]
) -> str:
    cloud = DemoCloud(hosts=args.hosts, seed=1)
    with DemoServer(cloud) as demo, tempfile.TemporaryDirectory() as tmp:
        clouds = demo.write_clouds_yaml(Path(tmp) / "clouds.yaml")
        specs = all_collectors()
        collectors = {name: {"interval": args.interval} for name in specs}
        settings = build(
            {
                "cloud": "demo",
                "clouds_file": str(clouds),
                "collectors": collectors,
                "sources": {"quota_limits": {"max_rate": 0}},
            },
            specs,
        )
        store = SnapshotStore()
        runner = Runner(settings, cloud_region(settings), specs, store, threading.Event())
        scheduler = build_scheduler(settings, runner)
        scheduler.start()
        until = time.monotonic() + 60
        while not (store.ready() and all(s.last_ok for s in store.states().values())):
            if time.monotonic() > until:
                raise SystemExit("the demo cloud never became healthy")
            time.sleep(0.1)
        cloud.set_fault(prefix, **fault)
        injected = time.time()
        seen_failed: dict[str, float] = {}
        worst_other = 0.0
        while time.time() - injected < args.window:
            now = time.time()
            for name, st in store.states().items():
                if name in failing:
                    if st.has_run and not st.last_ok and name not in seen_failed:
                        seen_failed[name] = now - injected
                elif st.last_success is not None:
                    worst_other = max(worst_other, now - st.last_success)
            time.sleep(0.1)
        stop_scheduler(scheduler, runner, 2.0)
        cloud.clear_faults()
    missing = failing - set(seen_failed)
    shown = max(seen_failed.values(), default=float("nan"))
    return (
        f"{label:35s} failing collectors at success 0 after {shown:5.1f} s (max)"
        f"{' (never: ' + ', '.join(sorted(missing)) + ')' if missing else ''}; "
        f"oldest data of the others {worst_other:5.1f} s (interval {args.interval:g} s)"
    )


if __name__ == "__main__":
    main()
