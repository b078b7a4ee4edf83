"""Projects as info metrics, so dashboards show names while quota series are keyed by ID.

Cost per run: 1 API call (``GET /v3/projects``; plus ``GET /v3/domains`` when filtering by
domain name). A deleted project vanishes after the next run; a disabled one is marked.

    openstack_identity_project_info{domain_id="default",enabled="true",project_id="…",
        project_name="project-01"} 1.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.collectors import Api, CollectorSettings, collector
from exporter.collectors._projects import PROJECT_OPTIONS, select_projects


@collector(
    "identity_projects",
    interval=300,
    help="Projects: names, domains, enabled",
    options=PROJECT_OPTIONS,
    access=(("identity", "/v3/projects"), ("identity", "/v3/domains")),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    info = InfoMetricFamily(
        "openstack_identity_project",
        "A Keystone project, for joins by project_id (Keystone projects; collected in background).",
        labels=["project_id", "project_name", "domain_id", "enabled"],
    )
    enabled = GaugeMetricFamily(
        "openstack_identity_project_enabled",
        "Whether the project is enabled (Keystone projects; collected in background).",
        labels=["project_id"],
    )
    for p in select_projects(api, settings.options):
        info.add_metric([p.id, p.name, p.domain_id, str(p.enabled).lower()], {})
        enabled.add_metric([p.id], float(p.enabled))
    return [info, enabled]
