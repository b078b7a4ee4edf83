"""Leaked capacity: Placement allocations whose consumer is neither an existing server nor a
migration in progress. The scheduler counts that capacity as used; nobody uses it.

The servers may have been listed up to half an interval before the allocations were read, so a
server booted in between can look leaked for one sync (and one deleted meanwhile too): the
OpenStackPlacementOrphanAllocations alert waits an hour. Reads the resource_providers, servers
and migrations sources; no API call of its own.

    openstack_placement_orphan_allocations{host="cmp-003"} 1.0
    openstack_placement_orphan_allocation_usage{host="cmp-003",resource_class="VCPU"} 4.0
"""

from __future__ import annotations

from collections import Counter

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.migrations import Migrations
from exporter.sources.resource_providers import ResourceProviders
from exporter.sources.servers import Servers

_BG = "(Placement allocations against Nova servers; collected in background)"


@collector(
    "placement_orphans",
    interval=900,
    help="Placement allocations whose consumer no longer exists (leaked capacity)",
    reads=(ResourceProviders, Servers, Migrations),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    providers = model[ResourceProviders]
    # Migration records name their allocation consumer by uuid.
    consumers = set(model[Servers].servers) | set(model[Migrations].active)
    count: Counter[str] = Counter()
    usage: Counter[tuple[str, str]] = Counter()
    found = []
    for p in sorted(providers, key=lambda p: p.name):
        host = providers.host_of(p)
        for consumer, resources in sorted(p.allocations.items()):
            if consumer in consumers:
                continue
            count[host] += 1
            for rc, amount in resources.items():
                usage[(host, rc)] += amount
            found.append(
                Finding(
                    "allocation",
                    consumer,
                    "",
                    "orphan_allocation",
                    f"on {p.name}",
                    None,
                    host,
                )
            )
    return Findings(orphan_families(count, usage), found)


def orphan_families(count: Counter, usage: Counter) -> list[Metric]:
    n = GaugeMetricFamily(
        "openstack_placement_orphan_allocations",
        f"Allocations on the host whose consumer does not exist {_BG}.",
        labels=["host"],
    )
    amount = GaugeMetricFamily(
        "openstack_placement_orphan_allocation_usage",
        f"Resources those allocations hold, in the class's own unit {_BG}.",
        labels=["host", "resource_class"],
    )
    for host, c in sorted(count.items()):
        n.add_metric([host], c)
    for (host, rc), value in sorted(usage.items()):
        amount.add_metric([host, rc], value)
    return [n, amount]
