"""Manila quota limits and usage, per project, read from ``GET /v2/quota-sets/{project}/detail``.

Manila has no bulk quota API (no list of all projects' quotas, unlike Neutron's ``/quotas``),
so each project costs one call; at 2,000 projects, hourly, that would be 2,000 calls an hour,
ten times this service's share of the exporter's API budget. Hence:

- only the projects that own at least one share (the shares source's listing, no extra call)
  among those the readers select (``quota_limits``/``quota_usage`` project filters); a project
  with no share uses no share, snapshot or replica quota. ``only_share_owners: false`` reads
  every selected project (then it costs up to one call per project an hour);
- each project is re-read once its figures are an hour old (``REFRESH_SECONDS``), the stalest
  first, at most ``max_per_hour`` calls an hour (default 100): a sync reads at most
  ⌈max_per_hour × interval / 1 h⌉ projects, the first sync up to ``max_per_hour``. With more
  owners than that the figures of each are refreshed every ⌈owners / max_per_hour⌉ hours
  instead of every hour. ``max_per_hour: 0`` turns the calls off.

So at most 100 calls an hour, and on the demo cloud at 2,000 projects (79 share owners) 79.
Each call answers ``in_use`` and ``limit`` together (``reserved`` is not kept); -1 (unlimited)
is kept as ``+Inf``, a negative ``in_use`` (not tracked) as unknown.

Pinned 2.71, the version the shares source needs anyway: the detail view exists from 2.25,
share groups' quotas from 2.40, replicas' from 2.53, ``per_share_gigabytes`` from 2.62. Backup
quotas (2.80) and encryption keys (2.90) are not read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed
from exporter.sources._manila import SERVICE, SERVICE_TYPES, access_for
from exporter.sources.projects import ProjectSet
from exporter.sources.quota_limits import selected_ids
from exporter.sources.shared_file_system_shares import ShareSet

# https://docs.openstack.org/api-ref/shared-file-system/#show-quota-set-detail
MICROVERSION = "2.71"
REFRESH_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class ProjectQuota:
    read_at: float  # unix time of the call, by the scheduler's clock
    # (resource, limit: +Inf when unlimited, in_use: None when not tracked), by resource.
    resources: tuple[tuple[str, float, float | None], ...]


@dataclass(frozen=True, slots=True)
class ShareQuotaSet:
    projects: Mapping[str, ProjectQuota]

    def __len__(self) -> int:
        return len(self.projects)


class SharedFileSystemQuotas(Source[ShareQuotaSet]):
    name = "shared_file_system_quotas"
    services = SERVICE_TYPES
    access = access_for("/quota-sets/*/detail")
    options: ClassVar[Mapping[str, Any]] = {"only_share_owners": True, "max_per_hour": 100}
    uses = ("projects", "shared_file_system_shares")

    def full(self, ctx: SyncContext) -> ShareQuotaSet:
        projects: ProjectSet = ctx.used["projects"]
        shares: ShareSet = ctx.used["shared_file_system_shares"]
        wanted = selected_ids(projects, ctx.readers)
        if ctx.options["only_share_owners"]:
            owners = shares.owners()
            wanted = [pid for pid in wanted if pid in owners]
        previous: ShareQuotaSet | None = ctx.previous
        held = previous.projects if previous is not None else {}
        # Projects no longer wanted (no share left, filtered out, gone from Keystone) drop out.
        kept = {pid: held[pid] for pid in wanted if pid in held}
        # Never read first, then the stalest; the others keep their last figures.
        due = sorted(
            (p for p in wanted if p not in kept or ctx.now - kept[p].read_at >= REFRESH_SECONDS),
            key=lambda p: kept[p].read_at if p in kept else -math.inf,
        )
        for pid in due[: batch(ctx.options["max_per_hour"], ctx.interval, previous is None)]:
            kept[pid] = ProjectQuota(ctx.now, resources(pid, _detail(ctx, pid)))
        out = ShareQuotaSet(dict(sorted(kept.items())))
        ctx.count_changed(changed(held if previous is not None else None, out.projects))
        return out


def batch(per_hour: int, interval: float, first: bool) -> int:
    """How many projects one sync may read: the hour's budget at the first sync, else its
    share for one interval (at least one call when there is a budget at all)."""
    if per_hour <= 0:
        return 0
    if first:
        return per_hour
    return max(1, math.ceil(per_hour * min(interval, 3600.0) / 3600.0))


def _detail(ctx: SyncContext, project_id: str) -> dict[str, Any]:
    return ctx.api.get(
        SERVICE, f"/quota-sets/{project_id}/detail", "quota_set", dict, microversion=MICROVERSION
    )


Resources = tuple[tuple[str, float, float | None], ...]


def resources(project_id: str, quota_set: Mapping[str, Any]) -> Resources:
    """The (resource, limit, in_use) of a detailed quota set; ``id`` and other non-resource
    keys are skipped, a resource without numbers fails the sync."""
    out = []
    for resource, value in sorted(quota_set.items()):
        if not isinstance(value, dict):
            continue  # "id"
        limit, in_use = value.get("limit"), value.get("in_use")
        if not _number(limit) or not _number(in_use):
            raise ApiError(
                SERVICE,
                f"/quota-sets/{project_id}/detail",
                f"quota {resource!r} has no numeric limit and in_use",
            )
        out.append(
            (
                str(resource),
                math.inf if limit < 0 else float(limit),
                None if in_use < 0 else float(in_use),
            )
        )
    return tuple(out)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
