"""Octavia listeners, pools and members that do not serve: counts by operating status.

Reads the load_balancer_listeners and load_balancer_pools sources (one listing each per sync)
and load_balancer_members (member lists of the pools whose members can have changed: its
docstring states the cost). Listeners and pools are counted in every status present; members
only in ``ERROR`` (failing their health checks) and ``OFFLINE`` (disabled, or not reported by
the amphora), the two statuses the members source keeps exact for every pool — Octavia lists
members per pool only. ``ERROR`` and ``OFFLINE`` are always there, at 0 too.

    openstack_load_balancer_listeners{operating_status="ONLINE"} 310.0
    openstack_load_balancer_pools{operating_status="DEGRADED"} 1.0
    openstack_load_balancer_members{operating_status="ERROR"} 3.0
"""

from __future__ import annotations

from collections import Counter

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.load_balancer_listeners import LoadBalancerListeners
from exporter.sources.load_balancer_members import LoadBalancerMembers
from exporter.sources.load_balancer_pools import LoadBalancerPools

DOWN = ("ERROR", "OFFLINE")
_BG = "collected in background"


@collector(
    "load_balancer_components",
    interval=300,
    help="Octavia listeners, pools and members by operating status (ERROR, OFFLINE)",
    reads=(LoadBalancerListeners, LoadBalancerPools, LoadBalancerMembers),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    listeners = Counter(x.operating_status for x in model[LoadBalancerListeners])
    pools = Counter(p.operating_status for p in model[LoadBalancerPools])
    members = model[LoadBalancerMembers].statuses()
    return [
        status_family(
            "openstack_load_balancer_listeners",
            f"Listeners by operating status, all projects (Octavia listeners; {_BG}).",
            listeners,
            sorted(set(listeners) | set(DOWN)),
        ),
        status_family(
            "openstack_load_balancer_pools",
            f"Pools by operating status, all projects (Octavia pools; {_BG}).",
            pools,
            sorted(set(pools) | set(DOWN)),
        ),
        status_family(
            "openstack_load_balancer_members",
            "Pool members in ERROR (failing health checks) or OFFLINE (disabled or not "
            "reported), all projects; other statuses are not counted (Octavia pool members, "
            f"read per pool where they can have changed; {_BG}).",
            members,
            list(DOWN),
        ),
    ]


def status_family(name: str, help_text: str, counts: Counter[str], statuses: list[str]) -> Metric:
    fam = GaugeMetricFamily(name, help_text, labels=["operating_status"])
    for status in statuses:
        fam.add_metric([status], counts.get(status, 0))
    return fam
