"""Shared by the problems collectors: age buckets, count families, opt-in detail series."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.connection import timestamp
from exporter.contract import Finding, Findings

# Upper bounds in seconds and their label values: how long the resource has been like this.
AGE_BUCKETS = ((3600, "lt_1h"), (86400, "1h_1d"), (7 * 86400, "1d_7d"), (float("inf"), "gt_7d"))
DETAIL_OPTION = {"detail_metrics": False}


def age_bucket(since: float | None, now: float) -> str:
    if since is None:
        return "unknown"
    age = max(0.0, now - since)
    return next(label for bound, label in AGE_BUCKETS if age < bound)


def age_of(updated: object, now: float) -> float:
    ts = timestamp(updated)
    return 0.0 if ts is None else now - ts


def count_family(
    name: str, help_text: str, findings: Iterable[Finding], with_age: bool = True
) -> Metric:
    labels = ["project_id", "resource_type", "problem"] + (["age"] if with_age else [])
    fam = GaugeMetricFamily(name, help_text, labels=labels)
    now = time.time()
    counts: Counter[tuple[str, ...]] = Counter()
    for f in findings:
        key = (f.project_id, f.resource_type, f.problem)
        counts[key + ((age_bucket(f.since, now),) if with_age else ())] += 1
    for key, n in sorted(counts.items()):
        fam.add_metric(list(key), n)
    return fam


def detail_family(name: str, findings: Iterable[Finding]) -> Metric:
    """One series per resource: for small clouds only (``detail_metrics: true``)."""
    fam = InfoMetricFamily(
        name,
        "One series per problem resource (opt-in detail mode; collected in background).",
        labels=["resource_type", "resource_id", "project_id", "problem"],
    )
    for f in sorted(findings, key=lambda f: (f.resource_type, f.resource_id, f.problem)):
        fam.add_metric([f.resource_type, f.resource_id, f.project_id, f.problem], {})
    return fam


def problem_result(
    prefix: str, help_text: str, found: list[Finding], detail: bool, *, with_age: bool = True
) -> Findings:
    """``<prefix>s`` counts (plus ``<prefix>_info`` per resource in detail mode) and the
    findings for /problems."""
    families = [count_family(f"{prefix}s", help_text, found, with_age)]
    if detail:
        families.append(detail_family(prefix, found))
    return Findings(families, found)
