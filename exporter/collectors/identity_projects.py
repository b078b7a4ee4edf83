"""Projects as info metrics, so dashboards show names while quota series are keyed by ID.

Reads the projects source (2 calls per sync: ``GET /v3/projects``, ``GET /v3/domains``). A
deleted project vanishes after the next sync; a disabled one is marked.

    openstack_identity_project_info{domain_id="default",enabled="true",project_id="…",
        project_name="project-01"} 1.0
    openstack_identity_project_enabled{project_id="…"} 1.0
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.projects import PROJECT_OPTIONS, ProjectRow, Projects, select_projects


@collector(
    "identity_projects",
    interval=300,
    help="Projects: names, domains, enabled",
    options=PROJECT_OPTIONS,
    reads=(Projects,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return project_families(select_projects(model[Projects], settings.options))


def project_families(projects: Iterable[ProjectRow]) -> list[Metric]:
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
    for p in projects:
        info.add_metric([p.id, p.name, p.domain_id, str(p.enabled).lower()], {})
        enabled.add_metric([p.id], float(p.enabled))
    return [info, enabled]
