"""Compute (Nova): its catalog entry and version documents, its part of the cloud's state and
changes, and its routes: services, flavors, aggregates, servers, migrations, groups, quotas."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exporter.demo import bodies
from exporter.demo.capacity import Flavor, Migration, Server
from exporter.demo.routes import (
    NOT_FOUND,
    Request,
    Result,
    Service,
    changes_since,
    filter_by,
    offer,
    quota_set,
    route,
)

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud

COMPUTE_MAX = "2.100"
NOVA_MAX_LIMIT = 1000  # Nova's [api]max_limit default: the largest page it returns


@dataclass(slots=True)
class ComputeService:
    legacy_id: int
    id: str
    binary: str
    host: str
    zone: str
    state: str = "up"
    status: str = "enabled"
    disabled_reason: str | None = None
    forced_down: bool = False
    # Heartbeat of a service that is down; an up service's heartbeat is "a few seconds ago".
    down_since: float | None = None


class ComputeState:
    """DemoCloud's compute part: nova services, flavors, servers and their moves."""

    def add_compute_service(self, binary: str, host: str, zone: str) -> ComputeService:
        with self.lock:
            svc = ComputeService(len(self.compute_services) + 1, self._uuid(), binary, host, zone)
            self.compute_services.append(svc)
            return svc

    def compute_service(self, host: str, binary: str = "nova-compute") -> ComputeService:
        with self.lock:
            return next(s for s in self.compute_services if s.host == host and s.binary == binary)

    def set_compute_service(
        self, host: str, binary: str = "nova-compute", **changes: object
    ) -> None:
        with self.lock:
            svc = self.compute_service(host, binary)
            for key, value in changes.items():
                setattr(svc, key, value)
            if changes.get("state") == "down" and svc.down_since is None:
                svc.down_since = self.now()
            if changes.get("state") == "up":
                svc.down_since = None
            if "status" in changes and svc.binary == "nova-compute":
                # nova-compute mirrors a disabled service as this trait on its provider.
                root = self.provider_by_name(host)
                if root is not None:
                    if svc.status == "disabled":
                        root.traits.add("COMPUTE_STATUS_DISABLED")
                    else:
                        root.traits.discard("COMPUTE_STATUS_DISABLED")
                    root.generation += 1  # a trait write moves the generation

    def flavor(self, name: str) -> Flavor:
        return next(f for f in self.flavors if f.name == name)

    def boot(
        self,
        flavor_name: str,
        host: str,
        project_id: str,
        *,
        user_id: str = "",
        created: float | None = None,
    ) -> Server | None:
        """Place a server on ``host`` with Placement allocations, if it fits; else None."""
        with self.lock:
            flavor = self.flavor(flavor_name)
            alloc = self._claim(host, flavor.placement_request())
            if alloc is None:
                return None
            when = self.now() if created is None else created
            server = Server(
                self._uuid(),
                f"vm-{len(self.servers) + 1:05d}",
                project_id,
                user_id or self.user_id.replace("-", ""),
                flavor.id,
                host,
                created=when,
                updated=when,
            )
            self.servers.append(server)
            self.allocations[server.id] = alloc
            self._account(alloc, +1)
            return server

    def delete_server(self, server_id: str) -> None:
        with self.lock:
            gone = [s for s in self.servers if s.id == server_id]
            self.servers = [s for s in self.servers if s.id != server_id]
            for s in gone:
                s.status, s.task_state, s.vm_state = "DELETED", None, "deleted"
                s.updated = self.now()
                self.deleted_servers.append(s)
            self._account(self.allocations.pop(server_id, {}), -1)

    def set_server(self, server_id: str, **changes: object) -> Server:
        """Change a server's fields as Nova would, which also moves its ``updated``."""
        with self.lock:
            server = next(s for s in self.servers if s.id == server_id)
            for key, value in changes.items():
                setattr(server, key, value)
            if "updated" not in changes:
                server.updated = self.now()
            return server

    def migrate(
        self,
        server_id: str,
        dest: str,
        *,
        flavor_name: str | None = None,
        finish: bool = True,
        migration_type: str = "live-migration",
    ) -> Migration | None:
        """Move (or resize) a server as Nova does: the migration record takes over the source
        allocations (a write, so the source's generation moves), the server claims on ``dest``;
        finishing deletes the migration's allocations (no generation change). A resize that is
        not finished waits in VERIFY_RESIZE for ``confirm``. None if it does not fit."""
        with self.lock:
            server = next(s for s in self.servers if s.id == server_id)
            old = next(f for f in self.flavors if f.id == server.flavor_id)
            new = self.flavor(flavor_name) if flavor_name else old
            claim = self._claim(dest, new.placement_request())
            if claim is None or server.host is None:
                return None
            now = self.now()
            migration = Migration(
                len(self.migrations) + 1,
                self._uuid(),
                server.id,
                server.host,
                dest,
                "resize" if flavor_name else migration_type,
                "running",
                old.id,
                new.id,
                now,
                now,
            )
            self.migrations.append(migration)
            source_alloc = self.allocations.pop(server.id, {})
            self.allocations[migration.uuid] = source_alloc
            self._account(source_alloc, -1)
            self._account(source_alloc, +1)  # rewritten under the migration's uuid
            self.allocations[server.id] = claim
            self._account(claim, +1)
            server.host, server.flavor_id = dest, new.id
            if migration.migration_type == "resize":
                migration.status = "finished"
                server.status, server.vm_state, server.task_state = "VERIFY_RESIZE", "resized", None
            else:
                server.task_state = "migrating"
            server.updated = now
            if finish:
                self.confirm(migration.uuid)
            return migration

    def confirm(self, migration_uuid: str) -> None:
        """Finish a migration (confirm a resize): its allocations on the source go."""
        with self.lock:
            migration = next(m for m in self.migrations if m.uuid == migration_uuid)
            self._account(self.allocations.pop(migration.uuid, {}), -1)
            now = self.now()
            migration.status = "confirmed" if migration.migration_type == "resize" else "completed"
            migration.updated = now
            server = next((s for s in self.servers if s.id == migration.server_id), None)
            if server is not None:
                server.status, server.vm_state, server.task_state = "ACTIVE", "active", None
                server.updated = now

    def delete_flavor(self, name: str) -> None:
        with self.lock:
            self.flavors = [f for f in self.flavors if f.name != name]

    def compute_quota_usage(self, project_id: str) -> dict[str, int]:
        """In-use figures as Nova's quota API reports them."""
        with self.lock:
            mine = [s for s in self.servers if s.project_id == project_id]
            flavors = {f.id: f for f in self.flavors}
            return {
                "instances": len(mine),
                "cores": sum(flavors[s.flavor_id].vcpus for s in mine if s.flavor_id in flavors),
                "ram": sum(flavors[s.flavor_id].ram for s in mine if s.flavor_id in flavors),
                "server_groups": sum(1 for p in self.server_groups.values() if p == project_id),
                "key_pairs": 0,
                "metadata_items": 0,
                "server_group_members": 0,
            }


# -- catalog entry and version documents -----------------------------------------------------------


def compute_versions(base: str) -> dict[str, Any]:
    return {
        "versions": [
            {
                "id": "v2.0",
                "links": [{"href": f"{base}/compute/v2/", "rel": "self"}],
                "status": "DEPRECATED",
                "version": "",
                "min_version": "",
                "updated": "2025-07-04T12:00:00Z",
            },
            compute_version(base)["version"],
        ]
    }


def compute_version(base: str) -> dict[str, Any]:
    return {
        "version": {
            "id": "v2.1",
            "links": [{"href": f"{base}/compute/v2.1/", "rel": "self"}],
            "status": "CURRENT",
            "version": COMPUTE_MAX,
            "min_version": "2.1",
            "updated": "2013-07-23T11:33:21Z",
        }
    }


def _version_documents(base: str) -> dict[str, Any]:
    return {"/compute": compute_versions(base), "/compute/v2.1": compute_version(base)}


SERVICE = offer(
    Service(
        "compute",
        "nova",
        "/compute/v2.1",
        "compute",
        _version_documents,
        ComputeState,
        microversions=("2.1", COMPUTE_MAX),
        legacy_header="X-OpenStack-Nova-API-Version",
    )
)


# -- routes --------------------------------------------------------------------------------------


def services_body(cloud: DemoCloud, microversion: tuple[int, int]) -> dict[str, Any]:
    """os-services: ``forced_down`` from 2.11, UUID ids from 2.53 (nova api-ref)."""
    now = time.time()
    out = []
    with cloud.lock:
        for s in cloud.compute_services:
            body: dict[str, Any] = {
                "id": s.id if microversion >= (2, 53) else s.legacy_id,
                "binary": s.binary,
                "disabled_reason": s.disabled_reason,
                "host": s.host,
                "state": s.state,
                "status": s.status,
                "updated_at": bodies.nova_time(bodies.heartbeat(s.down_since, now)),
            }
            if microversion >= (2, 11):
                body["forced_down"] = s.forced_down
            body["zone"] = s.zone
            out.append(body)
    return {"services": out}


@route(r"/compute/v2\.1/os-services")
def compute_services(req: Request) -> Result:
    body = services_body(req.cloud, req.microversion)
    return 200, {"services": filter_by(body["services"], req, "host", "binary")}


def _flavor_body(req: Request, f: Any) -> dict[str, Any]:
    href = f"{req.base}/compute/v2.1/flavors/{f.id}"
    body: dict[str, Any] = {
        "OS-FLV-DISABLED:disabled": False,
        "disk": f.disk,
        "OS-FLV-EXT-DATA:ephemeral": f.ephemeral,
        "os-flavor-access:is_public": f.is_public,
        "id": f.id,
        "links": [{"href": href, "rel": "self"}, {"href": href, "rel": "bookmark"}],
        "name": f.name,
        "ram": f.ram,
        "swap": f.swap if f.swap else ("" if req.microversion < (2, 75) else 0),
        "vcpus": f.vcpus,
        "rxtx_factor": 1.0,
    }
    if req.microversion >= (2, 55):
        body["description"] = f.description
    if req.microversion >= (2, 61):
        body["extra_specs"] = dict(f.extra_specs)
    return body


@route(r"/compute/v2\.1/flavors/detail")
def flavors(req: Request) -> Result:
    # Nova lists public flavors unless an admin asks for is_public=None (all) or False.
    want = (req.arg("is_public") or "true").lower()
    with req.cloud.lock:
        items = [
            f
            for f in req.cloud.flavors
            if want == "none" or f.is_public == (want in ("true", "1", "yes"))
        ]
        return 200, {"flavors": [_flavor_body(req, f) for f in items]}


@route(r"/compute/v2\.1/flavors/([^/]+)/os-extra_specs")
def extra_specs(req: Request, flavor_id: str) -> Result:
    flavor = next((f for f in req.cloud.flavors if f.id == flavor_id), None)
    return (200, {"extra_specs": dict(flavor.extra_specs)}) if flavor else NOT_FOUND


@route(r"/compute/v2\.1/os-aggregates")
def aggregates(req: Request) -> Result:
    out = []
    with req.cloud.lock:
        for a in req.cloud.aggregates:
            body = {
                "availability_zone": a.zone,
                "created_at": "2026-01-05T10:00:00.000000",
                "deleted": False,
                "deleted_at": None,
                "hosts": list(a.hosts),
                "id": a.id,
                "metadata": dict(a.metadata),
                "name": a.name,
                "updated_at": None,
            }
            if req.microversion >= (2, 41):
                body["uuid"] = a.uuid
            out.append(body)
    return 200, {"aggregates": out}


def _server_body(req: Request, s: Server) -> dict[str, Any]:
    href = f"{req.base}/compute/v2.1/servers/{s.id}"
    flavor = next((f for f in req.cloud.flavors if f.id == s.flavor_id), None)
    body: dict[str, Any] = {
        "OS-DCF:diskConfig": "AUTO",
        "OS-EXT-AZ:availability_zone": _zone_of(req.cloud, s.host),
        "OS-EXT-SRV-ATTR:host": s.host,
        "OS-EXT-SRV-ATTR:hypervisor_hostname": s.host,
        "OS-EXT-SRV-ATTR:instance_name": f"instance-{s.id[:8]}",
        "OS-EXT-STS:power_state": 1 if s.status == "ACTIVE" else 4,
        "OS-EXT-STS:task_state": s.task_state,
        "OS-EXT-STS:vm_state": s.vm_state,
        "OS-SRV-USG:launched_at": bodies.nova_time(s.created) if s.host else None,
        "OS-SRV-USG:terminated_at": None,
        "accessIPv4": "",
        "accessIPv6": "",
        "addresses": {},
        "config_drive": "",
        "created": bodies.nova_time(s.created).split(".")[0] + "Z",
        "flavor": {"id": s.flavor_id, "links": []}
        if req.microversion < (2, 47)
        else {
            "disk": flavor.disk if flavor else 0,
            "ephemeral": 0,
            "extra_specs": dict(flavor.extra_specs) if flavor else {},
            "original_name": flavor.name if flavor else "",
            "ram": flavor.ram if flavor else 0,
            "swap": 0,
            "vcpus": flavor.vcpus if flavor else 0,
        },
        # Nova's hostId: sha224 of project and host, so it hides the host name from users.
        "hostId": hashlib.sha224(f"{s.project_id}{s.host}".encode()).hexdigest() if s.host else "",
        "id": s.id,
        "image": {"id": "70a599e0-31e7-49b7-b260-868f441e862b", "links": []},
        "key_name": None,
        "links": [{"href": href, "rel": "self"}, {"href": href, "rel": "bookmark"}],
        "metadata": {},
        "name": s.name,
        "os-extended-volumes:volumes_attached": [],
        "progress": 0,
        "security_groups": [{"name": "default"}],
        "status": s.status,
        "tenant_id": s.project_id,
        "updated": bodies.nova_time(s.updated).split(".")[0] + "Z",
        "user_id": s.user_id,
    }
    mv = req.microversion
    if mv >= (2, 3):  # admin-only extended attributes
        body.update(
            {
                "OS-EXT-SRV-ATTR:hostname": s.name,
                "OS-EXT-SRV-ATTR:kernel_id": "",
                "OS-EXT-SRV-ATTR:launch_index": 0,
                "OS-EXT-SRV-ATTR:ramdisk_id": "",
                "OS-EXT-SRV-ATTR:reservation_id": f"r-{s.id[:8]}",
                "OS-EXT-SRV-ATTR:root_device_name": "/dev/sda",
                "OS-EXT-SRV-ATTR:user_data": None,
            }
        )
    if mv >= (2, 9):
        body["locked"] = False
    if mv >= (2, 16):
        body["host_status"] = "UP" if s.host else ""
    if mv >= (2, 19):
        body["description"] = None
    if mv >= (2, 26):
        body["tags"] = []
    if mv >= (2, 63):
        body["trusted_image_certificates"] = None
    if mv >= (2, 73):
        body["locked_reason"] = None
    if mv >= (2, 96):
        body["pinned_availability_zone"] = None
    if mv >= (2, 100):
        body["scheduler_hints"] = {}
    return body


def _zone_of(cloud: DemoCloud, host: str | None) -> str:
    return next((a.zone for a in cloud.aggregates if a.zone and host in a.hosts), "")


@route(r"/compute/v2\.1/servers/detail")
def servers(req: Request) -> Result:
    """Paginated like Nova: at most ``limit`` (≤ max_limit) per page, a next link with a marker."""
    limit = min(int(req.arg("limit") or NOVA_MAX_LIMIT), NOVA_MAX_LIMIT)
    marker = req.arg("marker")
    since = changes_since(req)
    if since == "bad":
        return 400, {"badRequest": {"code": 400, "message": "Invalid changes-since value"}}
    with req.cloud.lock:
        items = list(req.cloud.servers)
        if since is not None:
            # Nova: with changes-since, servers updated at or after it, deleted ones included.
            items = [s for s in items + req.cloud.deleted_servers if int(s.updated) >= since]
        if req.arg("all_tenants") not in ("1", "True", "true") and req.arg("all_projects") is None:
            items = [s for s in items if s.project_id == req.cloud.project_id.replace("-", "")]
        start = 0
        if marker:
            ids = [s.id for s in items]
            if marker not in ids:
                return 400, {"badRequest": {"code": 400, "message": f"marker [{marker}] not found"}}
            start = ids.index(marker) + 1
        page = items[start : start + limit]
        body: dict[str, Any] = {"servers": [_server_body(req, s) for s in page]}
    if start + limit < len(items):
        query = "&".join(f"{k}={v[-1]}" for k, v in req.query.items() if k != "marker")
        body["servers_links"] = [
            {
                "href": f"{req.base}/compute/v2.1/servers/detail?{query}&marker={page[-1].id}",
                "rel": "next",
            }
        ]
    return 200, body


@route(r"/compute/v2\.1/os-quota-sets/([0-9a-f]{32})(/detail)?")
def compute_quota(req: Request, project_id: str, detail: str | None) -> Result:
    # Nova answers for any project id, known to Keystone or not, with the defaults.
    body = quota_set(req, "compute", project_id, bool(detail))
    return 200, {"quota_set": {"id": project_id, **body}}


@route(r"/compute/v2\.1/os-server-groups")
def server_groups(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "id": gid,
                "name": f"group-{gid[:6]}",
                "policy": "anti-affinity",
                "rules": {},
                "members": [],
                "project_id": pid,
                "user_id": "u",
                "metadata": {},
            }
            for gid, pid in req.cloud.server_groups.items()
        ]
    # Nova pages this list by offset and limit (capped at max_limit), with no next link.
    offset = int(req.arg("offset") or 0)
    limit = min(int(req.arg("limit") or NOVA_MAX_LIMIT), NOVA_MAX_LIMIT)
    return 200, {"server_groups": items[offset : offset + limit]}


@route(r"/compute/v2\.1/os-migrations")
def migrations(req: Request) -> Result:
    """Newest first and paged by uuid marker from 2.59, filtered by changes-since, as Nova."""
    since = changes_since(req)
    if since == "bad":
        return 400, {"badRequest": {"code": 400, "message": "Invalid changes-since value"}}
    limit = min(int(req.arg("limit") or NOVA_MAX_LIMIT), NOVA_MAX_LIMIT)
    with req.cloud.lock:
        items = sorted(req.cloud.migrations, key=lambda m: m.id, reverse=True)
        if since is not None:
            items = [m for m in items if int(m.updated) >= since]
        start = 0
        marker = req.arg("marker")
        if marker:
            ids = [m.uuid for m in items]
            if marker not in ids:
                return 400, {"badRequest": {"code": 400, "message": f"marker {marker} not found"}}
            start = ids.index(marker) + 1
        page = items[start : start + limit]
        out = [_migration_body(req, m) for m in page]
    body: dict[str, Any] = {"migrations": out}
    if req.microversion >= (2, 59) and start + limit < len(items):
        query = "&".join(f"{k}={v[-1]}" for k, v in req.query.items() if k != "marker")
        body["migrations_links"] = [
            {
                "href": f"{req.base}/compute/v2.1/os-migrations?{query}&marker={page[-1].uuid}",
                "rel": "next",
            }
        ]
    return 200, body


def _migration_body(req: Request, m: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "created_at": bodies.nova_time(m.created),
        "dest_compute": m.dest,
        "dest_host": "192.0.2.10",
        "dest_node": m.dest,
        "id": m.id,
        "instance_uuid": m.server_id,
        "new_instance_type_id": int(m.new_flavor_id) if m.new_flavor_id.isdigit() else 0,
        "old_instance_type_id": int(m.old_flavor_id) if m.old_flavor_id.isdigit() else 0,
        "source_compute": m.source,
        "source_node": m.source,
        "status": m.status,
        "updated_at": bodies.nova_time(m.updated),
    }
    if req.microversion >= (2, 23):
        body["migration_type"] = m.migration_type
    if req.microversion >= (2, 59):
        body["uuid"] = m.uuid
    return body


@route(r"/compute/v2\.1/servers")
def servers_list(req: Request) -> Result:
    status, body = servers(req)
    if status != 200:
        return status, body
    body["servers"] = [
        {"id": s["id"], "name": s["name"], "links": s["links"]} for s in body["servers"]
    ]
    if "servers_links" in body:
        body["servers_links"][0]["href"] = body["servers_links"][0]["href"].replace(
            "/servers/detail?", "/servers?"
        )
    return 200, body
