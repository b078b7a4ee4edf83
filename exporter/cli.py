"""Command line: flags, config, and the wiring of scheduler → snapshot → /metrics."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

from prometheus_client import generate_latest

from exporter import __version__
from exporter import logs as logs_mod
from exporter.collectors import CollectorSpec, access_rules, all_collectors
from exporter.config import ConfigInvalid, Settings, build, load_file
from exporter.connection import cloud_region, secrets_of
from exporter.scheduler import Runner, build_scheduler
from exporter.server import App, build_registry, parse_listen_address, serve
from exporter.snapshot import SnapshotStore

# Not on the Prometheus default-port-allocations list we could read (openstack-exporter has 9180).
DEFAULT_PORT = 9886
EXIT_CONFIG = 2


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
        help="Compute hosts in the demo cloud (default 24).",
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
    data = load_file(args.config_file)
    cloud = args.os_cloud or os.environ.get("OS_CLOUD") or None
    flags = {
        name: value for name in specs if (value := getattr(args, f"collector_{name}")) is not None
    }
    problems: list[str] = []
    try:
        parse_listen_address(args.listen_address)
    except ValueError as exc:
        problems.append(f"--web.listen-address: {exc}")
    try:
        settings = build(
            data,
            specs,
            cloud_override=cloud,
            enable_flags=flags,
            disable_defaults=args.disable_defaults,
        )
    except ConfigInvalid as exc:
        raise ConfigInvalid(problems + exc.problems) from None
    if problems:
        raise ConfigInvalid(problems)
    if not settings.enabled:
        raise ConfigInvalid(["no collector is enabled"])
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    specs = all_collectors()
    args = parser(specs).parse_args(sys.argv[1:] if argv is None else argv)
    logs_mod.configure(args.log_level, args.log_format)
    # The SDK warns about its own internals on every call; nothing an admin can act on.
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="openstack")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="openstack")

    demo = None
    if args.demo:
        demo = _start_demo(args)
    try:
        try:
            settings = load_settings(args, specs)
            region = cloud_region(settings)
        except ConfigInvalid as exc:
            # One plain message, not a JSON line: whoever starts the exporter reads this.
            sys.stderr.write(
                "openstack-admin-exporter: invalid configuration:\n"
                + "".join(f"  - {logs_mod.scrub(p)}\n" for p in exc.problems)
            )
            return EXIT_CONFIG
        if args.print_access_rules:
            rules = access_rules(specs[name] for name in settings.enabled)
            sys.stdout.write(json.dumps(rules, indent=1) + "\n")
            return 0
        logs_mod.register_secrets(secrets_of(region))
        store = SnapshotStore()
        runner = Runner(settings, region, specs, store)
        if args.once:
            return _once(runner, store)
        return _serve(args, settings, runner, store)
    finally:
        if demo is not None:
            demo.stop()


def _start_demo(args: argparse.Namespace):
    from exporter.demo import DemoCloud, DemoServer

    server = DemoServer(DemoCloud(hosts=args.demo_hosts)).start()
    tmp = tempfile.TemporaryDirectory(prefix="openstack-admin-exporter-demo-")
    server.cleanup.append(tmp.cleanup)
    folder = Path(tmp.name)
    path = server.write_clouds_yaml(folder / "clouds.yaml")
    # The demo's clouds.yaml wins over any real one: --demo must never watch a real cloud.
    args.os_cloud = "demo"
    args.config_file = _demo_config(folder, path, args.config_file)
    logs_mod.get_logger().info(
        "demo_cloud_started", auth_url=server.auth_url, hosts=args.demo_hosts, clouds_yaml=str(path)
    )
    return server


def _demo_config(folder: Path, clouds: Path, user_config: str | None) -> str:
    import yaml

    data = load_file(user_config) if user_config else {}
    data["clouds_file"] = str(clouds)
    data.pop("cloud", None)
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def _once(runner: Runner, store: SnapshotStore) -> int:
    states = runner.run_all_once()
    sys.stdout.write(generate_latest(build_registry(store)).decode())
    return 0 if all(s.last_ok for s in states.values()) else 1


def _serve(
    args: argparse.Namespace, settings: Settings, runner: Runner, store: SnapshotStore
) -> int:
    log = logs_mod.get_logger()
    try:
        httpd, _ = serve(App(store, settings.cloud), args.listen_address)
    except OSError as exc:
        log.error("listen_failed", address=args.listen_address, error=str(exc))
        return 1
    scheduler = build_scheduler(settings, runner)
    scheduler.start()
    log.info(
        "exporter_started",
        version=__version__,
        cloud=settings.cloud,
        address=args.listen_address,
        collectors=settings.enabled,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    log.info("exporter_stopping")
    scheduler.shutdown(wait=False)
    httpd.shutdown()
    return 0
