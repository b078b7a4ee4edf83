"""Run time and memory of the problems collectors on a cloud with 100,000 servers.

Not a test. Servers are listed in bulk, a page of up to 1,000 at a time, so API calls grow with
pages, not servers. Prints calls, seconds and the process's peak resident memory after each
collector (demo cloud included: one process), per collector.

    python bench/problems.py                       # 100,000 servers
    python bench/problems.py --servers 20000 --latency 0.02
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from exporter import logs
from exporter.clouds import cloud_region
from exporter.config import build
from exporter.contract import all_collectors
from exporter.demo import DemoCloud, DemoServer
from exporter.demo.capacity import Server
from exporter.scheduler import Runner
from exporter.snapshot import SnapshotStore


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--servers", type=int, default=100_000)
    p.add_argument("--latency", type=float, default=0.01, help="seconds added to every request")
    args = p.parse_args()
    logs.configure("warning")
    cloud = DemoCloud(hosts=200, projects=200)
    now, flavor = time.time(), cloud.flavor("m1.small").id
    tenants = [p.id for p in cloud.projects]
    statuses = ["ACTIVE"] * 96 + ["SHUTOFF", "ERROR", "BUILD", "VERIFY_RESIZE"]
    extra = args.servers - len(cloud.servers)
    for i in range(max(0, extra)):
        cloud.servers.append(
            Server(
                f"{i:08d}-0000-4000-8000-{i:012d}",
                f"bulk-{i}",
                tenants[i % len(tenants)],
                "u",
                flavor,
                f"cmp-{i % 200 + 1:03d}",
                status=statuses[i % 100],
                created=now - 90 * 86400,
                updated=now - (i % 60) * 86400,
            )
        )
    print(
        f"{len(cloud.servers)} servers, {len(cloud.volumes)} volumes, "
        f"latency {args.latency * 1000:.0f} ms per request"
    )
    with DemoServer(cloud) as demo, tempfile.TemporaryDirectory() as tmp:
        clouds = demo.write_clouds_yaml(Path(tmp) / "clouds.yaml")
        specs = all_collectors()
        settings = build({"cloud": "demo", "clouds_file": str(clouds)}, specs)
        runner = Runner(settings, cloud_region(settings), specs, SnapshotStore())
        runner.run("compute_services")  # authenticate and discover once
        cloud.set_fault("/", delay=args.latency)
        print(
            f"{'collector':<24} {'calls':>6} {'seconds':>8} {'peak RSS MiB':>12} {'series':>7} "
            f"{'findings':>9}"
        )
        for name in (
            "compute_servers",
            "compute_server_problems",
            "block_storage_problems",
            "network_problems",
            "placement_orphans",
        ):
            before, start = cloud.requests, time.perf_counter()
            state = runner.run(name)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
            assert state.last_ok, state.last_error
            print(
                f"{name:<24} {cloud.requests - before:>6} {time.perf_counter() - start:>8.1f} "
                f"{peak:>12.0f} {state.series:>7} {len(state.findings):>9}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
