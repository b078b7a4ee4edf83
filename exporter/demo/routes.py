"""What every service module of the demo cloud shares: the request, the route and service
registries, and the list plumbing (filters, paging, changes-since, quota sets) several APIs use.

Each module under ``exporter/demo/services/`` registers its routes with ``@route`` and declares
its catalog entry with ``offer``; the server only reads ``ROUTES`` and ``CATALOG``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud

Result = tuple[int, Any]
NOT_FOUND: Result = (404, {"error": {"code": 404, "message": "Not found", "title": "Not Found"}})


@dataclass(frozen=True, slots=True)
class Request:
    cloud: DemoCloud
    base: str
    microversion: tuple[int, int]
    query: dict[str, list[str]]
    system: bool = False  # whether the caller's token is scoped to the system, not a project
    # Request headers by lower-case name: Designate scopes a read by header, not by query.
    headers: Mapping[str, str] = field(default_factory=dict)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


ROUTES: list[tuple[re.Pattern[str], Callable[..., Result]]] = []


def route(pattern: str) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    def register(fn: Callable[..., Result]) -> Callable[..., Result]:
        ROUTES.append((re.compile(pattern), fn))
        return fn

    return register


@dataclass(frozen=True, slots=True)
class Service:
    """One OpenStack service the demo cloud speaks, as its module declares it."""

    type: str  # catalog service type; what ``DemoCloud(services=...)`` names
    name: str  # catalog name
    endpoint: str  # catalog URL path under the demo server
    prefix: str  # first segment of its paths; also its microversion header's service name
    versions: Callable[[str], dict[str, Any]]  # base URL -> {path: unauthenticated document}
    state: type  # its part of DemoCloud, a mixin
    microversions: tuple[str, str] | None = None  # (default, latest), for microversioned APIs
    legacy_header: str | None = None  # the pre-OpenStack-API-Version microversion header


CATALOG: dict[str, Service] = {}  # service type -> Service, in the order the modules load


def offer(service: Service) -> Service:
    CATALOG[service.type] = service
    return service


def filter_by(items: list[dict[str, Any]], req: Request, *keys: str) -> list[dict[str, Any]]:
    """The simple equality filters the list APIs accept (host=, binary=, ...)."""
    wanted = {k: req.arg(k) for k in keys if req.arg(k) is not None}
    return [i for i in items if all(str(i.get(k)) == v for k, v in wanted.items())]


def paged(req: Request, key: str, items: list[dict[str, Any]], link_path: str) -> Result:
    """Neutron- and Cinder-style paging: limit and marker, a next link while more remain."""
    marker, limit = req.arg("marker"), int(req.arg("limit") or 0)
    if marker:
        ids = [i["id"] for i in items]
        items = items[ids.index(marker) + 1 :] if marker in ids else []
    page = items[:limit] if limit else items
    fields = req.query.get("fields")
    if fields:
        # Neutron returns only the attributes asked for (repeated fields=), id included or not.
        page = [{k: v for k, v in item.items() if k in fields} for item in page]
    body: dict[str, Any] = {key: page}
    if limit and len(items) > limit:
        body[f"{key}_links"] = [
            {
                "rel": "next",
                "href": f"{req.base}{link_path}?limit={limit}&marker={items[limit - 1]['id']}",
            }
        ]
    return 200, body


def changes_since(req: Request) -> float | str | None:
    """Unix seconds of ``changes-since`` (Nova compares whole seconds); "bad" if unreadable."""
    value = req.arg("changes-since")
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "bad"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


# -- quotas, read the same way by Nova, Cinder and Neutron -----------------------------------------


def quota_set(
    req: Request, service: str, project_id: str, detail: bool, used_key: str = "in_use"
) -> dict[str, Any]:
    cloud = req.cloud
    usage = cloud.quota_usage(service, project_id)
    resources = dict(cloud.quota_defaults[service])
    if service == "block_storage":
        for vtype in ("lvm", "ceph"):
            for res in ("volumes", "gigabytes", "snapshots"):
                resources[f"{res}_{vtype}"] = -1
    body: dict[str, Any] = {}
    for res in sorted(resources):
        limit = (
            cloud.quota_limit(service, project_id, res)
            if res in cloud.quota_defaults[service]
            else cloud.quota_overrides[service].get(project_id, {}).get(res, -1)
        )
        body[res] = (
            {"limit": limit, used_key: usage.get(res, 0), "reserved": 0} if detail else limit
        )
    return body
