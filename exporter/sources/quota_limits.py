"""Quota limits per project and resource: compute, block storage, network and load balancer.

Full sync only (quota APIs have no delta; limits change rarely, so the source syncs on its
readers' long interval), for the P projects its readers select (the union of their
selections):
- compute: P calls (``GET /os-quota-sets/{project}`` at 2.57: limits only, which Nova answers
  without counting usage);
- block storage: P calls (``GET /os-quota-sets/{project}`` under the token's own project);
- network: 2 calls whatever P (``GET /quotas`` lists only projects whose quota differs from
  the defaults, ``GET /quotas/{project}/default`` gives the defaults);
- load balancer: 2 calls whatever P (``GET /v2.0/lbaas/quotas`` with every project's quota
  record, ``GET /v2.0/lbaas/quotas/defaults``; see ``_octavia_quotas``).
So 2P + 4 calls, 20,004 for 10,000 projects (the project list is the projects source's). The
per-project calls run ``parallel`` at a time and at most ``max_rate`` a second (default 10: a
10,000-project sync takes about 33 minutes, inside the default 1-hour interval; 0: no limit).
A service missing from the catalog is skipped. Every sync re-reads everything: a changed limit
shows at the next sync.

Unlimited (-1) is kept as ``+Inf``: a usage/limit ratio is then 0, never negative.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from exporter.api import Api, ApiError, CatalogEndpoint
from exporter.contract import Source, SyncContext
from exporter.sources import _octavia_quotas
from exporter.sources._diff import changed
from exporter.sources.block_storage_services import SERVICE_TYPES as VOLUME_TYPES
from exporter.sources.projects import ProjectSet, select_projects

# Nova at 2.57: no nova-network quotas (gone at 2.36) and no injected files (gone at 2.57).
# https://docs.openstack.org/api-ref/compute/#quota-sets-os-quota-sets
NOVA_QUOTA_MICROVERSION = "2.57"


@dataclass(frozen=True, slots=True)
class QuotaLimitSet:
    # Project ID -> its limits as (service_type, resource, limit), sorted; +Inf when unlimited.
    # service_type is the SDK proxy name: compute, block_storage, network, load_balancer.
    projects: Mapping[str, tuple[tuple[str, str, float], ...]]


class QuotaLimits(Source[QuotaLimitSet]):
    name = "quota_limits"
    access = (
        ("compute", "/v2.1/os-quota-sets/*"),
        ("block-storage", "/v3/*/os-quota-sets/*"),
        ("network", "/v2.0/quotas"),
        ("network", "/v2.0/quotas/*/default"),
        ("load-balancer", "/v2.0/lbaas/quotas"),
        ("load-balancer", "/v2.0/lbaas/quotas/defaults"),
    )
    options: ClassVar[Mapping[str, Any]] = {"parallel": 4, "max_rate": 10.0}
    uses = ("catalog", "projects")

    def full(self, ctx: SyncContext) -> QuotaLimitSet:
        api = ctx.api
        catalog: tuple[CatalogEndpoint, ...] = ctx.used["catalog"]
        present = {ep.service_type for ep in catalog}
        ids = selected_ids(ctx.used["projects"], ctx.readers)
        limiter = RateLimit(ctx.options["max_rate"])
        limits: dict[str, dict[tuple[str, str], float]] = {pid: {} for pid in ids}

        def per_project(service: str, fetch: Callable[[str], dict[str, Any]]) -> None:
            def one(pid: str) -> dict[str, float]:
                limiter.acquire(api)
                return numeric(fetch(pid))

            for pid, found in zip(
                ids, api.parallel(one, ids, ctx.options["parallel"]), strict=True
            ):
                for resource, value in found.items():
                    limits[pid][(service, resource)] = value

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
            for (pid, resource), value in network_limits(api, ids).items():
                limits[pid][("network", resource)] = value
        if "load-balancer" in present:
            for (pid, resource), value in _octavia_quotas.limits(api, ids).items():
                limits[pid][("load_balancer", resource)] = value
        out = QuotaLimitSet(
            {
                pid: tuple((svc, res, value) for (svc, res), value in sorted(found.items()))
                for pid, found in limits.items()
            }
        )
        previous: QuotaLimitSet | None = ctx.previous
        ctx.count_changed(changed(None if previous is None else previous.projects, out.projects))
        return out


def selected_ids(projects: ProjectSet, readers: Iterable[Mapping[str, Any]]) -> list[str]:
    """IDs of the projects any reader selects (all of them when there is no reader), in the
    projects source's order (by ID)."""
    chosen: set[str] = set()
    for options in tuple(readers) or ({},):
        chosen.update(p.id for p in select_projects(projects, options))
    return [p.id for p in projects.projects if p.id in chosen]


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
    overrides = {}
    for q in api.get("network", "/quotas", "quotas"):
        pid = q.get("project_id") or q.get("tenant_id") if isinstance(q, dict) else None
        if not isinstance(pid, str) or not pid:
            raise ApiError("network", "/quotas", "a quota without a project_id")
        overrides[pid] = numeric(q)
    # Overrides of projects outside the selection (filtered out, or deleted from Keystone)
    # are ignored: only the selected projects are reported.
    return {
        (pid, resource): value
        for pid in project_ids
        for resource, value in {**defaults, **overrides.get(pid, {})}.items()
    }


class RateLimit:
    """At most ``per_second`` acquisitions a second across threads; 0 means no limit.

    Spreads per-project calls over time so a 10,000-project cloud sees a steady trickle
    instead of a burst at the start of every sync.
    """

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self, api: Api) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            api.sleep(wait)
