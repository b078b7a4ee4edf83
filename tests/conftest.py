"""Fixtures: a demo cloud on loopback, a clouds.yaml pointing at it, and helpers to run collectors.

Every test talks to the demo cloud through the real openstacksdk over HTTP; nothing is patched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
import yaml
from prometheus_client import generate_latest

from exporter.clouds import cloud_region, system_region
from exporter.config import Settings, build
from exporter.contract import all_collectors
from exporter.demo import DemoCloud, DemoServer
from exporter.scheduler import Runner
from exporter.server import _Families, build_registry
from exporter.snapshot import SnapshotStore

SAMPLES = Path(
    os.environ.get(
        "API_SAMPLES_DIR", Path(__file__).resolve().parents[2] / "shared" / "api-samples"
    )
)


@pytest.fixture(scope="session")
def require_tools() -> bool:
    """CI sets OPENSTACK_EXPORTER_REQUIRE_TOOLS=1: a missing promtool or sample set then fails."""
    return os.environ.get("OPENSTACK_EXPORTER_REQUIRE_TOOLS", "") not in ("", "0")


@pytest.fixture
def samples(require_tools: bool) -> Path:
    """The upstream API samples (../shared/api-samples); CI has them, a user's clone may not."""
    if not SAMPLES.is_dir():
        if require_tools:
            pytest.fail(f"upstream API samples not found at {SAMPLES}")
        pytest.skip("upstream API samples (../shared/api-samples) not present")
    return SAMPLES


def sample(samples: Path, relative: str) -> Any:
    return json.loads((samples / relative).read_text())


@pytest.fixture
def cloud() -> DemoCloud:
    return DemoCloud(hosts=6, seed=7)


@pytest.fixture
def demo(cloud: DemoCloud) -> Iterator[DemoServer]:
    with DemoServer(cloud) as server:
        yield server


@pytest.fixture
def clouds_yaml(demo: DemoServer, tmp_path: Path) -> Path:
    return demo.write_clouds_yaml(tmp_path / "clouds.yaml")


@pytest.fixture
def make_settings(clouds_yaml: Path) -> Callable[..., Settings]:
    def factory(**data: Any) -> Settings:
        data.setdefault("cloud", "demo")
        data.setdefault("system_cloud", "demo-system")
        data.setdefault("clouds_file", str(clouds_yaml))
        data.setdefault("api_timeout", 2)
        return build(data, all_collectors())

    return factory


class Harness:
    """A Runner and its store, with Prometheus-style access to what /metrics would serve."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = SnapshotStore()
        self.runner = Runner(
            settings,
            cloud_region(settings),
            all_collectors(),
            self.store,
            system_region=system_region(settings),
        )
        self.registry = build_registry(self.store)  # exactly what /metrics serves

    def run(self, *names: str) -> None:
        for name in names or tuple(self.settings.enabled):
            self.runner.run(name)

    def value(self, name: str, **labels: str) -> float | None:
        return self.registry.get_sample_value(name, labels)

    def state_exposition(self) -> str:
        """The collectors' families as /metrics renders them, without what is not the cloud's
        state: the exporter's bookkeeping, probe response times, and service heartbeats (which
        move with the clock). Two reads of an unchanged cloud give the same text."""
        families = [
            f
            for state in sorted(self.store.states().values(), key=lambda s: s.name)
            for f in state.families
            if f.name != "openstack_api_endpoint_response_seconds"
            and not f.name.endswith("_last_seen_timestamp_seconds")
        ]
        return generate_latest(_Families(families)).decode()

    def series(self, name: str) -> list[dict[str, str]]:
        return [
            s.labels for metric in self.registry.collect() for s in metric.samples if s.name == name
        ]


@pytest.fixture
def harness(make_settings: Callable[..., Settings]) -> Callable[..., Harness]:
    def factory(**data: Any) -> Harness:
        return Harness(make_settings(**data))

    return factory


@pytest.fixture
def captured_logs() -> Iterator[list[dict[str, Any]]]:
    with structlog.testing.capture_logs() as logs:
        yield logs


ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = sorted((ROOT / "alerts").glob("*.rules.yml"))


def installed(require_tools: bool, *names: str, package: str) -> str:
    """The path of the first of ``names`` on PATH. Missing, the test skips — or fails under
    OPENSTACK_EXPORTER_REQUIRE_TOOLS=1, as in CI, where .ci/run installs ``package``."""
    for name in names:
        if path := shutil.which(name):
            return path
    message = f"{names[0]} not installed (Debian package '{package}')"
    if require_tools:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def promtool(require_tools: bool) -> str:
    return installed(require_tools, "promtool", package="prometheus")


def rules(kind: str) -> list[dict[str, Any]]:
    """Every rule of alerts/*.rules.yml that has ``kind`` ("record" or "alert")."""
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if kind in rule
    ]


def unknown_metrics(h: Harness, exprs: list[str]) -> set[str]:
    """Metric and recording-rule names in ``exprs`` that neither /metrics nor a rule provides."""
    exposed = {s.name for family in h.registry.collect() for s in family.samples}
    recorded = {rule["record"] for rule in rules("record")}
    used: set[str] = set()
    for expr in exprs:
        # Plain metric names, and recording-rule names (level:metric:operations) whole.
        used |= set(re.findall(r"(?<![:\w])((?:openstack|process)_[a-z_]+)(?![:\w])", expr))
        used |= set(re.findall(r"(?<![:\w])([a-z_]+:[a-z_]+:[a-z_]+)(?![:\w])", expr))
    assert used, "no metric names found"
    return {m for m in used if m not in exposed and m not in recorded}
