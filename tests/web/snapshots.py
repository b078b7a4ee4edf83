"""A SnapshotStore in a few lines, for the page tests: families by collector, findings, hostile
names."""

from __future__ import annotations

import time
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.contract import Finding
from exporter.snapshot import SnapshotStore

NOW = time.time()
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
)


def gauge(name: str, labels: list[str], rows: Iterable[tuple[list[str], float]]) -> Metric:
    fam = GaugeMetricFamily(name, "test", labels=labels)
    for values, v in rows:
        fam.add_metric(values, v)
    return fam


def info(name: str, labels: list[str], rows: Iterable[list[str]]) -> Metric:
    fam = InfoMetricFamily(name, "test", labels=labels)
    for values in rows:
        fam.add_metric(values, {})
    return fam


def store(
    families: dict[str, list[Metric]] | None = None,
    findings: dict[str, list[Finding]] | None = None,
    *,
    interval: float = 60,
    finished: float = NOW,
) -> SnapshotStore:
    s = SnapshotStore()
    for name in {*(families or {}), *(findings or {})}:
        s.register(name, interval)
        s.record_success(
            name,
            (families or {}).get(name, []),
            finished=finished,
            duration=0.1,
            findings=(findings or {}).get(name, []),
        )
    return s


def projects(*pairs: tuple[str, str]) -> list[Metric]:
    return [
        info(
            "openstack_identity_project",
            ["project_id", "project_name", "domain_id", "enabled"],
            [[pid, name, "default", "true"] for pid, name in pairs],
        )
    ]
