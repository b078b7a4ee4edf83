"""Host aggregates and availability zones, as join-able info metrics, and host schedulability.

Reads the aggregates and compute_services sources (1 API call each per sync).

    openstack_compute_aggregate_host_info{aggregate="gpu",host="cmp-004",zone=""} 1.0
    openstack_compute_aggregate_metadata_info{aggregate="pinned",key="pinned",value="true"} 1.0
    openstack_compute_host_schedulable{host="cmp-002",zone="az2"} 0.0
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.collectors._service_state import schedulable
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.aggregates import Aggregates
from exporter.sources.compute_services import ComputeServices

_BG = "(Nova os-aggregates; collected in background)"


@collector(
    "compute_aggregates",
    interval=300,
    help="Host aggregates, availability zones and schedulable compute hosts",
    reads=(Aggregates, ComputeServices),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return [*aggregate_families(model[Aggregates]), schedulable_family(model[ComputeServices])]


def aggregate_families(aggregates: Iterable[dict[str, Any]]) -> list[Metric]:
    hosts = InfoMetricFamily(
        "openstack_compute_aggregate_host",
        f"Membership of a host in a host aggregate, with the aggregate's zone {_BG}.",
        labels=["aggregate", "host", "zone"],
    )
    metadata = InfoMetricFamily(
        "openstack_compute_aggregate_metadata",
        f"Metadata of a host aggregate, one series per key; scheduler filters match flavor extra "
        f"specs against it {_BG}.",
        labels=["aggregate", "key", "value"],
    )
    seen_hosts: set[tuple[str, str]] = set()
    for agg in sorted(aggregates, key=lambda a: a.get("name") or ""):
        name, zone = str(agg.get("name") or ""), str(agg.get("availability_zone") or "")
        for host in sorted(set(agg.get("hosts") or [])):
            if (name, host) not in seen_hosts:
                seen_hosts.add((name, host))
                hosts.add_metric([name, host, zone], {})
        for key, value in sorted((agg.get("metadata") or {}).items()):
            if key == "availability_zone":
                continue  # already the zone label above
            metadata.add_metric([name, key, str(value)], {})
    return [hosts, metadata]


def schedulable_family(services: Iterable[dict[str, Any]]) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_compute_host_schedulable",
        "Whether the scheduler may place new servers on the host: its nova-compute is enabled, "
        "up and not forced down (Nova os-services; collected in background).",
        labels=["host", "zone"],
    )
    best: dict[tuple[str, str], bool] = {}
    for svc in services:
        if svc.get("binary") != "nova-compute":
            continue
        ok = schedulable(svc)
        key = (str(svc.get("host") or ""), str(svc.get("zone") or ""))
        best[key] = best.get(key, True) and ok
    for key, ok in sorted(best.items()):
        fam.add_metric(list(key), float(ok))
    return fam
