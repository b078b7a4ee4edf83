"""Command line: flags, config, and the wiring of scheduler → snapshot → /metrics."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import generate_latest

from exporter import __version__
from exporter import logs as logs_mod
from exporter.clouds import cloud_region, resolve, secrets_of, system_region
from exporter.config import ConfigInvalid, Settings, build, load_file
from exporter.contract import CollectorSpec, access_rules, all_collectors, policy_overrides
from exporter.scheduler import Runner, build_scheduler
from exporter.scheduler import stop as stop_scheduler
from exporter.server import App, build_registry, parse_listen_address
from exporter.snapshot import SnapshotStore
from exporter.web import webconfig
from exporter.web.serving import WebConfigSource, serve

if TYPE_CHECKING:
    from exporter.demo import DemoServer

# Not on the Prometheus default-port-allocations list we could read (openstack-exporter has 9180).
DEFAULT_PORT = 9886
EXIT_CONFIG = 2
# How long SIGTERM waits for runs in flight to notice; well inside a process manager's patience.
SHUTDOWN_GRACE_SECONDS = 2.0
DEMO_CLOUD = "demo"
# Generating the demo cloud is linear in hosts: 20,000 takes about a minute and a half.
DEMO_MAX_HOSTS = 20_000


def parser(specs: dict[str, CollectorSpec]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="openstack-admin-exporter",
        description="Prometheus exporter for OpenStack administrators.",
    )
    p.add_argument(
        "--config.file",
        dest="config_file",
        metavar="PATH",
        help="YAML configuration file (cloud, collectors, intervals, concurrency).",
    )
    p.add_argument(
        "--web.listen-address",
        dest="listen_address",
        default=f":{DEFAULT_PORT}",
        metavar="ADDR",
        help=f"Address to serve /metrics on (default :{DEFAULT_PORT}).",
    )
    p.add_argument(
        "--web.config.file",
        dest="web_config_file",
        metavar="PATH",
        help="TLS, basic auth and response headers, in the Prometheus exporter-toolkit "
        "web-config format (see contrib/web-config.example.yml).",
    )
    p.add_argument(
        "--log.level",
        dest="log_level",
        default="info",
        choices=["debug", "info", "warning", "error"],
    )
    p.add_argument("--log.format", dest="log_format", default="json", choices=["json", "console"])
    p.add_argument(
        "--os-cloud",
        dest="os_cloud",
        metavar="NAME",
        help="clouds.yaml entry (default: $OS_CLOUD, else the config file's cloud:).",
    )
    p.add_argument(
        "--once",
        action="store_true",
        help="Run every enabled collector once, print the exposition to stdout and "
        "exit; exit code 1 if any collector failed.",
    )
    p.add_argument(
        "--print-access-rules",
        action="store_true",
        help="Print, as JSON, the Keystone application-credential access rules that allow "
        "exactly the GETs of the enabled collectors, and exit.",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="Start the built-in demo cloud on loopback and watch it.",
    )
    p.add_argument(
        "--demo.hosts",
        dest="demo_hosts",
        type=int,
        default=24,
        metavar="N",
        help=f"Compute hosts in the demo cloud, 1 to {DEMO_MAX_HOSTS} (default 24).",
    )
    p.add_argument(
        "--collector.disable-defaults",
        dest="disable_defaults",
        action="store_true",
        help="Disable every collector not enabled explicitly.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    group = p.add_argument_group("collectors")
    for name, spec in specs.items():
        # BooleanOptionalAction also makes --no-collector.<name>, as node_exporter spells it.
        group.add_argument(
            f"--collector.{name}",
            dest=f"collector_{name}",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=f"{spec.help} (default: {'enabled' if spec.default_enabled else 'disabled'}, "
            f"every {spec.interval:g}s).",
        )
    return p


def load_settings(args: argparse.Namespace, specs: dict[str, CollectorSpec]) -> Settings:
    """Flags and config file into Settings, or ConfigInvalid listing every problem found.

    With --demo the cloud is the demo's and its clouds.yaml is set once the demo runs: validation
    comes first, so a bad setting never starts the demo.
    """
    problems = flag_problems(args)
    try:
        data = load_file(args.config_file)
    except ConfigInvalid as exc:
        raise ConfigInvalid(problems + exc.problems) from None
    cloud = args.os_cloud or os.environ.get("OS_CLOUD") or None
    if args.demo:
        # The demo's clouds.yaml wins over any real one: --demo must never watch a real cloud.
        data = {k: v for k, v in data.items() if k not in ("cloud", "clouds_file")}
        data["system_cloud"] = f"{DEMO_CLOUD}-system"
        cloud = DEMO_CLOUD
    flags = {
        name: value for name in specs if (value := getattr(args, f"collector_{name}")) is not None
    }
    settings = None
    try:
        settings = build(
            data,
            specs,
            cloud_override=cloud,
            enable_flags=flags,
            disable_defaults=args.disable_defaults,
        )
    except ConfigInvalid as exc:
        problems += exc.problems
    if settings is not None and not settings.enabled:
        problems.append("no collector is enabled")
    if problems or settings is None:
        if not args.demo:
            # Stopping anyway: report the clouds.yaml's problems too rather than in a second round.
            problems += _cloud_problems(cloud or data.get("cloud"), data.get("clouds_file"))
            problems += _cloud_problems(data.get("system_cloud"), data.get("clouds_file"))
        raise ConfigInvalid(problems)
    return settings


def flag_problems(args: argparse.Namespace) -> list[str]:
    """What is wrong with the flags argparse cannot check itself."""
    problems = []
    try:
        parse_listen_address(args.listen_address)
    except ValueError as exc:
        problems.append(f"--web.listen-address: {exc}")
    if args.web_config_file is not None:
        try:
            webconfig.load(args.web_config_file)
        except ConfigInvalid as exc:
            problems += [
                p if p.startswith("--") else f"--web.config.file: {p}" for p in exc.problems
            ]
    if not 1 <= args.demo_hosts <= DEMO_MAX_HOSTS:
        problems.append(f"--demo.hosts must be a whole number from 1 to {DEMO_MAX_HOSTS}")
    return problems


def _cloud_problems(cloud: object, clouds_file: object) -> list[str]:
    if not cloud or not isinstance(cloud, str):
        return []  # build() has said so already
    if clouds_file is not None and not isinstance(clouds_file, str):
        return []
    try:
        resolve(cloud, clouds_file)
    except ConfigInvalid as exc:
        return exc.problems
    return []


def report_invalid(problems: Sequence[str]) -> None:
    # One plain message, not a JSON line: whoever starts the exporter reads this.
    sys.stderr.write(
        "openstack-admin-exporter: invalid configuration:\n"
        + "".join(f"  - {logs_mod.scrub(p)}\n" for p in problems)
    )


def main(argv: Sequence[str] | None = None) -> int:
    specs = all_collectors()
    args = parser(specs).parse_args(sys.argv[1:] if argv is None else argv)
    logs_mod.configure(args.log_level, args.log_format)
    # The SDK warns about its own internals on every call; nothing an admin can act on.
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="openstack")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="openstack")

    demo = None
    try:
        try:
            settings = load_settings(args, specs)
            if args.demo:
                demo, clouds = _start_demo(args.demo_hosts)
                settings = dataclasses.replace(settings, clouds_file=str(clouds))
            try:
                region = cloud_region(settings)
            except ConfigInvalid as exc:
                # Both entries' problems in one message, not one round each.
                raise ConfigInvalid(
                    exc.problems + _cloud_problems(settings.system_cloud, settings.clouds_file)
                ) from None
            system = system_region(settings)
        except ConfigInvalid as exc:
            report_invalid(exc.problems)
            return EXIT_CONFIG
        if args.print_access_rules:
            enabled = [specs[name] for name in settings.enabled]
            sys.stdout.write(json.dumps(access_rules(enabled), indent=1) + "\n")
            # Not JSON, so not on stdout (it goes to --access-rules as is): what the rules
            # cannot grant because the service's default policy denies it even to admin.
            _print_policy_overrides(policy_overrides(enabled))
            return 0
        logs_mod.register_secrets(secrets_of(region) + (secrets_of(system) if system else []))
        store = SnapshotStore()
        runner = Runner(settings, region, specs, store, system_region=system)
        if args.once:
            return _once(runner, store)
        return _serve(args, settings, runner, store)
    finally:
        if demo is not None:
            demo.stop()


def _print_policy_overrides(overrides: Sequence[tuple[str, str]]) -> None:
    if not overrides:
        return
    sys.stderr.write(
        "openstack-admin-exporter: the default policy of these services denies some of these "
        "reads even to admin; add to each one's policy.yaml:\n"
        + "".join(f"  {service}: {line}\n" for service, line in overrides)
    )


def _start_demo(hosts: int) -> tuple[DemoServer, Path]:
    from exporter.demo import DemoCloud, DemoServer

    server = DemoServer(DemoCloud(hosts=hosts)).start()
    tmp = tempfile.TemporaryDirectory(prefix="openstack-admin-exporter-demo-")
    server.cleanup.append(tmp.cleanup)
    path = server.write_clouds_yaml(Path(tmp.name) / "clouds.yaml", DEMO_CLOUD)
    logs_mod.get_logger().info(
        "demo_cloud_started", auth_url=server.auth_url, hosts=hosts, clouds_yaml=str(path)
    )
    return server, path


def _once(runner: Runner, store: SnapshotStore) -> int:
    states = runner.run_all_once()
    sys.stdout.write(generate_latest(build_registry(store)).decode())
    return 0 if all(s is not None and s.last_ok for s in states.values()) else 1


def _serve(
    args: argparse.Namespace, settings: Settings, runner: Runner, store: SnapshotStore
) -> int:
    log = logs_mod.get_logger()
    host, port = parse_listen_address(args.listen_address)
    try:
        # Checked before anything started; read again here so the server holds what it serves.
        source = WebConfigSource(args.web_config_file)
        httpd = serve(App(store, settings.cloud), host, port, source)
    except ConfigInvalid as exc:
        report_invalid(exc.problems)
        return EXIT_CONFIG
    except OSError as exc:
        # A port in use or an address not on this host is a setting to fix, like any other;
        # nothing has started yet (the scheduler starts after the bind).
        report_invalid([f"--web.listen-address: cannot listen on it ({exc.strerror or exc})"])
        return EXIT_CONFIG
    scheduler = build_scheduler(settings, runner)
    scheduler.start()
    log.info(
        "exporter_started",
        version=__version__,
        cloud=settings.cloud,
        address=args.listen_address,
        scheme=httpd.scheme,
        basic_auth=bool(source.config.users),
        collectors=settings.enabled,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    started = time.monotonic()
    log.info("exporter_stopping")
    # Runs in flight stop at their next request; one blocked in a socket read is abandoned
    # (collector threads are daemons), so a hung API cannot hold the process past the grace.
    abandoned = stop_scheduler(scheduler, runner, SHUTDOWN_GRACE_SECONDS)
    httpd.stop()
    log.info(
        "exporter_stopped",
        abandoned=sorted(abandoned),
        duration_seconds=round(time.monotonic() - started, 3),
    )
    return 0
