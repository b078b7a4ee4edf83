"""Octavia load balancers by provider, provisioning status and operating status: counts, never
one series per load balancer.

Reads the load_balancers source: ⌈load balancers / 1000⌉ calls per sync (``GET
/v2.0/lbaas/loadbalancers``). Series: the combinations present, a handful. The two statuses are
independent (Octavia api-ref, "Provisioning Status Codes" and "Operating Status Codes"):
provisioning says whether Octavia finished what it was asked (``PENDING_*`` while a change is in
flight, ``ERROR`` when it failed); operating says whether traffic flows (``DEGRADED``: some
members down; ``OFFLINE``: disabled, or no health reports; ``NO_MONITOR``: cannot tell).

    openstack_load_balancer_loadbalancers{operating_status="ONLINE",provider="amphora",
        provisioning_status="ACTIVE"} 212.0
    openstack_load_balancer_loadbalancers{operating_status="ERROR",provider="amphora",
        provisioning_status="ERROR"} 1.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.load_balancers import LoadBalancer, LoadBalancers


@collector(
    "load_balancers",
    interval=300,
    help="Octavia load balancers by provider and status (counts)",
    reads=(LoadBalancers,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return [load_balancer_family(model[LoadBalancers])]


def load_balancer_family(lbs: Iterable[LoadBalancer]) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_load_balancer_loadbalancers",
        "Load balancers by provider, provisioning status and operating status, all projects "
        "(Octavia loadbalancers; collected in background).",
        labels=["provider", "provisioning_status", "operating_status"],
    )
    counts = Counter((lb.provider, lb.provisioning_status, lb.operating_status) for lb in lbs)
    for key, n in sorted(counts.items()):
        fam.add_metric(list(key), n)
    return fam
