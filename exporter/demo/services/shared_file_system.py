"""Shared file systems (Manila v2): its catalog entry and version documents, its part of the
cloud's state (services, back-end pools, shares and their instances, quotas), its routes, and
its seeded start.

Bodies follow manila's view builders (``api/views/{services,scheduler_stats,shares,
share_instance,quota_sets}.py``) microversion by microversion, as the real server builds them
for an admin. Like Manila, the demo reads only ``X-OpenStack-Manila-API-Version`` (no header:
2.0), refuses a version above its maximum with 406, stores each service's ``state`` as the
service last wrote it (a killed service keeps ``up``; only ``updated_at`` stops), lists only the
pools of share services that are up and enabled, and pages the share list by ``limit`` and
``offset`` alone: its next link carries a ``marker`` that it ignores, as Manila does.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exporter.demo import bodies
from exporter.demo.routes import NOT_FOUND, Request, Result, Service, offer, route

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud

MANILA_MAX = "2.99"
# Manila's [DEFAULT] service_down_time: the scheduler drops a share service silent for longer.
SERVICE_DOWN_TIME = 60.0
# manila/quota.py defaults, and the microversion each quota appears at (views/quota_sets.py).
QUOTA_DEFAULTS = {
    "shares": 50,
    "gigabytes": 1000,
    "snapshots": 50,
    "snapshot_gigabytes": 1000,
    "share_networks": 10,
    "share_groups": 50,
    "share_group_snapshots": 50,
    "share_replicas": 100,
    "replica_gigabytes": 1000,
    "per_share_gigabytes": -1,
    "backups": 10,
    "backup_gigabytes": 1000,
    "encryption_keys": 100,
}
QUOTA_SINCE = {
    "share_groups": (2, 40),
    "share_group_snapshots": (2, 40),
    "share_replicas": (2, 53),
    "replica_gigabytes": (2, 53),
    "per_share_gigabytes": (2, 62),
    "backups": (2, 80),
    "backup_gigabytes": (2, 80),
    "encryption_keys": (2, 90),
}
# One share type per back end: (id, name).
SHARE_TYPES = {
    "cephfs": ("3f1a6c0e-2d0c-4d27-9d7b-6f1f0a1c0001", "cephfs"),
    "netapp": ("3f1a6c0e-2d0c-4d27-9d7b-6f1f0a1c0002", "netapp-thin"),
    "glusterfs": ("3f1a6c0e-2d0c-4d27-9d7b-6f1f0a1c0003", "glusterfs"),
    "generic": ("3f1a6c0e-2d0c-4d27-9d7b-6f1f0a1c0004", "generic"),
    "lvm": ("3f1a6c0e-2d0c-4d27-9d7b-6f1f0a1c0005", "lvm"),
}


@dataclass(slots=True)
class ManilaService:
    id: int
    binary: str
    host: str
    zone: str = "nova"
    state: str = "up"  # as the service last wrote it into its row
    status: str = "enabled"
    disabled_reason: str | None = None
    # Set when the service stops reporting (killed, stopped): updated_at stays there.
    silent_since: float | None = None


@dataclass(slots=True)
class SharePool:
    name: str  # host@backend#pool
    total: float | str  # GiB, or "unknown"
    free: float | str
    allocated: float
    provisioned: float | None  # None: the driver does not report it
    reserved_percentage: int
    thin: bool | list[bool]
    max_over_subscription_ratio: float | None
    protocol: str
    vendor: str
    driver_version: str = "1.0"
    dhss: bool = False


@dataclass(slots=True)
class ShareInstance:
    id: str
    status: str
    host: str
    created: float
    updated: float
    replica_state: str | None = None


@dataclass(slots=True)
class Share:
    id: str
    name: str
    project_id: str
    size: int
    backend: str  # a SHARE_TYPES key
    created: float
    instances: list[ShareInstance] = field(default_factory=list)
    task_state: str | None = None
    snapshots: int = 0  # each the share's size

    @property
    def status(self) -> str:
        # Manila: the share's status is its (first, active) instance's.
        return self.instances[0].status

    @property
    def host(self) -> str:
        return self.instances[0].host


class SharedFileSystemState:
    """DemoCloud's Manila part: services, pools, shares, quota overrides."""

    manila_services: list[ManilaService]
    share_pools: list[SharePool]
    shares: list[Share]
    # project -> resource -> limit; absent: QUOTA_DEFAULTS.
    share_quota_overrides: dict[str, dict[str, int]]
    share_networks: dict[str, int]  # project -> how many
    # Versions above this are refused with 406, as a Manila of that release does.
    manila_max: tuple[int, int]

    def manila_service(self, host: str, binary: str = "manila-share") -> ManilaService:
        return next(s for s in self.manila_services if s.host == host and s.binary == binary)

    def kill_share_service(self, host: str, binary: str = "manila-share") -> None:
        """The process dies without a word: its row keeps state up, updated_at stops."""
        with self.lock:
            self.manila_service(host, binary).silent_since = self.now()

    def stop_share_service(self, host: str, binary: str = "manila-share") -> None:
        """A clean stop: the service writes state stopped, then falls silent."""
        with self.lock:
            svc = self.manila_service(host, binary)
            svc.state, svc.silent_since = "stopped", self.now()

    def restart_share_service(self, host: str, binary: str = "manila-share") -> None:
        with self.lock:
            svc = self.manila_service(host, binary)
            svc.state, svc.silent_since = "up", None

    def share_heartbeat(self, svc: ManilaService, now: float) -> float:
        return bodies.heartbeat(svc.silent_since, now)

    def share(self, share_id: str) -> Share:
        return next(s for s in self.shares if s.id == share_id)

    def set_share(
        self, share_id: str, status: str | None = None, task_state: str | None = ""
    ) -> Share:
        """A share changes status (its active instance, stamped now) or task state."""
        with self.lock:
            share = self.share(share_id)
            if status is not None:
                share.instances[0].status = status
                share.instances[0].updated = self.now()
            if task_state != "":
                share.task_state = task_state
            return share

    def add_share(self, project_id: str, size: int, backend: str = "cephfs") -> Share:
        with self.lock:
            now = self.now()
            host = next(p.name for p in self.share_pools if f"@{backend}#" in p.name)
            share = Share(
                self._uuid(), f"share-{len(self.shares):04d}", project_id, size, backend, now
            )
            share.instances.append(ShareInstance(self._uuid(), "available", host, now, now))
            self.shares.append(share)
            return share

    def delete_share(self, share_id: str) -> None:
        with self.lock:
            self.shares = [s for s in self.shares if s.id != share_id]

    def set_share_quota(self, project_id: str, **limits: int) -> None:
        with self.lock:
            self.share_quota_overrides.setdefault(project_id, {}).update(limits)

    def share_quota_usage(self, project_id: str) -> dict[str, int]:
        """In-use figures as Manila's quota API reports them (every share counts, whatever its
        status, until it is deleted; gigabytes are the shares' sizes, snapshots apart)."""
        with self.lock:
            mine = [s for s in self.shares if s.project_id == project_id]
            usage = dict.fromkeys(QUOTA_DEFAULTS, 0)
            usage["shares"] = len(mine)
            usage["gigabytes"] = sum(s.size for s in mine)
            usage["snapshots"] = sum(s.snapshots for s in mine)
            usage["snapshot_gigabytes"] = sum(s.size * s.snapshots for s in mine)
            usage["share_networks"] = self.share_networks.get(project_id, 0)
            return usage

    def seed(self, rng: random.Random, hosts: int, projects: int) -> None:
        """Five share back ends (one killed, one disabled), their pools, and shares in a few
        projects (about one in 25 beyond admin and service, at least 3) with one of each
        problem; one project close to its gigabytes quota."""
        _seed(self, rng)  # type: ignore[arg-type]  # self is the DemoCloud this mixes into


# -- the seeded start ------------------------------------------------------------------------------


def _seed(cloud: DemoCloud, rng: random.Random) -> None:
    now = cloud.now()

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    cloud.manila_max = bodies.version_tuple(MANILA_MAX)
    cloud.share_quota_overrides = {}
    cloud.share_networks = {}
    cloud.manila_services = [
        ManilaService(1, "manila-scheduler", "ctl-01"),
        ManilaService(2, "manila-data", "ctl-01"),
        ManilaService(3, "manila-share", "shr-01@cephfs"),
        ManilaService(4, "manila-share", "shr-02@netapp"),
        ManilaService(5, "manila-share", "shr-03@glusterfs"),
        # Killed ten minutes ago: its row still says up.
        ManilaService(6, "manila-share", "shr-04@generic", silent_since=now - 600),
        ManilaService(
            7, "manila-share", "shr-05@lvm", status="disabled", disabled_reason="disk replacement"
        ),
    ]
    netapp = {"protocol": "NFS_CIFS", "vendor": "NetApp", "driver_version": "2.0", "dhss": True}
    plain = {"provisioned": None, "thin": False, "max_over_subscription_ratio": None}
    cloud.share_pools = [
        SharePool(
            "shr-01@cephfs#cephfs",
            20480.0,
            12288.0,
            7000.0,
            reserved_percentage=5,
            protocol="CEPHFS",
            vendor="Ceph",
            **plain,
        ),
        # Nearly full: 600 GiB of 10 TiB free.
        SharePool(
            "shr-02@netapp#aggr1",
            10240.0,
            600.0,
            9000.0,
            provisioned=60000.0,
            reserved_percentage=0,
            thin=True,
            max_over_subscription_ratio=10.0,
            **netapp,
        ),
        SharePool(
            "shr-02@netapp#aggr2",
            10240.0,
            8192.0,
            2000.0,
            provisioned=4000.0,
            reserved_percentage=5,
            thin=[True, False],
            max_over_subscription_ratio=20.0,
            **netapp,
        ),
        # GlusterFS-native cannot measure its volumes.
        SharePool(
            "shr-03@glusterfs#glusterfs",
            "unknown",
            "unknown",
            300.0,
            reserved_percentage=0,
            protocol="GLUSTERFS",
            vendor="Red Hat",
            **plain,
        ),
        SharePool(
            "shr-04@generic#GENERIC",
            2048.0,
            1024.0,
            1024.0,
            reserved_percentage=0,
            protocol="NFS_CIFS",
            vendor="Open Source",
            dhss=True,
            **plain,
        ),
        SharePool(
            "shr-05@lvm#lvm",
            4096.0,
            4000.0,
            96.0,
            reserved_percentage=0,
            protocol="NFS",
            vendor="Open Source",
            **plain,
        ),
    ]
    cloud.shares = []
    candidates = [p.id for p in cloud.projects[2:]] or [p.id for p in cloud.projects]
    owners = candidates[: min(len(candidates), max(3, len(candidates) // 25))]
    listed = [p.name for p in cloud.share_pools[:4]]

    def add(
        project: str,
        status: str,
        age: float,
        *,
        size: int | None = None,
        host: str | None = None,
        task_state: str | None = None,
    ) -> Share:
        host = host or rng.choice(listed)
        backend = host.split("@")[1].split("#")[0]
        created = now - age - rng.randint(60, 86400)
        share = Share(
            new_id(),
            f"share-{len(cloud.shares):04d}",
            project,
            size or rng.choice((1, 5, 10, 50, 100, 200)),
            backend,
            created,
            task_state=task_state,
            snapshots=rng.choice((0, 0, 0, 1)),
        )
        share.instances.append(ShareInstance(new_id(), status, host, created, now - age))
        cloud.shares.append(share)
        return share

    for project in owners:
        cloud.share_networks[project] = 1
        for _ in range(rng.randint(1, 3)):
            add(project, "available", rng.randint(3600, 30 * 86400))
    first, second, third = owners[0], owners[1 % len(owners)], owners[2 % len(owners)]
    add(first, "error", 2 * 86400)
    add(second, "extending_error", 3 * 3600)
    add(third, "error_deleting", 5 * 86400)
    add(first, "creating", 3 * 3600, host="shr-01@cephfs#cephfs")
    add(second, "deleting", 300)  # recent: not stuck
    # Migrating for three hours, within the one-day threshold of migrations.
    moving = add(
        third,
        "migrating",
        3 * 3600,
        host="shr-02@netapp#aggr1",
        task_state="migration_driver_in_progress",
    )
    moving.instances.append(
        ShareInstance(
            new_id(), "migrating_to", "shr-02@netapp#aggr2", now - 3 * 3600, now - 3 * 3600
        )
    )
    add(first, "available", 86400, task_state="migration_error")
    # The first owner is close to its gigabytes quota.
    used = sum(s.size for s in cloud.shares if s.project_id == first)
    cloud.share_quota_overrides[first] = {"gigabytes": used + max(1, math.ceil(used / 20))}


# -- catalog entry and version documents -----------------------------------------------------------


def _version(base: str, major: int) -> dict[str, Any]:
    current = major == 2
    return {
        "status": "CURRENT" if current else "DEPRECATED",
        "updated": "2015-08-27T11:33:21Z",
        "links": [
            {"href": "http://docs.openstack.org/", "type": "text/html", "rel": "describedby"},
            {"href": f"{base}/share/v{major}/", "rel": "self"},
        ],
        "min_version": "2.0" if current else "",
        "version": MANILA_MAX if current else "",
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.share+json;version=1"}
        ],
        "id": f"v{major}.0",
    }


SERVICE = offer(
    Service(
        "shared-file-system",
        "manilav2",
        "/share/v2",
        "share",
        lambda base: {
            "/share": {"versions": [_version(base, 1), _version(base, 2)]},
            "/share/v2": {"versions": [_version(base, 2)]},
        },
        SharedFileSystemState,
        microversions=("2.0", MANILA_MAX),
        legacy_header="X-OpenStack-Manila-API-Version",
    )
)

_PREFIX = r"/share/v2(?:/[0-9a-f]{32})?"


def _refused(req: Request, since: tuple[int, int]) -> Result | None:
    """Manila's answers to a version it does not serve: 406 above its maximum, 404 for a
    route older versions do not have."""
    if req.microversion > req.cloud.manila_max:
        return 406, {
            "computeFault": {
                "code": 406,
                "message": f"Version {req.microversion[0]}.{req.microversion[1]} is not "
                "supported by the API.",
            }
        }
    return NOT_FOUND if req.microversion < since else None


# -- routes ----------------------------------------------------------------------------------------


@route(_PREFIX + r"/services")
def services(req: Request) -> Result:
    refused = _refused(req, (2, 7))
    if refused:
        return refused
    cloud = req.cloud
    now = cloud.now()
    out = []
    with cloud.lock:
        for s in cloud.manila_services:
            body: dict[str, Any] = {
                "id": s.id,
                "binary": s.binary,
                "host": s.host,
                "zone": s.zone,
                "status": s.status,
                "state": s.state,
                "updated_at": bodies.nova_time(cloud.share_heartbeat(s, now)),
            }
            if req.microversion >= (2, 83):
                body["disabled_reason"] = s.disabled_reason
            if req.microversion >= (2, 86):
                body["ensuring"] = False
            out.append(body)
    for key in ("host", "binary", "status", "state", "zone"):
        wanted = req.arg(key)
        if wanted is not None:
            out = [s for s in out if str(s[key]) == wanted]
    return 200, {"services": out}


def _alive(cloud: DemoCloud, backend: str, now: float) -> bool:
    """The scheduler lists a pool only while its share service is enabled and has reported
    within service_down_time (manila scheduler/host_manager.py)."""
    svc = next(
        (s for s in cloud.manila_services if s.binary == "manila-share" and s.host == backend),
        None,
    )
    return (
        svc is not None
        and svc.status == "enabled"
        and now - cloud.share_heartbeat(svc, now) <= SERVICE_DOWN_TIME
    )


@route(_PREFIX + r"/scheduler-stats/pools(/detail)?")
def pools(req: Request, detail: str | None) -> Result:
    refused = _refused(req, (2, 0))
    if refused:
        return refused
    cloud = req.cloud
    now = cloud.now()
    out = []
    with cloud.lock:
        for p in cloud.share_pools:
            backend_host, pool = p.name.split("#")
            host, backend = backend_host.split("@")
            if not _alive(cloud, backend_host, now):
                continue
            item: dict[str, Any] = {"name": p.name, "host": host, "backend": backend, "pool": pool}
            if detail:
                caps: dict[str, Any] = {
                    "pool_name": pool,
                    "total_capacity_gb": p.total,
                    "free_capacity_gb": p.free,
                    "allocated_capacity_gb": p.allocated,
                    "reserved_percentage": p.reserved_percentage,
                    "reserved_snapshot_percentage": 0,
                    "reserved_share_extend_percentage": 0,
                    "share_backend_name": backend.upper(),
                    "storage_protocol": p.protocol,
                    "vendor_name": p.vendor,
                    "driver_version": p.driver_version,
                    "timestamp": bodies.nova_time(now - 30),
                    "driver_handles_share_servers": p.dhss,
                    "thin_provisioning": p.thin,
                    "qos": False,
                    "snapshot_support": True,
                    "create_share_from_snapshot_support": True,
                    "revert_to_snapshot_support": False,
                    "mount_snapshot_support": False,
                    "dedupe": False,
                    "compression": False,
                    "replication_type": None,
                    "replication_domain": None,
                    "sg_consistent_snapshot_support": None,
                    "ipv4_support": True,
                    "ipv6_support": False,
                }
                if p.provisioned is not None:
                    caps["provisioned_capacity_gb"] = p.provisioned
                if p.max_over_subscription_ratio is not None:
                    caps["max_over_subscription_ratio"] = p.max_over_subscription_ratio
                item["capabilities"] = caps
            out.append(item)
    return 200, {"pools": out}


def _all_projects(req: Request) -> bool:
    """manila utils.is_all_tenants: present and empty means yes."""
    value = req.arg("all_tenants")
    if value is None:
        return False
    return value.lower() in ("", "1", "true", "yes", "y", "on", "t")


def _status(status: str, mv: tuple[int, int]) -> str:
    # Below 2.54, creating_from_snapshot is reported as creating (views translate it).
    return "creating" if status == "creating_from_snapshot" and mv < (2, 54) else status


def share_body(req: Request, s: Share) -> dict[str, Any]:
    """manila api/views/shares.py ``detail``, for an admin (host, share_server_id)."""
    cloud, mv = req.cloud, req.microversion
    type_id, type_name = SHARE_TYPES[s.backend]
    link = f"{req.base}/share/v2/shares/{s.id}"
    body: dict[str, Any] = {
        "id": s.id,
        "size": s.size,
        "availability_zone": "nova",
        "created_at": bodies.nova_time(s.created),
        "status": _status(s.status, mv),
        "name": s.name,
        "description": None,
        "project_id": s.project_id,
        "snapshot_id": None,
        "share_network_id": None,
        "share_proto": "CEPHFS" if s.backend == "cephfs" else "NFS",
        "metadata": {},
        "share_type": type_id if mv >= (2, 6) else type_name,
        "volume_type": type_name,
        "links": [
            {"href": link, "rel": "self"},
            {"href": link.replace("/share/v2", "/share"), "rel": "bookmark"},
        ],
        "is_public": False,
    }
    if mv < (2, 9):
        body["export_location"] = None
        body["export_locations"] = []
    if mv >= (2, 2):
        body["snapshot_support"] = True
    if mv >= (2, 5):
        body["task_state"] = s.task_state
    if mv >= (2, 6):
        body["share_type_name"] = type_name
    if mv >= (2, 10):
        body["access_rules_status"] = "active"
    if mv >= (2, 11):
        body["replication_type"] = None
        body["has_replicas"] = False
    if mv >= (2, 16):
        body["user_id"] = cloud.user_id.replace("-", "")
    if mv >= (2, 24):
        body["create_share_from_snapshot_support"] = True
    if mv >= (2, 27):
        body["revert_to_snapshot_support"] = False
    if mv >= (2, 31):
        body["share_group_id"] = None
        body["source_share_group_snapshot_member_id"] = None
    if mv >= (2, 32):
        body["mount_snapshot_support"] = False
    if mv >= (2, 54):
        body["progress"] = "100%" if s.status == "available" else None
    if mv >= (2, 69):
        body["is_soft_deleted"] = False
        body["scheduled_to_be_deleted_at"] = None
    if mv >= (2, 80):
        body["source_backup_id"] = None
    if mv >= (2, 90):
        body["encryption_key_ref"] = None
    if mv >= (2, 99):
        body["snapshot_inherit_share_access_support"] = False
    body["share_server_id"] = None
    body["host"] = s.host
    return body


@route(_PREFIX + r"/shares/detail")
def shares(req: Request) -> Result:
    refused = _refused(req, (2, 0))
    if refused:
        return refused
    cloud = req.cloud
    with cloud.lock:
        mine = [s for s in cloud.shares if _all_projects(req) or s.project_id == cloud.project_id]
        key = req.arg("sort_key") or "created_at"
        if key not in ("id", "created_at", "name", "size", "project_id"):
            return 400, {"badRequest": {"code": 400, "message": f"Wrong sorting key {key}"}}
        attr = "created" if key == "created_at" else key
        mine.sort(key=lambda s: getattr(s, attr), reverse=(req.arg("sort_dir") or "desc") == "desc")
        # Manila applies limit and offset, nothing else: no cap without a limit, no marker.
        offset = int(req.arg("offset") or 0)
        limit = req.arg("limit")
        page = mine[offset : offset + int(limit)] if limit is not None else mine[offset:]
        body: dict[str, Any] = {"shares": [share_body(req, s) for s in page]}
    if req.microversion >= (2, 42) and (req.arg("with_count") or "").lower() in ("1", "true"):
        body["count"] = len(mine)
    if limit is not None and int(limit) and int(limit) == len(page):
        query = "&".join(f"{k}={v[-1]}" for k, v in sorted(req.query.items()) if k != "marker")
        body["shares_links"] = [
            {
                "rel": "next",
                "href": f"{req.base}/share/v2/shares/detail?{query}&marker={page[-1].id}",
            }
        ]
    return 200, body


@route(_PREFIX + r"/share_instances")
def share_instances(req: Request) -> Result:
    refused = _refused(req, (2, 3))
    if refused:
        return refused
    mv = req.microversion
    out = []
    with req.cloud.lock:
        for s in req.cloud.shares:
            type_id, _ = SHARE_TYPES[s.backend]
            for inst in s.instances:
                body: dict[str, Any] = {
                    "id": inst.id,
                    "share_id": s.id,
                    "availability_zone": "nova",
                    "created_at": bodies.nova_time(inst.created),
                    "host": inst.host,
                    "status": _status(inst.status, mv),
                    "share_network_id": None,
                    "share_server_id": None,
                }
                if mv < (2, 9):
                    body["export_location"] = None
                    body["export_locations"] = []
                if mv >= (2, 10):
                    body["access_rules_status"] = "active"
                if mv >= (2, 11):
                    body["replica_state"] = inst.replica_state
                if mv >= (2, 22):
                    body["share_type_id"] = type_id
                if mv >= (2, 30):
                    body["cast_rules_to_readonly"] = False
                if mv >= (2, 54):
                    body["progress"] = "100%" if inst.status == "available" else None
                if mv >= (2, 71):
                    body["updated_at"] = bodies.nova_time(inst.updated)
                out.append(body)
    return 200, {"share_instances": out}


@route(_PREFIX + r"/quota-sets/([0-9a-f]{32})(/detail|/defaults)?")
def quota(req: Request, project_id: str, kind: str | None) -> Result:
    refused = _refused(req, (2, 25) if kind == "/detail" else (2, 7))
    if refused:
        return refused
    cloud = req.cloud
    usage = cloud.share_quota_usage(project_id)
    with cloud.lock:
        overrides = {} if kind == "/defaults" else cloud.share_quota_overrides.get(project_id, {})
        body: dict[str, Any] = {}
        for res, default in QUOTA_DEFAULTS.items():
            if req.microversion < QUOTA_SINCE.get(res, (2, 0)):
                continue
            limit = overrides.get(res, default)
            body[res] = (
                {"in_use": usage[res], "limit": limit, "reserved": 0}
                if kind == "/detail"
                else limit
            )
    return 200, {"quota_set": {"id": project_id, **body}}
