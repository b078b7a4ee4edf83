"""Cinder back-end pools: capacity, what is allocated and provisioned, what a new volume can get.

Reads the block_storage_pools source: 1 API call per sync
(``GET /scheduler-stats/get_pools?detail=True``).

Drivers that cannot measure their back end report the strings ``infinite`` or ``unknown``
instead of numbers. ``infinite`` is exported as ``+Inf``; an ``unknown`` figure has no series
(never a made-up 0), and ``openstack_block_storage_pool_capacity_known`` says which is which.

``..._available_bytes`` is the largest volume the pool accepts now, by the rule of Cinder's
CapacityFilter: free − ⌊total × reserved_percentage⌋, and for thin pools with an
over-subscription ratio ≥ 1 also below ratio × total − provisioned.

    openstack_block_storage_pool_capacity_bytes{pool="stor-01@lvm#lvm"} 1.099511627776e+13
    openstack_block_storage_pool_available_bytes{pool="stor-03@nfs#nfs"} +Inf
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.collectors._pools import gib
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.block_storage_pools import BlockStoragePools

GIB = 2**30
_BG = "(Cinder scheduler-stats; collected in background)"


@collector(
    "block_storage_pools",
    interval=120,
    help="Cinder pools: capacity, free, provisioned",
    reads=(BlockStoragePools,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return pool_families(model[BlockStoragePools])


def available_gib(caps: Mapping[str, Any]) -> float:
    total, free = gib(caps.get("total_capacity_gb")), gib(caps.get("free_capacity_gb"))
    reserved = (gib(caps.get("reserved_percentage")) or 0.0) / 100
    if free is None or free == math.inf:
        return math.inf  # Cinder assumes such a back end can take the volume
    if total is None or total == math.inf:
        return math.inf if reserved == 0 else 0.0
    if total <= 0:
        return 0.0
    room = free - math.floor(total * reserved)
    ratio = gib(caps.get("max_over_subscription_ratio")) or 1.0
    if caps.get("thin_provisioning_support") and ratio >= 1:
        provisioned = gib(caps.get("provisioned_capacity_gb")) or 0.0
        room = min(room, ratio * total - provisioned)
    return max(0.0, room)


def pool_families(pools: Iterable[Mapping[str, Any]]) -> list[Metric]:
    L = ["pool"]  # noqa: N806

    def gauge(name: str, what: str) -> GaugeMetricFamily:
        return GaugeMetricFamily(f"openstack_block_storage_pool_{name}", f"{what} {_BG}.", labels=L)

    capacity = gauge("capacity_bytes", "Total capacity the driver reports; +Inf for 'infinite'")
    free = gauge("free_bytes", "Free capacity the driver reports; +Inf for 'infinite'")
    allocated = gauge("allocated_bytes", "Capacity of the volumes Cinder placed in the pool")
    provisioned = gauge("provisioned_bytes", "Provisioned (thin: virtual) capacity in the pool")
    reserved = gauge("reserved_ratio", "Share of the total capacity kept free (0 to 1)")
    oversub = gauge("max_over_subscription_ratio", "Thin provisioning over-subscription limit")
    thin = gauge("thin_provisioning_support", "Whether the pool supports thin provisioning")
    available = gauge(
        "available_bytes",
        "Largest new volume the pool accepts now, by Cinder's CapacityFilter rule",
    )
    known = gauge("capacity_known", "0 when the driver reports total or free capacity as 'unknown'")
    info = InfoMetricFamily(
        "openstack_block_storage_pool",
        f"Driver facts of a pool, for joins {_BG}.",
        labels=["pool", "volume_backend_name", "storage_protocol", "vendor_name", "driver_version"],
    )
    for pool in sorted(pools, key=lambda p: str(p["name"])):
        caps = pool.get("capabilities") or {}
        labels = [str(pool["name"])]
        total_v, free_v = gib(caps.get("total_capacity_gb")), gib(caps.get("free_capacity_gb"))
        for fam, value in (
            (capacity, total_v),
            (free, free_v),
            (allocated, gib(caps.get("allocated_capacity_gb"))),
            (provisioned, gib(caps.get("provisioned_capacity_gb"))),
        ):
            if value is not None:
                fam.add_metric(labels, value * GIB)
        known.add_metric(labels, float(total_v is not None and free_v is not None))
        reserved.add_metric(labels, (gib(caps.get("reserved_percentage")) or 0.0) / 100)
        ratio = gib(caps.get("max_over_subscription_ratio"))
        if ratio is not None:
            oversub.add_metric(labels, ratio)
        thin.add_metric(labels, float(bool(caps.get("thin_provisioning_support"))))
        available.add_metric(labels, available_gib(caps) * GIB)
        info.add_metric(
            labels,
            {
                "volume_backend_name": str(caps.get("volume_backend_name") or ""),
                "storage_protocol": str(caps.get("storage_protocol") or ""),
                "vendor_name": str(caps.get("vendor_name") or ""),
                "driver_version": str(caps.get("driver_version") or ""),
            },
        )
    return [capacity, free, allocated, provisioned, reserved, oversub, thin, available, known, info]
