"""Capacity arithmetic of the flavor collectors: what a flavor asks of Placement, and how many fit.

Pure functions over plain records, so the rules can be read and tested without HTTP. The rules
are Placement's (``(total - reserved) * allocation_ratio``, one allocation bounded by min_unit,
max_unit and step_size) and Nova's flavor → Placement translation (nova/scheduler/utils.py
``resources_from_flavor`` and ``ResourceRequest``): ``hw:cpu_policy=dedicated`` asks for PCPU,
``resources:<CLASS>=N`` overrides or adds a class (0 removes it), ``trait:<T>=required|forbidden``
constrains the provider, swap counts as DISK_GB rounded up to whole GiB.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from exporter.sources.resource_providers import Inventory, Provider

AGGREGATE_KEY_PREFIX = "aggregate_instance_extra_specs:"


@dataclass(frozen=True, slots=True)
class FlavorRequest:
    resources: Mapping[str, int]
    required: frozenset[str] = frozenset()
    forbidden: frozenset[str] = frozenset()
    # AggregateInstanceExtraSpecsFilter: metadata the host's aggregates must carry.
    aggregate_metadata: Mapping[str, str] = field(default_factory=dict)


def flavor_request(
    vcpus: int, ram: int, disk: int, ephemeral: int, swap: int, extra_specs: Mapping[str, Any]
) -> FlavorRequest:
    """What Nova asks of Placement (and of the aggregate filter) for one instance of a flavor.

    Boot-from-volume servers ask for no root disk; a flavor cannot know that, so the root disk
    counts, as it does for image-backed servers.
    """
    specs = {str(k): str(v) for k, v in (extra_specs or {}).items()}
    dedicated = specs.get("hw:cpu_policy") == "dedicated"
    resources = {
        "PCPU" if dedicated else "VCPU": int(vcpus),
        "MEMORY_MB": int(ram),
        "DISK_GB": int(disk) + int(ephemeral) + math.ceil(int(swap or 0) / 1024),
    }
    required, forbidden, aggregate = set(), set(), {}
    for key, value in specs.items():
        if key.startswith("resources:"):
            try:
                resources[key.removeprefix("resources:")] = int(value)
            except ValueError:
                continue  # Nova rejects such a flavor at boot; it asks for nothing we can count
        elif key.startswith("trait:"):
            if value == "required":
                required.add(key.removeprefix("trait:"))
            elif value == "forbidden":
                forbidden.add(key.removeprefix("trait:"))
        elif key.startswith(AGGREGATE_KEY_PREFIX):
            aggregate[key.removeprefix(AGGREGATE_KEY_PREFIX)] = value
    return FlavorRequest(
        {rc: n for rc, n in resources.items() if n > 0},
        frozenset(required),
        frozenset(forbidden),
        aggregate,
    )


def request_for(flavor: Mapping[str, Any]) -> FlavorRequest:
    """``flavor_request`` for a flavor of ``GET /flavors/detail`` (Nova before 2.75 says swap
    "" for none)."""
    return flavor_request(
        flavor.get("vcpus") or 0,
        flavor.get("ram") or 0,
        flavor.get("disk") or 0,
        flavor.get("OS-FLV-EXT-DATA:ephemeral") or 0,
        int(flavor.get("swap") or 0),
        flavor.get("extra_specs") or {},
    )


def instances_from(inv: Inventory, used: int, amount: int) -> int:
    """How many allocations of ``amount`` still fit in one inventory."""
    max_unit = inv.total if inv.max_unit is None else inv.max_unit
    if amount <= 0 or amount < inv.min_unit or amount > max_unit or amount % inv.step_size:
        return 0
    return max(0, math.floor((inv.capacity - used) / amount))


def free_instances(request: FlavorRequest, tree: Iterable[Provider]) -> int:
    """Instances of a flavor that still fit on one host (a provider tree).

    Each resource class may come from any provider of the tree that has it; the host fits as
    many instances as its scarcest class. Traits follow Placement's unnumbered request group:
    required traits must be found among the providers that supply the resources, and no
    supplying provider may carry a forbidden one.
    """
    providers = [p for p in tree if not (request.forbidden & p.traits)]
    if not request.resources or not providers:
        return 0
    suppliers = [p for p in providers if set(p.inventories) & set(request.resources)]
    if not request.required <= frozenset().union(*(p.traits for p in suppliers)):
        return 0
    counts = []
    for rc, amount in request.resources.items():
        counts.append(
            sum(
                instances_from(p.inventories[rc], p.usages.get(rc, 0), amount)
                for p in providers
                if rc in p.inventories
            )
        )
    return min(counts)


def aggregate_allows(request: FlavorRequest, metadata: Iterable[Mapping[str, str]]) -> bool:
    """AggregateInstanceExtraSpecsFilter: every key present with the value in some aggregate."""
    if not request.aggregate_metadata:
        return True
    merged: dict[str, set[str]] = {}
    for md in metadata:
        for key, value in md.items():
            merged.setdefault(key, set()).update(v.strip() for v in str(value).split(","))
    return all(value in merged.get(key, set()) for key, value in request.aggregate_metadata.items())


def trees(providers: Iterable[Provider]) -> dict[str, list[Provider]]:
    """Providers grouped by root UUID."""
    out: dict[str, list[Provider]] = {}
    for p in providers:
        out.setdefault(p.root_uuid, []).append(p)
    return out
