"""Quota limits per project and resource: compute, block storage and network.

Limits change rarely, so this collector runs on a long interval and usage is counted separately
from bulk listings (``quota_usage``). Unlimited (-1) is exported as ``+Inf``: a usage/limit
ratio is then 0, never negative.

Cost per run, for P selected projects:
- 1 call for the project list;
- compute: P calls (``GET /os-quota-sets/{project}``: limits only, which Nova answers without
  counting usage);
- block storage: P calls (``GET /os-quota-sets/{project}``);
- network: 2 calls whatever P (``GET /quotas`` lists only projects whose quota differs from
  the defaults, ``GET /quotas/{project}/default`` gives the defaults).
So 2P + 3 calls: 20,003 for 10,000 projects. They run ``parallel`` at a time and at most
``max_rate`` a second (default 10: a 10,000-project run takes about 33 minutes, inside the
default 1-hour interval).

    openstack_quota_limit{project_id="…",resource="cores",service_type="compute"} 20.0
    openstack_quota_limit{project_id="…",resource="floatingip",service_type="network"} +Inf
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.collectors import Api, CollectorSettings, collector
from exporter.collectors._projects import PROJECT_OPTIONS, RateLimit, select_projects
from exporter.collectors.block_storage_services import SERVICE_TYPES as VOLUME_TYPES

LABELS = ["project_id", "service_type", "resource"]
# Nova at 2.57: no nova-network quotas (gone at 2.36) and no injected files (gone at 2.57).
# https://docs.openstack.org/api-ref/compute/#quota-sets-os-quota-sets
NOVA_QUOTA_MICROVERSION = "2.57"


@collector(
    "quota_limits",
    interval=3600,
    help="Quota limits per project (per-project calls, rate-limited)",
    options={**PROJECT_OPTIONS, "parallel": 4, "max_rate": 10.0},
    access=(
        ("identity", "/v3/projects"),
        ("identity", "/v3/domains"),
        ("compute", "/v2.1/os-quota-sets/*"),
        ("block-storage", "/v3/*/os-quota-sets/*"),
        ("network", "/v2.0/quotas"),
        ("network", "/v2.0/quotas/*/default"),
    ),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    opts = settings.options
    projects = select_projects(api, opts)
    present = {ep.service_type for ep in api.catalog()}
    limiter = RateLimit(opts["max_rate"])
    limits: dict[tuple[str, str, str], float] = {}

    def per_project(service: str, fetch: Callable[[str], dict[str, Any]]) -> None:
        def one(pid: str) -> dict[str, float]:
            limiter.acquire(api)
            return numeric(fetch(pid))

        ids = [p.id for p in projects]
        for pid, found in zip(ids, api.parallel(one, ids, opts["parallel"]), strict=True):
            for resource, value in found.items():
                limits[(pid, service, resource)] = value

    if "compute" in present:
        per_project(
            "compute",
            lambda pid: api.get(
                "compute",
                f"/os-quota-sets/{pid}",
                "quota_set",
                dict,
                microversion=NOVA_QUOTA_MICROVERSION,
            ),
        )
    if present & set(VOLUME_TYPES):
        per_project(
            "block_storage",
            lambda pid: api.get("block-storage", f"/os-quota-sets/{pid}", "quota_set", dict),
        )
    if "network" in present:
        for (pid, resource), value in network_limits(api, [p.id for p in projects]).items():
            limits[(pid, "network", resource)] = value
    return [limit_family(limits)]


def numeric(quota_set: dict[str, Any]) -> dict[str, float]:
    """Resource → limit, from a quota set in either the plain or the detailed form."""
    out = {}
    for resource, value in quota_set.items():
        if isinstance(value, dict):
            value = value.get("limit")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue  # "id" and anything else that is not a limit
        out[resource] = math.inf if value < 0 else float(value)
    return out


def network_limits(api: Api, project_ids: list[str]) -> dict[tuple[str, str], float]:
    if not project_ids:
        return {}
    defaults = numeric(api.get("network", f"/quotas/{project_ids[0]}/default", "quota", dict))
    overrides = {
        str(q.get("project_id") or q.get("tenant_id")): numeric(q)
        for q in api.get("network", "/quotas", "quotas")
    }
    # Overrides of projects outside the selection (filtered out, or deleted from Keystone)
    # are ignored: only the selected projects are reported.
    return {
        (pid, resource): value
        for pid in project_ids
        for resource, value in {**defaults, **overrides.get(pid, {})}.items()
    }


def limit_family(limits: dict[tuple[str, str, str], float]) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_quota_limit",
        "Quota limit of the project for the resource, in the service's own unit (ram: MiB, "
        "gigabytes: GiB, others: counts); +Inf when unlimited (Nova, Cinder and Neutron quota "
        "APIs; collected in background).",
        labels=LABELS,
    )
    for (pid, service, resource), value in sorted(limits.items()):
        fam.add_metric([pid, service, resource], value)
    return fam
