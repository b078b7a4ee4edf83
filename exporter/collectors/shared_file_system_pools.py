"""Manila back-end pools: capacity, what is allocated and provisioned, what a new share can get.

Reads the shared_file_system_pools source: 1 API call per sync
(``GET /v2/scheduler-stats/pools/detail``). Pools of share services that are down or disabled
are not listed by Manila's scheduler, so their series vanish (the service alert covers them).

The figures are the driver's report, as for Cinder: ``infinite`` is exported as ``+Inf``, an
``unknown`` figure has no series (never a made-up 0), and
``openstack_shared_file_system_pool_capacity_known`` says which is which. A figure the driver
does not report (``provisioned_capacity_gb``, ``max_over_subscription_ratio``) has no series:
the scheduler then falls back to its own configuration or database, which the API does not show.

``..._available_bytes`` is the largest share the pool accepts now, by the rule of Manila's
CapacityFilter (manila ``scheduler/filters/capacity.py``): ⌊free − total × reserved⌋; for a
thin pool (with a thin share type) with an over-subscription ratio ≥ 1, also at most
ratio × total − provisioned, and the free room counts ratio times. ``unknown`` free space:
+Inf (the filter lets any share through); ``unknown`` total: the free space when nothing is
reserved, else 0. No series where the rule needs a figure the driver left out, or for an
``infinite`` total, which the filter cannot compute with.

    openstack_shared_file_system_pool_capacity_bytes{pool="shr-01@cephfs#cephfs"} 2.199e+13
    openstack_shared_file_system_pool_available_bytes{pool="shr-03@glusterfs#glusterfs"} +Inf
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.collectors._pools import gib
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.shared_file_system_pools import SharedFileSystemPools

GIB = 2**30
_BG = "(Manila scheduler-stats; collected in background)"


@collector(
    "shared_file_system_pools",
    interval=300,
    help="Manila pools: capacity, free, allocated, provisioned",
    reads=(SharedFileSystemPools,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return pool_families(model[SharedFileSystemPools])


def thin(caps: Mapping[str, Any]) -> bool:
    """Whether the pool can thin-provision: a driver reports a bool, or a list of the modes
    it offers ([True, False]); manila ``scheduler/utils.py`` ``thin_provisioning``."""
    value = caps.get("thin_provisioning", False)
    return True in value if isinstance(value, list) else value is True


def available_gib(caps: Mapping[str, Any]) -> float | None:
    """The largest new share by Manila's CapacityFilter; None when it cannot be known."""
    total, free = gib(caps.get("total_capacity_gb")), gib(caps.get("free_capacity_gb"))
    reserved = (gib(caps.get("reserved_percentage")) or 0.0) / 100
    if free is None or free == math.inf:
        return math.inf  # "we assume it is able to serve the request"
    if total is None:
        return max(0.0, free) if reserved == 0 else 0.0
    if total == math.inf:
        return None  # the filter's arithmetic fails on it (inf × 0); no driver reports it
    if total <= 0:
        return 0.0
    room = math.floor(free - total * reserved)
    if thin(caps):
        ratio = gib(caps.get("max_over_subscription_ratio"))
        provisioned = gib(caps.get("provisioned_capacity_gb"))
        if ratio is None or provisioned is None:
            return None  # the scheduler would use its own default or database
        if ratio < 1:
            return 0.0  # the filter refuses every share on a ratio below 1
        room = min(ratio * total - provisioned, room * ratio)
    return max(0.0, room)


def pool_families(pools: Iterable[Mapping[str, Any]]) -> list[Metric]:
    L = ["pool"]  # noqa: N806

    def gauge(name: str, what: str) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            f"openstack_shared_file_system_pool_{name}", f"{what} {_BG}.", labels=L
        )

    capacity = gauge("capacity_bytes", "Total capacity the driver reports; +Inf for 'infinite'")
    free = gauge("free_bytes", "Free capacity the driver reports; +Inf for 'infinite'")
    allocated = gauge("allocated_bytes", "Capacity of the shares Manila placed in the pool")
    provisioned = gauge("provisioned_bytes", "Provisioned (thin: virtual) capacity in the pool")
    reserved = gauge("reserved_ratio", "Share of the total capacity kept free (0 to 1)")
    oversub = gauge("max_over_subscription_ratio", "Thin provisioning over-subscription limit")
    thin_fam = gauge("thin_provisioning", "Whether the pool can thin-provision")
    available = gauge(
        "available_bytes",
        "Largest new share the pool accepts now, by Manila's CapacityFilter rule",
    )
    known = gauge("capacity_known", "0 when the driver reports total or free capacity as 'unknown'")
    info = InfoMetricFamily(
        "openstack_shared_file_system_pool",
        f"Driver facts of a pool, for joins {_BG}.",
        labels=[
            "pool",
            "share_backend_name",
            "storage_protocol",
            "vendor_name",
            "driver_version",
            "driver_handles_share_servers",
        ],
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
            (available, available_gib(caps)),
        ):
            if value is not None:
                fam.add_metric(labels, value * GIB)
        known.add_metric(labels, float(total_v is not None and free_v is not None))
        reserved.add_metric(labels, (gib(caps.get("reserved_percentage")) or 0.0) / 100)
        ratio = gib(caps.get("max_over_subscription_ratio"))
        if ratio is not None:
            oversub.add_metric(labels, ratio)
        thin_fam.add_metric(labels, float(thin(caps)))
        dhss = caps.get("driver_handles_share_servers")
        info.add_metric(
            labels,
            {
                "share_backend_name": str(caps.get("share_backend_name") or ""),
                "storage_protocol": str(caps.get("storage_protocol") or ""),
                "vendor_name": str(caps.get("vendor_name") or ""),
                "driver_version": str(caps.get("driver_version") or ""),
                "driver_handles_share_servers": "" if dhss is None else str(bool(dhss)).lower(),
            },
        )
    return [
        capacity,
        free,
        allocated,
        provisioned,
        reserved,
        oversub,
        thin_fam,
        available,
        known,
        info,
    ]
