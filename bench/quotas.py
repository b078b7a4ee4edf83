"""API calls and run time of the quota collectors for 100, 1,000 and 10,000 projects.

Not a test. Every demo-cloud request is delayed by ``--latency`` (default 10 ms) to stand in for
a real control plane. Prints, per cloud size: calls and seconds per run of quota_limits (per
project calls, ``--parallel`` at a time, no rate limit) and of quota_usage (bulk listings), and
the steady-state request rate at the default intervals (limits hourly, usage every 5 minutes).

    python bench/quotas.py                     # 100, 1000, 10000 projects
    python bench/quotas.py --projects 100 1000 --latency 0.02
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from exporter import logs
from exporter.clouds import cloud_region
from exporter.config import build
from exporter.contract import all_collectors
from exporter.demo import DemoCloud, DemoServer
from exporter.scheduler import Runner
from exporter.snapshot import SnapshotStore


def measure(projects: int, latency: float, parallel: int) -> dict[str, float]:
    cloud = DemoCloud(hosts=24, projects=projects)
    with DemoServer(cloud) as demo, tempfile.TemporaryDirectory() as tmp:
        clouds = demo.write_clouds_yaml(Path(tmp) / "clouds.yaml")
        specs = all_collectors()
        settings = build(
            {
                "cloud": "demo",
                "clouds_file": str(clouds),
                "sources": {"quota_limits": {"parallel": parallel, "max_rate": 0.0}},
            },
            specs,
        )
        runner = Runner(settings, cloud_region(settings), specs, SnapshotStore())
        runner.run("compute_services")  # authenticate and discover once, outside the figures
        cloud.set_fault("/", delay=latency)
        row: dict[str, float] = {"projects": len(cloud.projects)}
        for name in ("quota_limits", "quota_usage"):
            before, start = cloud.requests, time.perf_counter()
            state = runner.run(name)
            assert state.last_ok, state.last_error
            row[f"{name}_calls"] = cloud.requests - before
            row[f"{name}_seconds"] = time.perf_counter() - start
            row[f"{name}_series"] = state.series
    row["steady_rate"] = (
        row["quota_limits_calls"] / specs["quota_limits"].interval
        + row["quota_usage_calls"] / specs["quota_usage"].interval
    )
    return row


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--projects", type=int, nargs="+", default=[100, 1000, 10000])
    p.add_argument("--latency", type=float, default=0.01, help="seconds added to every request")
    p.add_argument("--parallel", type=int, default=4)
    args = p.parse_args()
    logs.configure("warning")
    print(
        f"latency {args.latency * 1000:.0f} ms per request, quota_limits parallel "
        f"{args.parallel}, no rate limit"
    )
    print(
        f"{'projects':>8} | {'limits calls':>12} {'limits s':>9} | {'usage calls':>11} "
        f"{'usage s':>8} | {'series':>7} | {'req/s steady':>12}"
    )
    for n in args.projects:
        r = measure(n, args.latency, args.parallel)
        print(
            f"{r['projects']:>8.0f} | {r['quota_limits_calls']:>12.0f} "
            f"{r['quota_limits_seconds']:>9.1f} | {r['quota_usage_calls']:>11.0f} "
            f"{r['quota_usage_seconds']:>8.1f} | "
            f"{r['quota_limits_series'] + r['quota_usage_series']:>7.0f} | "
            f"{r['steady_rate']:>12.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
