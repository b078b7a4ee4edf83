"""Free capacity per flavor: how many more instances of each flavor fit, host by host.

Counted the way Nova's scheduler decides, from the same sources: Placement inventories, usages
and traits (capacity = (total - reserved) × allocation_ratio; one instance bounded by min_unit,
max_unit, step_size; PCPU for hw:cpu_policy=dedicated; required and forbidden traits), on
schedulable hosts only (nova-compute enabled, up, not forced down), honouring
aggregate_instance_extra_specs:* against host aggregate metadata. Hosts that cannot be scheduled
count 0. Roll-ups per zone and cloud are recording rules (alerts/recording.rules.yml).

Not modelled: filters that Placement does not see (NUMA topology, PCI passthrough devices,
server groups, AggregateMultiTenancyIsolation) can make the real figure lower.

Reads the resource_providers, flavors, compute_services and aggregates sources; no API call of
its own. Series: flavors × compute hosts.

    openstack_placement_flavor_free_instances{flavor_id="3",flavor_name="m1.medium",
        host="cmp-001",zone="az1"} 70.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.collectors._capacity import (
    FlavorRequest,
    aggregate_allows,
    free_instances,
    request_for,
    trees,
)
from exporter.collectors._service_state import schedulable
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.aggregates import Aggregates
from exporter.sources.compute_services import ComputeServices
from exporter.sources.flavors import Flavors
from exporter.sources.resource_providers import Provider, ResourceProviders


@collector(
    "flavor_capacity",
    interval=300,
    help="Instances of each flavor that still fit, per host (Placement arithmetic)",
    options={"flavors": []},
    reads=(ResourceProviders, Flavors, ComputeServices, Aggregates),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    wanted = set(settings.options["flavors"])
    flavors = [f for f in model[Flavors] if not wanted or f.get("name") in wanted]
    hosts = host_states(model[ComputeServices])
    metadata = host_aggregate_metadata(model[Aggregates])
    return [capacity_family(flavors, list(model[ResourceProviders]), hosts, metadata)]


def host_states(services: Iterable[dict[str, Any]]) -> dict[str, tuple[str, bool]]:
    """nova-compute host → (zone, schedulable)."""
    out: dict[str, tuple[str, bool]] = {}
    for svc in services:
        if svc.get("binary") != "nova-compute":
            continue
        out[str(svc.get("host") or "")] = (str(svc.get("zone") or ""), schedulable(svc))
    return out


def host_aggregate_metadata(
    aggregates: Iterable[dict[str, Any]],
) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for agg in aggregates:
        for host in agg.get("hosts") or []:
            out.setdefault(host, []).append(dict(agg.get("metadata") or {}))
    return out


def capacity_family(
    flavors: list[dict[str, Any]],
    providers: list[Provider],
    hosts: Mapping[str, tuple[str, bool]],
    metadata: Mapping[str, list[dict[str, str]]],
) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_placement_flavor_free_instances",
        "Instances of the flavor that still fit on the host, by Placement's arithmetic; 0 on "
        "hosts the scheduler would not use (Placement and Nova; collected in background).",
        labels=["flavor_id", "flavor_name", "host", "zone"],
    )
    by_root = trees(providers)
    roots = {p.root_uuid: p.name for p in providers if p.parent_uuid is None}
    requests: list[tuple[dict[str, Any], FlavorRequest]] = [
        (f, request_for(f)) for f in sorted(flavors, key=lambda f: str(f["id"]))
    ]
    for root_uuid, host in sorted(roots.items(), key=lambda kv: kv[1]):
        if host not in hosts:
            continue  # a provider that is not a compute host (e.g. a shared storage pool)
        zone, schedulable = hosts[host]
        tree = by_root[root_uuid]
        for f, req in requests:
            n = 0
            if schedulable and aggregate_allows(req, metadata.get(host, [])):
                n = free_instances(req, tree)
            fam.add_metric([str(f["id"]), str(f.get("name") or ""), host, zone], n)
    return fam
