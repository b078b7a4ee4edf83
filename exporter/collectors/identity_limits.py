"""Keystone unified limits: registered (default) limits and project limits.

Clouds that enforce quotas through unified limits (Nova's UnifiedLimitsDriver, Glance) keep them
in Keystone. A cloud that does not use them has none: no series, not a failure.

Cost per run: 2 API calls (``GET /v3/registered_limits``, ``GET /v3/limits``); service IDs are
resolved to service types from the token's catalog.

    openstack_identity_registered_limit{region_id="",resource="class:VCPU",
        service_type="compute"} 20.0
    openstack_identity_project_limit{project_id="…",region_id="",resource="class:VCPU",
        service_type="compute"} 64.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.collectors import Api, CollectorSettings, collector

_BG = "(Keystone unified limits; collected in background)"


@collector(
    "identity_limits",
    interval=3600,
    help="Keystone unified limits",
    access=(("identity", "/v3/registered_limits"), ("identity", "/v3/limits")),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    types = {ep.service_id: ep.service_type for ep in api.catalog()}
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
    for lim in api.get("identity", "/registered_limits", "registered_limits"):
        service = str(lim.get("service_id") or "")
        registered.add_metric(
            [types.get(service, service), str(lim["resource_name"]), lim.get("region_id") or ""],
            float(lim["default_limit"]),
        )
    for lim in api.get("identity", "/limits", "limits"):
        service = str(lim.get("service_id") or "")
        project.add_metric(
            [
                str(lim.get("project_id") or ""),
                types.get(service, service),
                str(lim["resource_name"]),
                lim.get("region_id") or "",
            ],
            float(lim["resource_limit"]),
        )
    return [registered, project]
