"""Quota limits per project and resource: compute, block storage, network and shared file
systems.

Limits change rarely, so they are read on a long interval and usage is counted separately from
bulk listings (``quota_usage``). Unlimited (-1) is exported as ``+Inf``: a usage/limit ratio is
then 0, never negative.

Reads the quota_limits source (2 calls per selected project, rate-limited: its docstring states
the cost) and the projects source, whose latest list narrows the series to the selected
projects still in Keystone. Where Manila is deployed, the shared_file_system_quotas source adds
its limits for the projects it reads (those that own shares; its docstring states the cost).

    openstack_quota_limit{project_id="…",resource="cores",service_type="compute"} 20.0
    openstack_quota_limit{project_id="…",resource="floatingip",service_type="network"} +Inf
"""

from __future__ import annotations

from collections.abc import Collection

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.projects import PROJECT_OPTIONS, Projects, select_projects
from exporter.sources.quota_limits import QuotaLimits, QuotaLimitSet
from exporter.sources.shared_file_system_quotas import SharedFileSystemQuotas, ShareQuotaSet

LABELS = ["project_id", "service_type", "resource"]


@collector(
    "quota_limits",
    interval=3600,
    help="Quota limits per project (per-project calls, rate-limited)",
    options=PROJECT_OPTIONS,
    reads=(QuotaLimits, Projects),
    reads_optional=(SharedFileSystemQuotas,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    selected = {p.id for p in select_projects(model[Projects], settings.options)}
    return [limit_family(model[QuotaLimits], selected, model.get(SharedFileSystemQuotas))]


def limit_family(
    limits: QuotaLimitSet,
    project_ids: Collection[str],
    shares: ShareQuotaSet | None = None,
) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_quota_limit",
        "Quota limit of the project for the resource, in the service's own unit (ram: MiB, "
        "gigabytes: GiB, others: counts); +Inf when unlimited (Nova, Cinder, Neutron, "
        "Octavia and Manila quota APIs; collected in background).",
        labels=LABELS,
    )
    for pid in sorted(set(limits.projects) & set(project_ids)):
        for service, resource, value in limits.projects[pid]:
            fam.add_metric([pid, service, resource], value)
    if shares is not None:
        for pid in sorted(set(shares.projects) & set(project_ids)):
            for resource, limit, _ in shares.projects[pid].resources:
                fam.add_metric([pid, "shared_file_system", resource], limit)
    return fam
