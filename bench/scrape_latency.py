"""/metrics latency under concurrent scrapers, for a small and a large demo cloud.

Not a test: numbers depend on the machine. Run it before and after a change and compare.

    python bench/scrape_latency.py                 # defaults: 24 and 2000 hosts
    python bench/scrape_latency.py --hosts 24 500 --scrapers 8 --requests 100

It collects once from the demo cloud, then hammers /metrics with concurrent scrapers and prints
median and p99 latency, payload size and series count per cloud size, plus how many requests
reached the (demo) OpenStack APIs during the scrapes — which must be 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from exporter import logs
from exporter.clouds import cloud_region
from exporter.collectors import all_collectors
from exporter.config import build
from exporter.demo import DemoCloud, DemoServer
from exporter.scheduler import Runner
from exporter.server import App, serve
from exporter.snapshot import SnapshotStore


def scrape(url: str, gzip: bool) -> tuple[float, int]:
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    start = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        size = len(r.read())
    return time.perf_counter() - start, size


def measure(hosts: int, scrapers: int, requests: int, gzip: bool) -> dict[str, float]:
    with DemoServer(DemoCloud(hosts=hosts)) as demo, tempfile.TemporaryDirectory() as tmp:
        clouds = demo.write_clouds_yaml(Path(tmp) / "clouds.yaml")
        settings = build({"cloud": "demo", "clouds_file": str(clouds)}, all_collectors())
        store = SnapshotStore()
        runner = Runner(settings, cloud_region(settings), all_collectors(), store)
        start = time.perf_counter()
        states = runner.run_all_once()
        collect_seconds = time.perf_counter() - start
        assert all(s.last_ok for s in states.values()), states
        series = sum(s.series for s in states.values())
        httpd, _ = serve(App(store, "demo"), "127.0.0.1:0")
        url = f"http://127.0.0.1:{httpd.server_address[1]}/metrics"
        try:
            scrape(url, gzip)  # warm up
            before = demo.cloud.requests
            with ThreadPoolExecutor(scrapers) as pool:
                results = list(pool.map(lambda _: scrape(url, gzip), range(scrapers * requests)))
            api_calls = demo.cloud.requests - before
        finally:
            httpd.shutdown()
            httpd.server_close()
    latencies = sorted(r[0] for r in results)
    return {
        "hosts": hosts,
        "series": series,
        "bytes": results[0][1],
        "collect_s": collect_seconds,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "api_calls_during_scrapes": api_calls,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hosts", type=int, nargs="+", default=[24, 2000])
    p.add_argument("--scrapers", type=int, default=8, help="concurrent scrapers")
    p.add_argument("--requests", type=int, default=50, help="requests per scraper")
    p.add_argument("--gzip", action="store_true", help="ask for gzip, as Prometheus does")
    args = p.parse_args()
    logs.configure("warning")
    rows = [measure(h, args.scrapers, args.requests, args.gzip) for h in args.hosts]
    print(
        f"{args.scrapers} concurrent scrapers x {args.requests} requests, "
        f"gzip={'on' if args.gzip else 'off'}"
    )
    print(
        f"{'hosts':>6} {'series':>7} {'bytes':>8} {'collect s':>9} {'median ms':>9} "
        f"{'p99 ms':>8} {'API calls during scrapes':>25}"
    )
    for r in rows:
        print(
            f"{r['hosts']:>6} {r['series']:>7} {r['bytes']:>8} {r['collect_s']:>9.2f} "
            f"{r['median_ms']:>9.2f} {r['p99_ms']:>8.2f} {r['api_calls_during_scrapes']:>25}"
        )
    if len(rows) > 1:
        print(
            f"median ratio largest/smallest: {rows[-1]['median_ms'] / rows[0]['median_ms']:.1f}x "
            f"for {rows[-1]['series'] / rows[0]['series']:.1f}x the series"
        )
    return 0 if all(r["api_calls_during_scrapes"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
