"""Octavia provider drivers the API offers, for joins and for "can users still create a load
balancer with provider X".

Reads the load_balancer_providers source: 1 call per sync (``GET /v2.0/lbaas/providers``). The
list is octavia-api's configuration (``enabled_provider_drivers``), so an hourly read is
enough; a driver's health is not in it.

    openstack_load_balancer_provider_info{description="The Octavia Amphora driver.",
        provider="amphora"} 1.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import InfoMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.load_balancer_providers import LoadBalancerProviders


@collector(
    "load_balancer_providers",
    interval=3600,
    help="Octavia provider drivers enabled in the API",
    reads=(LoadBalancerProviders,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    fam = InfoMetricFamily(
        "openstack_load_balancer_provider",
        "A provider driver the load-balancer API accepts, with its description (Octavia "
        "providers; collected in background).",
        labels=["provider"],
    )
    for p in sorted(model[LoadBalancerProviders], key=lambda p: p.name):
        fam.add_metric([p.name], {"description": p.description})
    return [fam]
