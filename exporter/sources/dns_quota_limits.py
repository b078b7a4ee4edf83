"""Designate quota limits of the projects that own zones.

Designate has no bulk quota API: ``GET /v2/quotas/{project_id}`` (with ``X-Auth-All-Projects:
true``, without which another project's quotas answer 403) gives one project's effective limits
— the configured defaults merged with its overrides — and nothing lists which projects have
overrides. So the cost is one call per project read, and the source reads only the projects
that own at least one zone (from the dns_zones source), narrowed by its readers' project
selections: a project without zones uses none of its zone quota, and Designate's other limits
(``zone_recordsets``, ``zone_records``, ``recordset_records``) are per zone or per recordset,
not per project.

Full sync only (no delta; limits change rarely): Z calls, Z = the selected projects owning
zones — 333 for the demo cloud at 2,000 projects, hourly: 333 requests an hour, more than the
DNS share of the request budget, which is why its collector (``dns_quota_limits``) is off by
default. The calls run ``parallel`` at a time and at most ``max_rate`` a second.

A negative limit means unlimited (designate ``quota/base.py``) and is kept as ``+Inf``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from exporter.contract import Source, SyncContext
from exporter.sources._designate import ALL_PROJECTS, SERVICE, SERVICE_TYPES
from exporter.sources._diff import changed
from exporter.sources.dns_zones import Zone
from exporter.sources.quota_limits import RateLimit, numeric, selected_ids

# Project ID -> resource -> limit (+Inf when unlimited), for the projects read.
DnsQuotaLimitSet = Mapping[str, Mapping[str, float]]


class DnsQuotaLimits(Source[DnsQuotaLimitSet]):
    name = "dns_quota_limits"
    services = SERVICE_TYPES
    access = ((SERVICE, "/v2/quotas/*"),)
    options: ClassVar[Mapping[str, Any]] = {"parallel": 4, "max_rate": 10.0}
    uses = ("projects", "dns_zones")

    def full(self, ctx: SyncContext) -> DnsQuotaLimitSet:
        api = ctx.api
        zones: tuple[Zone, ...] = ctx.used["dns_zones"]
        owners = {z.project_id for z in zones}
        ids = [pid for pid in selected_ids(ctx.used["projects"], ctx.readers) if pid in owners]
        limiter = RateLimit(ctx.options["max_rate"])

        def one(pid: str) -> dict[str, float]:
            limiter.acquire(api)
            # The body is the flat mapping of limits; "zones" is the one every release has.
            body = api.body(SERVICE, f"/quotas/{pid}", "zones", int, headers=ALL_PROJECTS)
            return numeric(body)

        found = api.parallel(one, ids, ctx.options["parallel"])
        out = dict(zip(ids, found, strict=True))
        ctx.count_changed(changed(ctx.previous, out))
        return out
