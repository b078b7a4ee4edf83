"""Free capacity per flavor: how many more instances of each flavor fit, host by host.

Counted the way Nova's scheduler decides, from the same sources: Placement inventories, usages
and traits (capacity = (total - reserved) × allocation_ratio; one instance bounded by min_unit,
max_unit, step_size; PCPU for hw:cpu_policy=dedicated; required and forbidden traits), on
schedulable hosts only (nova-compute enabled, up, not forced down), honouring
aggregate_instance_extra_specs:* against host aggregate metadata. Hosts that cannot be scheduled
count 0. Roll-ups per zone and cloud are recording rules (alerts/recording.rules.yml).

Not modelled: filters that Placement does not see (NUMA topology, PCI passthrough devices,
server groups, AggregateMultiTenancyIsolation) can make the real figure lower.

Cost per run: 1 + 3 × providers Placement calls (inventories, usages, traits) ``parallel`` at a
time, plus 3 Nova calls (flavors, services, aggregates). 1,000 hosts: 3,004 calls — hence the
longer default interval. Series: flavors × compute hosts.

    openstack_placement_flavor_free_instances{flavor_id="3",flavor_name="m1.medium",
        host="cmp-001",zone="az1"} 70.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.capacity import (
    FlavorRequest,
    ProviderState,
    aggregate_allows,
    fetch_providers,
    free_instances,
    request_for,
    trees,
)
from exporter.collectors import Api, CollectorSettings, collector
from exporter.collectors._service_state import schedulable
from exporter.collectors.compute_aggregates import nova_computes
from exporter.collectors.compute_flavors import list_flavors


@collector(
    "flavor_capacity",
    interval=300,
    help="Instances of each flavor that still fit, per host (Placement arithmetic)",
    options={"parallel": 4, "flavors": []},
    access=(
        ("placement", "/resource_providers"),
        ("placement", "/resource_providers/*/inventories"),
        ("placement", "/resource_providers/*/usages"),
        ("placement", "/resource_providers/*/traits"),
        ("compute", "/v2.1/flavors/detail"),
        ("compute", "/v2.1/os-services"),
        ("compute", "/v2.1/os-aggregates"),
    ),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    api.require_service(("placement",))
    wanted = set(settings.options["flavors"])
    flavors = [f for f in list_flavors(api) if not wanted or f.get("name") in wanted]
    hosts = host_states(nova_computes(api))
    metadata = host_aggregate_metadata(api.get("compute", "/os-aggregates", "aggregates"))
    providers = fetch_providers(api, settings.options["parallel"], traits=True)
    return [capacity_family(flavors, providers, hosts, metadata)]


def host_states(services: list[dict[str, Any]]) -> dict[str, tuple[str, bool]]:
    """nova-compute host → (zone, schedulable)."""
    out: dict[str, tuple[str, bool]] = {}
    for svc in services:
        if svc.get("binary") != "nova-compute":
            continue
        out[str(svc.get("host") or "")] = (str(svc.get("zone") or ""), schedulable(svc))
    return out


def host_aggregate_metadata(aggregates: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for agg in aggregates:
        for host in agg.get("hosts") or []:
            out.setdefault(host, []).append(dict(agg.get("metadata") or {}))
    return out


def capacity_family(
    flavors: list[dict[str, Any]],
    providers: list[ProviderState],
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
