"""Designate quota usage per project, counted from the zone list of all projects.

``zones`` is the one Designate quota counted per project, and the zone list the dns_zones
source keeps already holds every zone with its project: counting costs no call. Designate
counts every zone not yet deleted against the quota, whatever its status (central's
``_enforce_zone_quota``), and so does this. The other Designate limits apply per zone or per
recordset and would need every recordset listed (⌈recordsets / 1000⌉ calls per sync): not
counted.

Reads the projects and dns_zones sources; one series per selected project, 0 for a project
without zones.

    openstack_dns_quota_in_use{project_id="…",resource="zones"} 3.0
"""

from __future__ import annotations

from collections import Counter

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.dns_zones import DnsZones
from exporter.sources.projects import PROJECT_OPTIONS, Projects, select_projects


@collector(
    "dns_quota_usage",
    interval=300,
    help="Designate zones per project, as the zones quota counts them",
    options=PROJECT_OPTIONS,
    reads=(Projects, DnsZones),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    zones = Counter(z.project_id for z in model[DnsZones])
    fam = GaugeMetricFamily(
        "openstack_dns_quota_in_use",
        "Amount of the resource the project uses, as Designate's quota counts it: zones not "
        "yet deleted, whatever their status (Designate zones; collected in background).",
        labels=["project_id", "resource"],
    )
    for p in select_projects(model[Projects], settings.options):
        fam.add_metric([p.id, "zones"], zones.get(p.id, 0))
    return [fam]
