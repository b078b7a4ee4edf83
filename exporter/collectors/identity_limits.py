"""Keystone unified limits: registered (default) limits and project limits.

Clouds that enforce quotas through unified limits (Nova's UnifiedLimitsDriver, Glance) keep them
in Keystone. A cloud that does not use them has none: no series, not a failure.

Reads the identity_limits source (2 calls per sync: ``GET /v3/registered_limits``,
``GET /v3/limits``); service IDs are resolved to service types from the token's catalog (the
catalog source, no call).

    openstack_identity_registered_limit{region_id="",resource="class:VCPU",
        service_type="compute"} 20.0
    openstack_identity_project_limit{project_id="…",region_id="",resource="class:VCPU",
        service_type="compute"} 64.0
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.catalog import Catalog
from exporter.sources.identity_limits import IdentityLimits, LimitSet

_BG = "(Keystone unified limits; collected in background)"


@collector(
    "identity_limits",
    interval=3600,
    help="Keystone unified limits",
    reads=(IdentityLimits, Catalog),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    types = {ep.service_id: ep.service_type for ep in model[Catalog]}
    return limit_families(model[IdentityLimits], types)


def limit_families(limits: LimitSet, types: Mapping[str, str]) -> list[Metric]:
    """``types``: service ID → service type; an ID not in it is shown as itself."""
    registered = GaugeMetricFamily(
        "openstack_identity_registered_limit",
        f"Default limit of a resource for every project, in the resource's own unit {_BG}.",
        labels=["service_type", "resource", "region_id"],
    )
    project = GaugeMetricFamily(
        "openstack_identity_project_limit",
        f"Limit of a resource for one project, overriding the registered default {_BG}.",
        labels=["project_id", "service_type", "resource", "region_id"],
    )
    for lim in limits.registered:
        service = types.get(lim.service_id, lim.service_id)
        registered.add_metric([service, lim.resource, lim.region_id], lim.limit)
    for lim in limits.project:
        service = types.get(lim.service_id, lim.service_id)
        project.add_metric([lim.project_id, service, lim.resource, lim.region_id], lim.limit)
    return [registered, project]
