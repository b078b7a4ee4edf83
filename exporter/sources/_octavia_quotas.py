"""Octavia quota limits of many projects in two calls, for the quota_limits source.

- ``GET /v2.0/lbaas/quotas/defaults``: the deployment's defaults (``[quotas]`` options);
- ``GET /v2.0/lbaas/quotas``: every project with a quota record — which Octavia creates for
  any project that ever created an object (``ensure_project_exists``), its limits ``null``
  until an admin sets them, ``null`` meaning the default.

The list is asked for whole (``limit=0``: "no limit", ``octavia/api/common/pagination.py``
``_parse_limit``) because Octavia cannot page it: its marker is a row's ``id``, which the
quotas table lacks, so a next link carries ``marker=None`` and following it fails. Octavia adds
that next link to every unlimited answer, so it is ignored.

Each limit comes under its name and, for two of them, a deprecated alias filled from the same
column (``load_balancer``, ``health_monitor``): read once, and refused when the two differ.
-1 is unlimited (+Inf). A resource the server does not report (l7policy and l7rule before
API 2.19) has no limit series.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from exporter.api import Api, ApiError
from exporter.sources._octavia import SERVICE

LIST_PATH = "/lbaas/quotas"
DEFAULTS_PATH = "/lbaas/quotas/defaults"
RESOURCES = ("loadbalancer", "listener", "pool", "member", "healthmonitor", "l7policy", "l7rule")
ALIASES = {"loadbalancer": "load_balancer", "healthmonitor": "health_monitor"}


def limits(api: Api, project_ids: list[str]) -> dict[tuple[str, str], float]:
    """(project, resource) → limit for ``project_ids``."""
    if not project_ids:
        return {}
    defaults = _read(api.get(SERVICE, DEFAULTS_PATH, "quota", dict), DEFAULTS_PATH, null=False)
    records: dict[str, dict[str, float | None]] = {}
    for item in api.get(SERVICE, LIST_PATH, "quotas", params={"limit": 0}):
        pid = item.get("project_id") if isinstance(item, dict) else None
        if not isinstance(pid, str) or not pid:
            raise ApiError(SERVICE, LIST_PATH, "a quota without a project_id")
        records[pid] = _read(item, LIST_PATH, null=True)
    out: dict[tuple[str, str], float] = {}
    for pid in project_ids:
        own = records.get(pid, {})
        for resource, default in defaults.items():
            value = own.get(resource)
            out[(pid, resource)] = default if value is None else value  # type: ignore[assignment]
    return out


def _read(body: Mapping[str, Any], path: str, *, null: bool) -> dict[str, float | None]:
    """Resource → limit (+Inf for -1; None for null, where ``null`` allows it) of the
    resources the body reports."""
    out: dict[str, float | None] = {}
    for resource in RESOURCES:
        keys = [k for k in (resource, ALIASES.get(resource)) if k is not None and k in body]
        if not keys:
            continue
        values = [body[k] for k in keys]
        if any(v != values[0] for v in values):
            raise ApiError(SERVICE, path, f"the quota's {' and '.join(keys)} differ")
        value = values[0]
        if value is None:
            if not null:
                raise ApiError(SERVICE, path, f"the quota's {resource} is null")
            out[resource] = None
        elif isinstance(value, bool) or not isinstance(value, int):
            raise ApiError(SERVICE, path, f"the quota's {resource} is not a whole number")
        else:
            out[resource] = math.inf if value < 0 else float(value)
    return out
