"""Capacity arithmetic for the console, the same as the recording rules and alerts compute it.

N+1 follows ``OpenStackZoneNotNPlusOne`` (alerts/openstack.rules.yml) on top of
alerts/recording.rules.yml: per zone and resource class, the largest schedulable host's
capacity must not exceed the zone's schedulable free capacity, where a host's capacity is
Σ over its providers of (inventory − reserved) × allocation_ratio and only hosts with
``openstack_compute_host_schedulable == 1`` count. Since the zone's free capacity includes the
largest host's own, this is "its allocations fit in the free capacity of the other hosts".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HostResource:
    """One resource class of one compute host, summed over the host's providers."""

    host: str
    zone: str
    schedulable: bool
    resource_class: str
    capacity: float
    usage: float


@dataclass(frozen=True, slots=True)
class ZoneHeadroom:
    zone: str
    resource_class: str
    largest_host: str
    largest_capacity: float
    free: float  # the zone's schedulable free capacity, the largest host's own included

    @property
    def survives(self) -> bool:
        """Whether the zone could re-home everything of its largest host (the alert's negation)."""
        return self.largest_capacity <= self.free


def host_resources(
    inventory: Mapping[tuple[str, str, str], float],
    reserved: Mapping[tuple[str, str, str], float],
    ratio: Mapping[tuple[str, str, str], float],
    usage: Mapping[tuple[str, str, str], float],
    schedulable: Mapping[tuple[str, str], float],
) -> list[HostResource]:
    """From the placement families keyed by (host, resource_provider, resource_class) and
    ``openstack_compute_host_schedulable`` keyed by (host, zone). A host without a schedulable
    series is in no zone (the recording rules' join drops it too)."""
    capacity: dict[tuple[str, str], float] = defaultdict(float)
    used: dict[tuple[str, str], float] = defaultdict(float)
    for key, total in inventory.items():
        host, _, rc = key
        capacity[(host, rc)] += (total - reserved.get(key, 0.0)) * ratio.get(key, 1.0)
        used[(host, rc)] += usage.get(key, 0.0)
    zones = {host: (zone, value == 1) for (host, zone), value in schedulable.items()}
    return [
        HostResource(
            host, zones[host][0], zones[host][1], rc, capacity[(host, rc)], used[(host, rc)]
        )
        for host, rc in sorted(capacity)
        if host in zones
    ]


def n_plus_one(hosts: Iterable[HostResource]) -> list[ZoneHeadroom]:
    """Per (zone, resource class) with at least one schedulable host: the largest schedulable
    host and the zone's free capacity. Unschedulable hosts count for neither, as in the rules."""
    groups: dict[tuple[str, str], list[HostResource]] = defaultdict(list)
    for h in hosts:
        if h.schedulable:
            groups[(h.zone, h.resource_class)].append(h)
    out = []
    for (zone, rc), members in sorted(groups.items()):
        # max() keeps the first of equals: the host first by name, so the page is stable.
        largest = max(sorted(members, key=lambda h: h.host), key=lambda h: h.capacity)
        free = sum(h.capacity - h.usage for h in members)
        out.append(ZoneHeadroom(zone, rc, largest.host, largest.capacity, free))
    return out


def free_instances_by_zone(
    free: Mapping[tuple[str, str, str, str], float],
) -> dict[str, dict[tuple[str, str], float]]:
    """zone → (flavor_id, flavor_name) → free instances, from
    ``openstack_placement_flavor_free_instances`` keyed by (flavor_id, flavor_name, host, zone):
    ``zone_flavor:openstack_placement_flavor_free_instances:sum`` of the recording rules."""
    out: dict[str, dict[tuple[str, str], float]] = defaultdict(lambda: defaultdict(float))
    for (flavor_id, flavor, _, zone), n in free.items():
        out[zone][(flavor_id, flavor)] += n
    return {zone: dict(flavors) for zone, flavors in sorted(out.items())}
