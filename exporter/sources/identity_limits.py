"""Keystone unified limits: registered (default) limits and project limits.

Full sync only, 2 calls (``GET /v3/registered_limits``, ``GET /v3/limits``): Keystone lists
without paging (a cut list says ``truncated``, which fails the sync) and has no delta. A cloud
that does not use unified limits has none: empty lists, not a failure.

Limits are kept as Keystone gives them, keyed by service ID; the collector resolves IDs to
service types from the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed


@dataclass(frozen=True, slots=True)
class Limit:
    service_id: str
    resource: str
    region_id: str
    # "" for registered limits, and for project limits Keystone gives without a project
    # (domain limits).
    project_id: str
    limit: float


@dataclass(frozen=True, slots=True)
class LimitSet:
    registered: tuple[Limit, ...]
    project: tuple[Limit, ...]


class IdentityLimits(Source[LimitSet]):
    name = "identity_limits"
    access = (("identity", "/v3/registered_limits"), ("identity", "/v3/limits"))

    def full(self, ctx: SyncContext) -> LimitSet:
        registered = tuple(
            _limit(lim, "/registered_limits", "default_limit")
            for lim in ctx.api.get("identity", "/registered_limits", "registered_limits")
        )
        project = tuple(
            _limit(lim, "/limits", "resource_limit")
            for lim in ctx.api.get("identity", "/limits", "limits")
        )
        out = LimitSet(registered, project)
        previous: LimitSet | None = ctx.previous
        ctx.count_changed(changed(None if previous is None else _keyed(previous), _keyed(out)))
        return out


def _limit(item: Any, path: str, value_key: str) -> Limit:
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("resource_name"), str)
        or isinstance(item.get(value_key), bool)
        or not isinstance(item.get(value_key), int | float)
    ):
        raise ApiError("identity", path, f"a limit without resource_name or {value_key}")
    return Limit(
        str(item.get("service_id") or ""),
        item["resource_name"],
        str(item.get("region_id") or ""),
        str(item.get("project_id") or ""),
        float(item[value_key]),
    )


def _keyed(limits: LimitSet) -> Mapping[tuple[bool, str, str, str, str], float]:
    return {
        (kind, lim.project_id, lim.service_id, lim.resource, lim.region_id): lim.limit
        for kind, group in ((False, limits.registered), (True, limits.project))
        for lim in group
    }
