"""Block storage (Cinder): its catalog entry and version documents, its part of the cloud's
state, and its routes: services, pools, volumes, snapshots, backups, quotas."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from exporter.demo import bodies
from exporter.demo.routes import (
    NOT_FOUND,
    Request,
    Result,
    Service,
    filter_by,
    offer,
    paged,
    quota_set,
    route,
)

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud

VOLUME_MAX = "3.71"


@dataclass(slots=True)
class VolumeService:
    binary: str
    host: str
    zone: str
    cluster: str | None = None
    state: str = "up"
    status: str = "enabled"
    disabled_reason: str | None = None
    down_since: float | None = None


class BlockStorageState:
    """DemoCloud's block storage part: cinder services, pools, volumes and their copies."""

    def remove_pool(self, name: str) -> None:
        with self.lock:
            self.pools = [p for p in self.pools if p.name != name]

    def block_storage_quota_usage(self, project_id: str) -> dict[str, int]:
        """In-use figures as Cinder's quota API reports them."""
        with self.lock:
            vols = [v for v in self.volumes if v.project_id == project_id]
            snaps = [s for s in self.snapshots if s.project_id == project_id]
            backups = [b for b in self.backups if b.project_id == project_id]
            usage = {
                "volumes": len(vols),
                # Cinder's gigabytes counts snapshots too (no_snapshot_gb_quota=False).
                "gigabytes": sum(v.size for v in vols) + sum(s.size for s in snaps),
                "snapshots": len(snaps),
                "backups": len(backups),
                "backup_gigabytes": sum(b.size for b in backups),
                "per_volume_gigabytes": 0,
                "groups": 0,
            }
            for vtype in ("lvm", "ceph"):
                usage[f"volumes_{vtype}"] = sum(1 for v in vols if v.volume_type == vtype)
                usage[f"gigabytes_{vtype}"] = sum(
                    v.size for v in vols if v.volume_type == vtype
                ) + sum(s.size for s in snaps if s.volume_type == vtype)
                usage[f"snapshots_{vtype}"] = sum(1 for s in snaps if s.volume_type == vtype)
            return usage


# -- catalog entry and version documents -----------------------------------------------------------


def volume_versions(base: str) -> dict[str, Any]:
    return {
        "versions": [
            {
                "id": "v3.0",
                "links": [
                    {
                        "href": "https://docs.openstack.org/",
                        "rel": "describedby",
                        "type": "text/html",
                    },
                    {"href": f"{base}/volume/v3/", "rel": "self"},
                ],
                "media-types": [
                    {
                        "base": "application/json",
                        "type": "application/vnd.openstack.volume+json;version=3",
                    }
                ],
                "min_version": "3.0",
                "status": "CURRENT",
                "updated": "2022-08-31T00:00:00Z",
                "version": VOLUME_MAX,
            }
        ]
    }


SERVICE = offer(
    Service(
        "block-storage",
        "cinder",
        "/volume/v3",
        "volume",
        lambda base: {"/volume": volume_versions(base), "/volume/v3": volume_versions(base)},
        BlockStorageState,
        microversions=("3.0", VOLUME_MAX),
    )
)


# -- routes ----------------------------------------------------------------------------------------


def services_body(cloud: DemoCloud, microversion: tuple[int, int]) -> dict[str, Any]:
    """os-services: ``cluster`` from 3.7, ``backend_state`` from 3.49 (cinder api-ref)."""
    now = time.time()
    out = []
    with cloud.lock:
        for s in cloud.volume_services:
            body: dict[str, Any] = {}
            if s.binary == "cinder-volume":
                body["active_backend_id"] = None
                if microversion >= (3, 49):
                    body["backend_state"] = "up" if s.state == "up" else "down"
            body["binary"] = s.binary
            if microversion >= (3, 7):
                body["cluster"] = s.cluster
            body["disabled_reason"] = s.disabled_reason
            if s.binary == "cinder-volume":
                body["frozen"] = False
            body["host"] = s.host
            if s.binary == "cinder-volume":
                body["replication_status"] = "disabled"
            body["state"] = s.state
            body["status"] = s.status
            body["updated_at"] = bodies.nova_time(bodies.heartbeat(s.down_since, now))
            body["zone"] = s.zone
            out.append(body)
    return {"services": out}


@route(r"/volume/v3(?:/[0-9a-f]{32})?/os-services")
def volume_services(req: Request) -> Result:
    body = services_body(req.cloud, req.microversion)
    return 200, {"services": filter_by(body["services"], req, "host", "binary")}


@route(r"/volume/v3(?:/[0-9a-f]{32})?/scheduler-stats/get_pools")
def pools(req: Request) -> Result:
    out = []
    with req.cloud.lock:
        for p in req.cloud.pools:
            backend = p.name.split("@")[1].split("#")[0]
            caps: dict[str, Any] = {
                "updated": bodies.nova_time(time.time()),
                "total_capacity_gb": p.total_gb,
                "free_capacity_gb": p.free_gb,
                "volume_backend_name": backend,
                "reserved_percentage": p.reserved_percentage,
                "driver_version": p.driver_version,
                "storage_protocol": p.protocol,
                "QoS_support": False,
                "vendor_name": p.vendor,
                "allocated_capacity_gb": p.allocated_gb,
                "provisioned_capacity_gb": p.provisioned_gb,
                "max_over_subscription_ratio": str(p.max_over_subscription_ratio),
                "thin_provisioning_support": p.thin,
                "thick_provisioning_support": p.thick,
            }
            out.append({"name": p.name, "capabilities": caps})
    return 200, {"pools": out}


@route(r"/volume/v3(?:/[0-9a-f]{32})?/os-quota-sets/([0-9a-f]{32})")
def volume_quota(req: Request, project_id: str) -> Result:
    usage = (req.arg("usage") or "").lower() == "true"
    body = quota_set(req, "block_storage", project_id, usage)
    return 200, {"quota_set": {"id": project_id, **body}}


def _all_projects(req: Request) -> bool:
    return (req.arg("all_tenants") or req.arg("all_projects") or "").lower() in ("1", "true")


@route(r"/volume/v3(?:/[0-9a-f]{32})?/volumes/summary")
def volume_summary(req: Request) -> Result:
    """Cinder 3.12: the count and size of the volumes (all projects' for an admin asking)."""
    cloud = req.cloud
    if req.microversion < (3, 12):
        return NOT_FOUND
    with cloud.lock:
        mine = [v for v in cloud.volumes if _all_projects(req) or v.project_id == cloud.project_id]
        body = {"total_count": len(mine), "total_size": sum(v.size for v in mine)}
    if req.microversion >= (3, 36):
        body["metadata"] = {}
    return 200, {"volume-summary": body}


@route(r"/volume/v3(?:/[0-9a-f]{32})?/volumes/detail")
def volumes(req: Request) -> Result:
    cloud = req.cloud
    with cloud.lock:
        items = [
            {
                "id": v.id,
                "name": v.name,
                "size": v.size,
                "volume_type": v.volume_type,
                "status": v.status,
                "os-vol-tenant-attr:tenant_id": v.project_id,
                "attachments": (
                    [
                        {
                            "server_id": v.server_id,
                            "volume_id": v.id,
                            "attachment_id": v.id[::-1],
                            "device": "/dev/vdb",
                        }
                    ]
                    if v.server_id
                    else []
                ),
                "created_at": bodies.nova_time(v.created),
                "updated_at": bodies.nova_time(v.updated),
                "bootable": "false",
                "availability_zone": "nova",
                "multiattach": False,
                "encrypted": False,
                "metadata": {},
                "user_id": cloud.user_id.replace("-", ""),
                "description": None,
                "links": [],
                "source_volid": None,
                "snapshot_id": None,
                "os-vol-host-attr:host": "stor-01@lvm#lvm",
                "replication_status": None,
                "consistencygroup_id": None,
                "os-vol-mig-status-attr:migstat": None,
                "os-vol-mig-status-attr:name_id": None,
            }
            for v in cloud.volumes
            if _all_projects(req) or v.project_id == cloud.project_id
        ]
    if req.microversion >= (3, 60):
        try:
            items = [v for v in items if _time_filters_match(req, v)]
        except ValueError as exc:
            return 400, {"badRequest": {"code": 400, "message": str(exc)}}
    return paged(req, "volumes", items, "/volume/v3/volumes/detail")


_TIME_OPS = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _time_filters_match(req: Request, item: dict[str, Any]) -> bool:
    """Cinder's time comparison filters (3.60): ``updated_at=gt:<ISO time>,lt:<…>``; the
    comparisons of one field are ORed (cinder/db/sqlalchemy/api.py), the fields ANDed; a null
    field matches nothing. Whole seconds, as Cinder stores them."""
    for key in ("updated_at", "created_at"):
        value = req.arg(key)
        if value is None:
            continue
        stamp = item.get(key)
        if stamp is None:
            return False
        have = int(datetime.fromisoformat(stamp).replace(tzinfo=UTC).timestamp())
        matched = False
        for part in value.split(","):
            op, _, when = part.partition(":")
            if op not in _TIME_OPS:
                raise ValueError(f"Invalid {op} operator")
            try:
                parsed = datetime.fromisoformat(when.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"Invalid {when} value") from None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            matched = matched or _TIME_OPS[op](have, int(parsed.timestamp()))
        if not matched:
            return False
    return True


@route(r"/volume/v3(?:/[0-9a-f]{32})?/snapshots/detail")
def snapshots(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "id": s.id,
                "volume_id": s.volume_id,
                "size": s.size,
                "status": s.status,
                "name": None,
                "description": None,
                "metadata": {},
                "os-extended-snapshot-attributes:project_id": s.project_id,
                "os-extended-snapshot-attributes:progress": "100%",
                "created_at": bodies.nova_time(s.created),
                "updated_at": bodies.nova_time(s.updated),
            }
            for s in req.cloud.snapshots
        ]
    return paged(req, "snapshots", items, "/volume/v3/snapshots/detail")


@route(r"/volume/v3(?:/[0-9a-f]{32})?/backups/detail")
def backups(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "id": b.id,
                "volume_id": b.volume_id,
                "size": b.size,
                "status": b.status,
                "name": None,
                "description": None,
                "availability_zone": "nova",
                "container": "volumebackups",
                "fail_reason": None,
                "has_dependent_backups": False,
                "is_incremental": False,
                "object_count": 1,
                "links": [],
                "snapshot_id": None,
                "data_timestamp": bodies.nova_time(b.created),
                "os-backup-project-attr:project_id": b.project_id,
                "created_at": bodies.nova_time(b.created),
                "updated_at": bodies.nova_time(b.updated),
            }
            for b in req.cloud.backups
        ]
    return paged(req, "backups", items, "/volume/v3/backups/detail")
