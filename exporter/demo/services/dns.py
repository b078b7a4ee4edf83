"""DNS (Designate): its catalog entry and version document, its part of the cloud's state, and
its routes: service statuses, zones (all projects by header), quotas.

Bodies as Designate's v2 adapters render them (designate ``objects/adapters/api_v2``): times as
``%Y-%m-%dT%H:%M:%S.%f``, zones with ``shared``, service statuses with ``updated_at``; lists
page by ``limit``/``marker`` (20 by default) with ``links.next`` whenever a page is exactly full,
even the last one. Scope is a header: without ``X-Auth-All-Projects: true`` a list holds the
token's project only, and another project's quotas answer 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from random import Random
from typing import Any
from urllib.parse import urlencode

from exporter.demo import bodies
from exporter.demo.routes import Request, Result, Service, offer, route

# designate/conf/api.py default_limit_v2: the page size when a request names none.
DEFAULT_LIMIT = 20
# A live service heartbeats every 10 s (designate/conf/heartbeat_emitter.py).
HEARTBEAT_SECONDS = 10
# Designate's quota defaults (designate/conf/base.py quota_*).
DNS_QUOTA_DEFAULTS = {
    "api_export_size": 1000,
    "recordset_records": 20,
    "zone_records": 500,
    "zone_recordsets": 500,
    "zones": 10,
}
SERVICE_NAMES = ("api", "central", "mdns", "producer", "worker")


@dataclass(slots=True)
class DnsServiceStatus:
    id: str
    service_name: str
    hostname: str
    created_at: float
    status: str = "UP"  # UP, DOWN, WARNING, STOPPED: what the service (or the producer) wrote
    # Unix time of its last heartbeat; None while it runs (it beats every 10 s).
    last_beat: float | None = None


@dataclass(slots=True)
class DnsZone:
    id: str
    name: str
    project_id: str
    pool_id: str
    serial: int
    created_at: float
    updated_at: float | None = None
    status: str = "ACTIVE"  # ACTIVE, PENDING, ERROR (DELETED ones are not listed)
    action: str = "NONE"  # CREATE, UPDATE, DELETE, NONE
    type: str = "PRIMARY"
    masters: list[str] = field(default_factory=list)
    shared: bool = False
    ttl: int = 3600
    version: int = 1


class DnsState:
    """DemoCloud's DNS part: designate's service statuses, zones and quota overrides."""

    dns_services: list[DnsServiceStatus]
    zones: list[DnsZone]
    dns_quota_overrides: dict[str, dict[str, int]]

    def seed(self, rng: Random, hosts: int, projects: int) -> None:
        """Designate on two or three controllers, one worker killed (its status still UP, as
        Designate keeps it until the producer's hourly check) and one mdns marked DOWN; two to
        three zones for every sixth project (842 at 2,000 projects: one page of 1,000), a few
        in ERROR or stuck PENDING; one project at its zone quota."""
        now = self.now()

        def new_id() -> str:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))

        controllers = [f"ctl-{i:02d}" for i in range(1, 4 if hosts >= 10 else 3)]
        self.dns_services = [
            DnsServiceStatus(new_id(), name, host, created_at=now - 30 * 86400)
            for host in controllers
            for name in SERVICE_NAMES
        ]
        last = controllers[-1]
        for svc in self.dns_services:
            if svc.hostname == last and svc.service_name == "worker":
                svc.last_beat = now - 900  # killed: nothing wrote DOWN yet
            if svc.hostname == last and svc.service_name == "mdns":
                svc.status, svc.last_beat = "DOWN", now - 2 * 3600

        pool = new_id()
        owners = rng.sample(self.projects, min(len(self.projects), max(4, len(self.projects) // 6)))
        self.zones = []
        for project in sorted(owners, key=lambda p: p.id):
            for i in range(2 + rng.randrange(2)):
                created = now - rng.uniform(1, 400) * 86400
                updated = None if rng.random() < 0.3 else created + rng.uniform(60, now - created)
                self.zones.append(
                    DnsZone(
                        new_id(),
                        f"zone{i}.{project.name}.example.org.",
                        project.id,
                        pool,
                        serial=int(updated or created),
                        created_at=created,
                        updated_at=updated,
                    )
                )
        secondary, shared, *troubled = rng.sample(self.zones, 7)
        secondary.type, secondary.masters = "SECONDARY", ["192.0.2.53"]
        shared.shared = True
        # (status, action, seconds since the last change): two errors, two stuck, one busy.
        for zone, (status, action, age) in zip(
            troubled,
            [
                ("ERROR", "CREATE", 3 * 86400),
                ("ERROR", "DELETE", 10 * 86400),
                ("PENDING", "UPDATE", 2 * 3600),
                ("PENDING", "CREATE", 26 * 3600),
                ("PENDING", "UPDATE", 40),
            ],
            strict=True,
        ):
            zone.status, zone.action = status, action
            zone.updated_at = now - age
            if action == "CREATE":
                # Never served: created just before it failed, or never changed since.
                zone.created_at = now - age - (300 if status == "ERROR" else 0)
                zone.updated_at = zone.updated_at if status == "ERROR" else None
            zone.serial = int(now - age)
        full = troubled[0].project_id
        self.dns_quota_overrides = {
            full: {"zones": sum(1 for z in self.zones if z.project_id == full)}
        }

    def kill_dns_service(self, service_name: str, hostname: str, at: float) -> None:
        """The process dies at ``at``: its heartbeats stop, its status stays UP."""
        with self.lock:
            for svc in self.dns_services:
                if (svc.service_name, svc.hostname) == (service_name, hostname):
                    svc.last_beat = at

    def dns_quota(self, project_id: str) -> dict[str, int]:
        return {**DNS_QUOTA_DEFAULTS, **self.dns_quota_overrides.get(project_id, {})}


# -- catalog entry and version document ------------------------------------------------------------


def dns_versions(base: str) -> dict[str, Any]:
    """GET / of designate-api (designate/api/versions.py): every 2.x the API speaks, one URL."""
    versions = [
        ("v2", "SUPPORTED", "2022-06-29T00:00:00Z"),
        ("v2.0", "SUPPORTED", "2022-06-29T00:00:00Z"),
        ("v2.1", "SUPPORTED", "2023-01-25T00:00:00Z"),
        ("v2.2", "SUPPORTED", "2025-08-25T00:00:00Z"),
        ("v2.3", "SUPPORTED", "2026-04-06T00:00:00Z"),
        ("v2.4", "CURRENT", "2026-04-13T00:00:00Z"),
    ]
    return {
        "versions": [
            {
                "id": vid,
                "status": status,
                "updated": updated,
                "links": [
                    {"href": f"{base}/dns/v2", "rel": "self"},
                    {"href": "https://docs.openstack.org/api-ref/dns", "rel": "help"},
                ],
            }
            for vid, status, updated in versions
        ]
    }


SERVICE = offer(
    Service("dns", "designate", "/dns", "dns", lambda base: {"/dns": dns_versions(base)}, DnsState)
)


# -- routes ----------------------------------------------------------------------------------------


def _all_projects(req: Request) -> bool:
    """designate/api/middleware.py: the header, or the undocumented all_projects query."""
    value = req.header("X-Auth-All-Projects") or req.arg("all_projects") or ""
    return value.lower() in ("1", "true", "yes", "on")


def _own_project(req: Request) -> str:
    return req.cloud.project_id.replace("-", "")


def _paged(req: Request, key: str, items: list[dict[str, Any]], path: str) -> Result:
    """Designate's paging: items after ``marker``, at most ``limit``; ``links.next`` whenever
    the page is exactly full (designate objects/adapters/api_v2/base.py)."""
    marker = req.arg("marker")
    limit = int(req.arg("limit") or DEFAULT_LIMIT)
    if marker:
        ids = [i["id"] for i in items]
        if marker not in ids:
            return 404, {"code": 404, "type": "marker_not_found", "message": "Marker not found"}
        items = items[ids.index(marker) + 1 :]
    page = items[:limit]
    here = {k: v[-1] for k, v in req.query.items()}
    links = {"self": f"{req.base}{path}" + (f"?{urlencode(here)}" if here else "")}
    if len(page) == limit:
        links["next"] = f"{req.base}{path}?{urlencode({**here, 'marker': page[-1]['id']})}"
    return 200, {key: page, "links": links}


@route(r"/dns/v2/service_statuses")
def service_statuses(req: Request) -> Result:
    cloud = req.cloud
    now = cloud.now()
    out = []
    with cloud.lock:
        for s in sorted(cloud.dns_services, key=lambda s: (s.created_at, s.id)):
            # A live service beat at most 10 s ago; the stamp moves with the clock.
            beat = s.last_beat if s.last_beat is not None else now - now % HEARTBEAT_SECONDS
            out.append(
                {
                    "id": s.id,
                    "hostname": s.hostname,
                    "service_name": s.service_name,
                    "status": s.status,
                    "stats": {},
                    "capabilities": {},
                    "heartbeated_at": bodies.nova_time(beat),
                    "created_at": bodies.nova_time(s.created_at),
                    "updated_at": bodies.nova_time(beat),
                    "links": {"self": f"{req.base}/dns/v2/service_statuses/{s.id}"},
                }
            )
    return _paged(req, "service_statuses", out, "/dns/v2/service_statuses")


def zone_body(req: Request, z: DnsZone) -> dict[str, Any]:
    return {
        "id": z.id,
        "pool_id": z.pool_id,
        "project_id": z.project_id,
        "name": z.name,
        "email": f"hostmaster@{z.name.rstrip('.')}",
        "description": None,
        "ttl": z.ttl,
        "serial": z.serial,
        "shared": z.shared,
        "status": z.status,
        "action": z.action,
        "version": z.version,
        "attributes": {},
        "type": z.type,
        "masters": list(z.masters),
        "created_at": bodies.nova_time(z.created_at),
        "updated_at": None if z.updated_at is None else bodies.nova_time(z.updated_at),
        "transferred_at": None,
        "links": {"self": f"{req.base}/dns/v2/zones/{z.id}"},
    }


@route(r"/dns/v2/zones")
def zones(req: Request) -> Result:
    cloud = req.cloud
    everyone, own = _all_projects(req), _own_project(req)
    wanted = {k: req.arg(k) for k in ("status", "type", "name") if req.arg(k) is not None}
    with cloud.lock:
        listed = [
            zone_body(req, z)
            for z in sorted(cloud.zones, key=lambda z: (z.created_at, z.id))
            if (everyone or z.project_id == own)
            and all(str(getattr(z, k)) == v for k, v in wanted.items())
        ]
    status, body = _paged(req, "zones", listed, "/dns/v2/zones")
    if status == 200:
        body["metadata"] = {"total_count": len(listed)}
    return status, body


@route(r"/dns/v2/quotas/([0-9a-f]{32})")
def quotas(req: Request, project_id: str) -> Result:
    # designate central get_quotas: another project's quotas need all-projects scope.
    if project_id != _own_project(req) and not _all_projects(req):
        return 403, {"code": 403, "type": "forbidden", "message": "Forbidden"}
    return 200, req.cloud.dns_quota(project_id)
