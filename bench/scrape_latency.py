"""/metrics under many concurrent scrapers, measured against the real daemon in its own process.

Not a test: numbers depend on the machine. Run it before and after a change and compare.

    python bench/scrape_latency.py                                # 24 hosts, 200 scrapers, 60 s
    python bench/scrape_latency.py --hosts 2000 --scrapers 8 --gzip

It starts the exporter as a subprocess (``python -m exporter --demo --demo.hosts N`` with this
interpreter, from the repository root, so the checkout's code runs with the venv's
dependencies), waits for ``/-/ready``, then runs the load from this process and stops the daemon
with SIGTERM. A separate process keeps the load generator off the exporter's GIL; the client is
asyncio on raw sockets, so one process drives hundreds of scrapers on two cores.

Every scraper does one scrape after another for ``--duration`` seconds, each on a **new TCP
connection** (``Connection: close``), the worst case for the server. A scrape succeeds if the
status is 200 and the body is exactly Content-Length bytes. Reported: scrapes, throughput, errors
by kind, *slow connects* (a TCP connect that succeeded but took over 1 s: the kernel retried a
SYN dropped by a full listen backlog, whose first retry comes after 1 s), median, p99 and max
latency of the successful scrapes (connect to last byte), payload and series, the daemon's and
the client's CPU time, and the increase of TcpExt ``ListenOverflows``/``ListenDrops`` in
``/proc/net/netstat`` during the run (Linux; these count for the whole network namespace).

What it cannot check from outside: whether a scrape reached the (demo) OpenStack APIs. The demo
cloud runs inside the daemon and publishes no request count, and the scheduler keeps collecting
during the load anyway. It checks the nearest thing it can see: the daemon's own
``openstack_exporter_collector_runs_total`` grew no faster than each collector's interval allows,
so the scrapes triggered no collection; it exits 1 if not. The in-process count of API requests
per scrape is asserted by tests/test_server.py.

``--https``, ``--cacert`` and ``--basic-auth`` are for a daemon configured with
``--web.config.file`` (forwarded as is): the client then speaks TLS, trusting ``--cacert``, and
sends ``Authorization: Basic``. The TLS handshake counts in a scrape's latency, not in its
connect time.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gzip
import importlib.util
import math
import os
import re
import resource
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOW_CONNECT_SECONDS = 1.0  # Linux's initial SYN retransmission time-out (TCP_TIMEOUT_INIT)
READ_LIMIT = 1 << 20


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    ssl: ssl.SSLContext | None
    auth: str | None  # the Authorization header's value
    connect_timeout: float
    read_timeout: float

    def request(self, path: str, gzip_ok: bool) -> bytes:
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "User-Agent: scrape_latency",
            "Accept: */*",
            "Connection: close",
        ]
        if gzip_ok:
            lines.append("Accept-Encoding: gzip")
        if self.auth:
            lines.append(f"Authorization: {self.auth}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class Outcome:
    ok: bool
    error: str = ""
    connect_seconds: float = 0.0
    seconds: float = 0.0
    status: int = 0
    body: bytes = b""


async def fetch(target: Target, path: str, gzip_ok: bool = False) -> Outcome:
    """One request on a new connection, read to EOF; never raises for network trouble."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(target.host, target.port, limit=READ_LIMIT),
            target.connect_timeout,
        )
    except TimeoutError:
        return Outcome(False, f"connect timed out (>{target.connect_timeout:g} s)")
    except OSError as exc:
        return Outcome(False, f"connect {_errname(exc)}")
    connected = time.perf_counter() - start
    try:
        try:
            if target.ssl is not None:
                await asyncio.wait_for(
                    writer.start_tls(target.ssl, server_hostname=target.host),
                    target.read_timeout,
                )
            writer.write(target.request(path, gzip_ok))
            await writer.drain()
            data = await asyncio.wait_for(reader.read(), target.read_timeout)
        except TimeoutError:
            return Outcome(False, "read timed out", connected)
        except ssl.SSLError as exc:
            return Outcome(False, f"tls {exc.reason or exc}", connected)
        except OSError as exc:
            return Outcome(False, f"read {_errname(exc)}", connected)
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()
    seconds = time.perf_counter() - start
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return Outcome(False, "no complete response head" if data else "empty answer", connected)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split()
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    if status != 200:
        return Outcome(False, f"status {status}", connected, seconds, status, body)
    length = headers.get("content-length")
    if length is None:
        return Outcome(False, "no Content-Length", connected, seconds, status, body)
    if int(length) != len(body):
        return Outcome(False, "body shorter than Content-Length", connected, seconds, status, body)
    return Outcome(True, "", connected, seconds, status, body)


def _errname(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else type(exc).__name__


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    slow_connects: int = 0
    max_connect: float = 0.0
    payload: int = 0
    elapsed: float = 0.0  # until the last scrape ended: up to --read-timeout past the duration
    in_window: int = 0  # successful scrapes that ended within the duration


async def run_load(target: Target, scrapers: int, duration: float, gzip_ok: bool) -> Load:
    load = Load()
    deadline = time.monotonic() + duration

    async def scraper() -> None:
        while time.monotonic() < deadline:
            out = await fetch(target, "/metrics", gzip_ok)
            if out.connect_seconds:
                load.max_connect = max(load.max_connect, out.connect_seconds)
                if out.connect_seconds > SLOW_CONNECT_SECONDS:
                    load.slow_connects += 1
            if out.ok:
                load.latencies.append(out.seconds)
                load.in_window += time.monotonic() <= deadline
                load.payload = len(out.body)
            else:
                load.errors[out.error] += 1

    start = time.monotonic()
    await asyncio.gather(*(scraper() for _ in range(scrapers)))
    load.elapsed = time.monotonic() - start
    return load


def listen_counters() -> dict[str, int] | None:
    """TcpExt ListenOverflows and ListenDrops from /proc/net/netstat; None off Linux."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], map(int, values.split()[1:]), strict=False))
            return {k: table[k] for k in ("ListenOverflows", "ListenDrops") if k in table}
    return None


_SAMPLE = re.compile(r'^(\w+)(?:\{collector="([^"]*)"\})? (\S+)$', re.M)


def self_metrics(text: str) -> dict[str, dict[str, float]]:
    """The few self-metrics this bench reads, by name and collector ("" if unlabelled)."""
    wanted = {
        "openstack_exporter_collector_runs_total",
        "openstack_exporter_collector_interval_seconds",
        "process_cpu_seconds_total",
    }
    out: dict[str, dict[str, float]] = {name: {} for name in wanted}
    for name, collector, value in _SAMPLE.findall(text):
        if name in wanted:
            out[name][collector] = float(value)
    return out


def count_series(text: str) -> int:
    return sum(1 for line in text.splitlines() if line and not line.startswith("#"))


async def metrics_text(target: Target) -> str:
    out = await fetch(target, "/metrics", gzip_ok=True)
    if not out.ok:
        raise RuntimeError(f"/metrics: {out.error}")
    return gzip.decompress(out.body).decode()


def exporter_command() -> list[str]:
    """``python -m exporter`` if the package has a __main__, else the venv's console script."""
    if importlib.util.find_spec("exporter.__main__") is not None:
        return [sys.executable, "-m", "exporter"]
    script = Path(sys.executable).with_name("openstack-admin-exporter")
    found = str(script) if script.exists() else shutil.which("openstack-admin-exporter")
    if not found:
        raise SystemExit("neither exporter/__main__.py nor openstack-admin-exporter found")
    return [found]


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_daemon(args: argparse.Namespace, port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [
        *exporter_command(),
        "--demo",
        "--demo.hosts",
        str(args.hosts),
        "--web.listen-address",
        f"{args.address}:{port}",
        "--log.level",
        "warning",
    ]
    if args.web_config_file:
        cmd += ["--web.config.file", args.web_config_file]
    with log.open("wb") as err:
        return subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=err, stderr=err)


def stop_daemon(proc: subprocess.Popen[bytes]) -> float:
    """SIGTERM to this daemon's PID, then SIGKILL if it lingers; returns seconds to stop."""
    start = time.monotonic()
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            print(f"daemon {proc.pid} still running 15 s after SIGTERM: killing it")
            proc.kill()
            proc.wait()
    return time.monotonic() - start


async def wait_ready(target: Target, proc: subprocess.Popen[bytes], timeout: float) -> float:
    start = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"daemon exited with code {proc.returncode} before it was ready")
        out = await fetch(target, "/-/ready")
        if out.ok:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"daemon not ready after {timeout:g} s (last: {out.error})")
        await asyncio.sleep(0.5)


def schedule_excess(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]], elapsed: float
) -> dict[str, int]:
    """Collectors that ran more often than their interval allows during ``elapsed`` seconds."""
    runs0 = before["openstack_exporter_collector_runs_total"]
    runs1 = after["openstack_exporter_collector_runs_total"]
    intervals = after["openstack_exporter_collector_interval_seconds"]
    excess = {}
    for name, interval in intervals.items():
        # Up to 10 % jitter per interval (exporter/scheduler.py), one run in flight at each end.
        allowed = math.ceil(elapsed / (interval * 0.9)) + 1
        ran = int(runs1.get(name, 0) - runs0.get(name, 0))
        if ran > allowed:
            excess[name] = ran
    return excess


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def client_target(args: argparse.Namespace, port: int) -> Target:
    context = None
    if args.https:
        context = ssl.create_default_context(cafile=args.cacert)
    auth = None
    if args.basic_auth:
        auth = "Basic " + base64.b64encode(args.basic_auth.encode()).decode()
    return Target(args.address, port, context, auth, args.connect_timeout, args.read_timeout)


async def bench(args: argparse.Namespace, target: Target, proc: subprocess.Popen[bytes]) -> int:
    ready_s = await wait_ready(target, proc, args.ready_timeout)
    text = await metrics_text(target)  # also renders and caches the families once
    series = count_series(text)
    before = self_metrics(text)
    netstat0 = listen_counters()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    load = await run_load(target, args.scrapers, args.duration, args.gzip)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    netstat1 = listen_counters()
    after = self_metrics(await metrics_text(target))
    excess = schedule_excess(before, after, load.elapsed)

    lat = sorted(load.latencies)
    done = len(lat)
    errors = sum(load.errors.values())
    client_cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    daemon_cpu = after["process_cpu_seconds_total"].get("", math.nan) - before[
        "process_cpu_seconds_total"
    ].get("", math.nan)
    if netstat0 and netstat1:
        overflows = f"{netstat1['ListenOverflows'] - netstat0['ListenOverflows']:,}"
        drops = f"{netstat1['ListenDrops'] - netstat0['ListenDrops']:,}"
    else:
        overflows = drops = "n/a"
    median = ms(statistics.median(lat)) if lat else "-"
    p99 = ms(percentile(lat, 0.99)) if lat else "-"
    worst = ms(lat[-1]) if lat else "-"
    payload = f"{load.payload / 1000:,.0f} KB" if load.payload else "-"

    print(
        f"{args.label}: {args.hosts} hosts, {series:,} series, {args.scrapers} scrapers x "
        f"{args.duration:g} s, gzip {'on' if args.gzip else 'off'}, "
        f"{'https' if args.https else 'http'}, {os.cpu_count()} CPUs; ready after {ready_s:.0f} s"
    )
    rate = load.in_window / args.duration
    print(
        f"  scrapes ok        {done:,}; {load.in_window:,} ended within {args.duration:g} s "
        f"= {rate:,.1f}/s; the last ended after {load.elapsed:.1f} s"
    )
    print(f"  latency           median {median}, p99 {p99}, max {worst}")
    print(
        f"  errors            {errors:,}"
        + "".join(
            f"\n    {n:>8,}  {k}" for k, n in sorted(load.errors.items(), key=lambda kv: -kv[1])
        )
    )
    print(
        f"  slow connects     {load.slow_connects:,} over {SLOW_CONNECT_SECONDS:g} s "
        f"(longest connect {ms(load.max_connect)})"
    )
    print(f"  listen queue      overflows +{overflows}, drops +{drops} (TcpExt, whole netns)")
    print(f"  payload           {payload}")
    print(f"  CPU               daemon {daemon_cpu:.1f} s, this client {client_cpu:.1f} s")
    if excess:
        print(f"  SCRAPES TRIGGERED COLLECTION: runs above schedule: {excess}")
    else:
        print("  collector runs    within their schedule (scrapes triggered no collection)")
    print(
        "| server | hosts | series | scrapers | gzip | duration | scrapes | scrapes/s | errors "
        "| slow connects | median | p99 | max | payload | listen overflows | CPUs |"
    )
    print(
        f"| {args.label} | {args.hosts:,} | {series:,} | {args.scrapers} "
        f"| {'on' if args.gzip else 'off'} | {args.duration:g} s | {done:,} "
        f"| {rate:,.1f} | {errors:,} | {load.slow_connects:,} | {median} | {p99} "
        f"| {worst} | {payload} | {overflows} | {os.cpu_count()} |"
    )
    return 1 if excess else 0


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Before/after figures: bench/README.md.",
    )
    p.add_argument("--hosts", type=int, default=24, help="demo cloud compute hosts (default 24)")
    p.add_argument("--scrapers", type=int, default=200, help="concurrent scrapers (default 200)")
    p.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    p.add_argument("--gzip", action="store_true", help="ask for gzip, as Prometheus does")
    p.add_argument(
        "--connect-timeout",
        type=float,
        default=10,
        metavar="S",
        help="give up a TCP connect after S seconds, counted as an error (default 10, "
        "Prometheus's default scrape timeout)",
    )
    p.add_argument(
        "--read-timeout", type=float, default=30, metavar="S", help="per answer (default 30)"
    )
    p.add_argument(
        "--ready-timeout",
        type=float,
        default=600,
        metavar="S",
        help="wait this long for /-/ready (default 600; 2,000 hosts take a minute or two)",
    )
    p.add_argument("--address", default="127.0.0.1", help="where the daemon listens")
    p.add_argument("--port", type=int, default=0, help="daemon port (default: a free one)")
    p.add_argument("--label", default="this checkout", help="first column of the table row")
    p.add_argument(
        "--web.config.file",
        dest="web_config_file",
        metavar="PATH",
        help="passed to the daemon as is (TLS and basic auth, exporter-toolkit format)",
    )
    p.add_argument("--https", action="store_true", help="speak TLS to the daemon")
    p.add_argument("--cacert", metavar="PATH", help="with --https: CA file to trust")
    p.add_argument("--basic-auth", metavar="USER:PASS", help="send Authorization: Basic with these")
    args = p.parse_args()
    if args.cacert and not args.https:
        p.error("--cacert needs --https")
    if args.basic_auth and ":" not in args.basic_auth:
        p.error("--basic-auth must be user:password")

    port = args.port or free_port(args.address)
    target = client_target(args, port)
    with tempfile.TemporaryDirectory(prefix="scrape-latency-") as tmp:
        log = Path(tmp) / "daemon.log"
        proc = start_daemon(args, port, log)
        try:
            return asyncio.run(bench(args, target, proc))
        except RuntimeError as exc:
            print(f"scrape_latency: {exc}", file=sys.stderr)
            return 2
        finally:
            stopped = stop_daemon(proc)
            tail = log.read_text(errors="replace").strip().splitlines()[-20:]
            print(
                f"  daemon            pid {proc.pid}, exit {proc.returncode} after {stopped:.1f} s"
            )
            for line in tail:
                print(f"    daemon log: {line}")


if __name__ == "__main__":
    sys.exit(main())
