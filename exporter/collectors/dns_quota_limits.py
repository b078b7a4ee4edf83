"""Designate quota limits of the projects that own zones (opt-in: a call per project).

Designate has no bulk quota API, so the limits cost one call per project read, hourly; the
source reads only the selected projects that own at least one zone — 333 calls an hour for the
demo cloud at 2,000 projects, beyond the DNS share of the request budget. Hence off by default:
enable it where that is affordable, narrowed with ``projects``, ``exclude_projects`` and
``domains``. ``zones`` is a limit per project; ``zone_recordsets`` and ``zone_records`` apply to
each zone of the project, ``recordset_records`` to each recordset, ``api_export_size`` to each
export. Unlimited (negative) is exported as ``+Inf``.

Reads the dns_quota_limits source (its docstring states the cost) and the projects source,
whose latest list narrows the series to the selected projects still in Keystone.

    openstack_dns_quota_limit{project_id="…",resource="zones"} 10.0
    openstack_dns_quota_limit{project_id="…",resource="zone_recordsets"} 500.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.dns_quota_limits import DnsQuotaLimits
from exporter.sources.projects import PROJECT_OPTIONS, Projects, select_projects


@collector(
    "dns_quota_limits",
    interval=3600,
    help="Designate quota limits of the projects owning zones (a call per project; opt-in)",
    enabled=False,
    options=PROJECT_OPTIONS,
    reads=(DnsQuotaLimits, Projects),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    selected = {p.id for p in select_projects(model[Projects], settings.options)}
    fam = GaugeMetricFamily(
        "openstack_dns_quota_limit",
        "Designate quota limit of the project for the resource: zones per project, "
        "zone_recordsets and zone_records per zone, recordset_records per recordset; +Inf when "
        "unlimited; only projects that own zones (Designate quotas; collected in background).",
        labels=["project_id", "resource"],
    )
    limits = model[DnsQuotaLimits]
    for pid in sorted(set(limits) & selected):
        for resource, value in sorted(limits[pid].items()):
            fam.add_metric([pid, resource], value)
    return [fam]
