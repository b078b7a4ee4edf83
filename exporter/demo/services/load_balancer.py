"""Load balancer (Octavia): its catalog entry and version document, its part of the cloud's
state and seeded start, and its routes: load balancers, listeners, pools and their members,
amphorae, providers, quotas.

Bodies are shaped as octavia 19 (2026.2) answers at API v2.30 (``octavia/api/v2/types/``),
which differs from the api-ref samples in documented ways: an amphora names its load balancer
``loadbalancer_id`` with a boolean ``cert_busy``; quota bodies carry each limit under both its
name and its deprecated alias (``load_balancer``, ``health_monitor``); a load balancer has
``vip_sg_ids`` (v2.29). Octavia has no microversions and no usage API: the demo's own
arithmetic (``lb_quota_usage``) is the oracle the exporter's counts are checked against.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from exporter.demo.routes import NOT_FOUND, Request, Result, Service, offer, paged, route

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud

# Quota resources as Octavia names them, with the deprecated alias the server also sends.
QUOTA_ALIASES = {"loadbalancer": "load_balancer", "healthmonitor": "health_monitor"}
QUOTA_RESOURCES = (
    "loadbalancer",
    "listener",
    "pool",
    "member",
    "healthmonitor",
    "l7policy",
    "l7rule",
)
LB_QUOTA_DEFAULTS = {
    "loadbalancer": 10,
    "listener": -1,
    "pool": -1,
    "member": 100,
    "healthmonitor": -1,
    "l7policy": -1,
    "l7rule": -1,
}
PROVIDERS = {
    "amphora": "The Octavia Amphora driver.",
    "octavia": "Deprecated alias of the Octavia Amphora driver.",
    "ovn": "Octavia OVN driver.",
}


@dataclass(slots=True)
class LbMember:
    id: str
    name: str
    project_id: str
    address: str
    protocol_port: int
    operating_status: str
    created: float
    updated: float | None = None
    admin_state_up: bool = True
    provisioning_status: str = "ACTIVE"
    subnet_id: str = ""


@dataclass(slots=True)
class LbPool:
    id: str
    name: str
    project_id: str
    lb_id: str
    listener_ids: list[str]
    protocol: str
    operating_status: str
    created: float
    updated: float | None = None
    provisioning_status: str = "ACTIVE"
    healthmonitor_id: str | None = None
    members: list[LbMember] = field(default_factory=list)
    lb_algorithm: str = "ROUND_ROBIN"
    admin_state_up: bool = True


@dataclass(slots=True)
class LbListener:
    id: str
    name: str
    project_id: str
    lb_id: str
    protocol: str
    protocol_port: int
    operating_status: str
    created: float
    updated: float | None = None
    provisioning_status: str = "ACTIVE"
    default_pool_id: str | None = None
    l7policy_ids: list[str] = field(default_factory=list)
    admin_state_up: bool = True


@dataclass(slots=True)
class LoadBalancer:
    id: str
    name: str
    project_id: str
    provider: str
    vip_address: str
    vip_network_id: str
    vip_subnet_id: str
    vip_port_id: str
    provisioning_status: str
    operating_status: str
    created: float
    # Octavia writes updated_at on the first change: a load balancer still being created has none.
    updated: float | None = None
    admin_state_up: bool = True
    availability_zone: str | None = None


@dataclass(slots=True)
class Amphora:
    id: str
    lb_id: str | None  # None: a spare amphora
    compute_id: str | None
    status: str
    role: str | None  # MASTER, BACKUP, STANDALONE; None for spares and booting ones
    lb_network_ip: str
    created: float
    updated: float | None = None
    image_id: str = ""


class LoadBalancerState:
    """DemoCloud's load balancer part: Octavia's objects, quotas and providers."""

    def seed(self, rng: random.Random, hosts: int, projects: int) -> None:
        """Healthy load balancers scaled with the projects (one per eight: 250 at 2,000
        projects, one list page each), plus a fixed set of every problem the exporter reports,
        whatever the size — so that the member lists the exporter must read stay few."""
        _Seeder(self, rng).run()

    # -- changes tests make, stamped as Octavia stamps them ------------------------------------

    def set_load_balancer_status(
        self, lb_id: str, provisioning: str, operating: str | None = None
    ) -> None:
        with self.lock:
            lb = next(lb for lb in self.lb_loadbalancers if lb.id == lb_id)
            lb.provisioning_status = provisioning
            if operating is not None:
                lb.operating_status = operating
            lb.updated = self.now()

    def set_member_status(
        self, member_id: str, operating: str, *, admin_state_up: bool | None = None
    ) -> None:
        """A member's health changes (the health manager writes the member, and the pool only
        when the pool's own status changes), or an admin enables or disables it (an API
        update: the pool passes through PENDING_UPDATE, so its updated_at moves)."""
        with self.lock:
            pool, member = next(
                (p, m) for p in self.lb_pools for m in p.members if m.id == member_id
            )
            now = self.now()
            member.operating_status, member.updated = operating, now
            if admin_state_up is not None:
                member.admin_state_up = admin_state_up
                pool.updated = now
            status = _pool_status(pool)
            if status != pool.operating_status:
                pool.operating_status, pool.updated = status, now

    def set_lb_quota(self, project_id: str, **limits: int | None) -> None:
        with self.lock:
            record = self.lb_quotas.setdefault(project_id, dict.fromkeys(QUOTA_RESOURCES))
            record.update(limits)

    # -- the oracle -----------------------------------------------------------------------------

    def lb_quota_limit(self, project_id: str, resource: str) -> int:
        """The limit Octavia enforces: the project's record, else (null or none) the default."""
        value = self.lb_quotas.get(project_id, {}).get(resource)
        return LB_QUOTA_DEFAULTS[resource] if value is None else value

    def lb_quota_usage(self, project_id: str) -> dict[str, int]:
        """What Octavia's in_use counters hold (its quota table; no API shows them): objects
        of the project not yet deleted. L7 rules are not counted here (the demo has none)."""
        with self.lock:
            pools = [p for p in self.lb_pools if p.project_id == project_id]
            listeners = [x for x in self.lb_listeners if x.project_id == project_id]
            return {
                "loadbalancer": sum(
                    1 for lb in self.lb_loadbalancers if lb.project_id == project_id
                ),
                "listener": len(listeners),
                "pool": len(pools),
                "member": sum(len(p.members) for p in pools),
                "healthmonitor": sum(1 for p in pools if p.healthmonitor_id),
                "l7policy": sum(len(x.l7policy_ids) for x in listeners),
            }


def _pool_status(pool: LbPool) -> str:
    """A pool's operating status from its members, as Octavia's health manager sets it
    (octavia/controller/healthmanager/health_drivers/update_db.py): ERROR when no member
    answers, DEGRADED when some fail; disabled (OFFLINE) members change nothing."""
    if pool.operating_status == "OFFLINE" and not pool.admin_state_up:
        return "OFFLINE"
    checked = [m for m in pool.members if m.operating_status in ("ONLINE", "ERROR")]
    failing = [m for m in checked if m.operating_status == "ERROR"]
    if checked and len(failing) == len(checked):
        return "ERROR"
    return "DEGRADED" if failing else "ONLINE"


class _Seeder:
    """Builds the seeded objects from a generator of the service's own."""

    def __init__(self, cloud: DemoCloud, rng: random.Random) -> None:
        self.cloud, self.rng, self.now = cloud, rng, cloud.now()
        cloud.lb_loadbalancers = []
        cloud.lb_listeners = []
        cloud.lb_pools = []
        cloud.lb_amphorae = []
        cloud.lb_quotas = {}
        cloud.lb_providers = dict(PROVIDERS)
        self.vips = 0

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def run(self) -> None:
        cloud = self.cloud
        tenants = [p.id for p in cloud.projects if p.name not in ("admin", "service")] or [
            p.id for p in cloud.projects
        ]
        healthy = max(4, len(cloud.projects) // 8)
        for i in range(healthy):
            provider = "ovn" if i % 5 == 4 else "amphora"
            lb = self.load_balancer(f"lb-{i:04d}", tenants[i % len(tenants)], provider)
            pairs = 2 if i % 3 == 0 else 1
            for j in range(pairs):
                listener = self.listener(lb, j, policies=1 if (i + j) % 4 == 0 else 0)
                self.pool(lb, listener, monitored=(i + j) % 2 == 0, members=2 + (i + j) % 2)
            if provider == "amphora":
                self.amphorae(lb, standby=i % 3 == 1)
        # An admin disabled a member of a healthy pool: OFFLINE inside an ONLINE pool.
        first = next(p for p in cloud.lb_pools if p.healthmonitor_id)
        first.members[0].operating_status, first.members[0].admin_state_up = "OFFLINE", False
        self.problems(tenants)
        # Every project that ever created an object has a quota record (Octavia's
        # ensure_project_exists), its limits null (the defaults) unless an admin set them.
        for lb in cloud.lb_loadbalancers:
            cloud.lb_quotas.setdefault(lb.project_id, dict.fromkeys(QUOTA_RESOURCES))
        cloud.lb_quotas[tenants[0]].update(loadbalancer=5, member=50, healthmonitor=-1, l7policy=3)
        cloud.lb_quotas[tenants[1 % len(tenants)]].update(listener=4, l7rule=-1)

    def problems(self, tenants: list[str]) -> None:
        """A fixed set of each state the exporter reports, whatever the cloud's size."""
        day, now, t = 86400.0, self.now, tenants
        broken = self.load_balancer("lb-broken", t[0], "amphora", ("ERROR", "ERROR"))
        broken.updated = now - 3 * day
        listener = self.listener(broken, 0, status=("ERROR", "ERROR"))
        pool = self.pool(broken, listener, monitored=True, members=2, health="ERROR")
        pool.provisioning_status = "ERROR"
        amp = self.amphorae(broken)[0]
        amp.status, amp.updated = "ERROR", now - 3 * day

        updating = self.load_balancer("lb-updating", t[1 % len(t)], "amphora", ("PENDING_UPDATE",))
        updating.updated = now - 2 * 3600  # stuck past the 30-minute threshold
        self.pool(updating, self.listener(updating, 0), monitored=False, members=2)
        self.amphorae(updating)

        creating = self.load_balancer(
            "lb-creating", t[2 % len(t)], "amphora", ("PENDING_CREATE", "OFFLINE")
        )
        creating.created, creating.updated = now - 300, None  # busy, not stuck
        booting = self.amphorae(creating)[0]
        booting.status, booting.role, booting.compute_id = "BOOTING", None, None

        deleting = self.load_balancer("lb-deleting", t[3 % len(t)], "ovn", ("PENDING_DELETE",))
        deleting.updated = now - 50 * 60

        degraded = self.load_balancer(
            "lb-degraded", t[1 % len(t)], "amphora", ("ACTIVE", "DEGRADED")
        )
        pool = self.pool(degraded, self.listener(degraded, 0), monitored=True, members=3)
        pool.members[0].operating_status = "ERROR"
        pool.operating_status = "DEGRADED"
        backup = self.amphorae(degraded, standby=True)[1]
        backup.status, backup.updated = "FAILOVER_STOPPED", now - 4 * 3600

        disabled = self.load_balancer(
            "lb-disabled", t[2 % len(t)], "amphora", ("ACTIVE", "OFFLINE")
        )
        disabled.admin_state_up = False
        listener = self.listener(disabled, 0, status=("ACTIVE", "OFFLINE"))
        pool = self.pool(disabled, listener, monitored=False, members=2)
        pool.operating_status, pool.admin_state_up = "OFFLINE", False
        self.amphorae(disabled)

        for _ in range(2):  # the spares pool
            self.cloud.lb_amphorae.append(
                Amphora(self.uuid(), None, self.uuid(), "READY", None, self.mgmt_ip(), now - day)
            )

    def load_balancer(
        self, name: str, project_id: str, provider: str, status: tuple[str, ...] = ("ACTIVE",)
    ) -> LoadBalancer:
        self.vips += 1
        created = self.now - self.rng.randint(10, 400) * 86400
        provisioning = status[0]
        operating = status[1] if len(status) > 1 else "ONLINE"
        lb = LoadBalancer(
            self.uuid(),
            name,
            project_id,
            provider,
            f"10.{self.vips // 250}.{self.vips % 250}.{10 + self.vips % 200}",
            self.uuid(),
            self.uuid(),
            self.uuid(),
            provisioning,
            operating,
            created,
            created + 120,
        )
        self.cloud.lb_loadbalancers.append(lb)
        return lb

    def listener(
        self,
        lb: LoadBalancer,
        index: int,
        *,
        policies: int = 0,
        status: tuple[str, str] = ("ACTIVE", "ONLINE"),
    ) -> LbListener:
        protocol, port = (("HTTP", 80), ("HTTPS", 443))[index % 2]
        listener = LbListener(
            self.uuid(),
            f"{lb.name}-{port}",
            lb.project_id,
            lb.id,
            protocol,
            port,
            status[1],
            lb.created + 60,
            lb.created + 180,
            provisioning_status=status[0],
            l7policy_ids=[self.uuid() for _ in range(policies)],
        )
        self.cloud.lb_listeners.append(listener)
        return listener

    def pool(
        self,
        lb: LoadBalancer,
        listener: LbListener,
        *,
        monitored: bool,
        members: int,
        health: str = "ONLINE",
    ) -> LbPool:
        pool = LbPool(
            self.uuid(),
            f"{listener.name}-pool",
            lb.project_id,
            lb.id,
            [listener.id],
            listener.protocol,
            health,
            lb.created + 90,
            lb.created + 240,
            healthmonitor_id=self.uuid() if monitored else None,
        )
        # Without a health monitor Octavia cannot tell: members are NO_MONITOR.
        member_status = health if monitored else "NO_MONITOR"
        for k in range(members):
            pool.members.append(
                LbMember(
                    self.uuid(),
                    f"{pool.name}-{k}",
                    lb.project_id,
                    f"192.168.{self.vips % 250}.{10 + k}",
                    8080,
                    member_status,
                    lb.created + 100,
                    lb.created + 300,
                    subnet_id=lb.vip_subnet_id,
                )
            )
        listener.default_pool_id = pool.id
        self.cloud.lb_pools.append(pool)
        return pool

    def amphorae(self, lb: LoadBalancer, *, standby: bool = False) -> list[Amphora]:
        roles = ("MASTER", "BACKUP") if standby else ("STANDALONE",)
        made = [
            Amphora(
                self.uuid(),
                lb.id,
                self.uuid(),
                "ALLOCATED",
                role,
                self.mgmt_ip(),
                lb.created + 30,
                lb.created + 200,
                image_id=self.uuid(),
            )
            for role in roles
        ]
        self.cloud.lb_amphorae.extend(made)
        return made

    def mgmt_ip(self) -> str:
        n = len(self.cloud.lb_amphorae) + 10
        return f"172.16.{n // 250}.{n % 250}"


# -- catalog entry and version document ------------------------------------------------------------


def lb_versions(base: str) -> dict[str, Any]:
    """Octavia's root document (octavia/api/root_controller.py): v2.0 to v2.30, all at /v2."""
    return {
        "versions": [
            {
                "id": f"v2.{minor}",
                "status": "CURRENT" if minor == 30 else "SUPPORTED",
                "updated": "2025-02-26T00:00:00Z",
                "links": [{"href": f"{base}/load-balancer/v2", "rel": "self"}],
            }
            for minor in range(31)
        ]
    }


SERVICE = offer(
    Service(
        "load-balancer",
        "octavia",
        "/load-balancer",
        "load-balancer",
        lambda base: {"/load-balancer": lb_versions(base)},
        LoadBalancerState,
    )
)


# -- routes ----------------------------------------------------------------------------------------

# Octavia serves its API under both /v2.0 and /v2 (octavia/api/root_controller.py); openstacksdk
# skips version discovery for load-balancer and appends v2.0 to the catalog URL.
_V2 = r"/load-balancer/v2(?:\.0)?"


def _paged(req: Request, key: str, items: list[dict[str, Any]], link_path: str) -> Result:
    """Marker paging; Octavia's lists always carry ``<key>_links``, empty on the last page."""
    status, body = paged(req, key, items, link_path)
    body.setdefault(f"{key}_links", [])
    return status, body


def octavia_time(ts: float | None) -> str | None:
    """Octavia's timestamps: whole seconds, no zone (its DATETIME columns)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _ids(values: list[str]) -> list[dict[str, str]]:
    return [{"id": v} for v in values]


def _lb_body(lb: LoadBalancer, cloud: DemoCloud) -> dict[str, Any]:
    return {
        "id": lb.id,
        "name": lb.name,
        "description": "",
        "provisioning_status": lb.provisioning_status,
        "operating_status": lb.operating_status,
        "admin_state_up": lb.admin_state_up,
        "project_id": lb.project_id,
        "created_at": octavia_time(lb.created),
        "updated_at": octavia_time(lb.updated),
        "vip_address": lb.vip_address,
        "vip_port_id": lb.vip_port_id,
        "vip_subnet_id": lb.vip_subnet_id,
        "vip_network_id": lb.vip_network_id,
        "vip_sg_ids": [],
        "additional_vips": [],
        "listeners": _ids([x.id for x in cloud.lb_listeners if x.lb_id == lb.id]),
        "pools": _ids([p.id for p in cloud.lb_pools if p.lb_id == lb.id]),
        "provider": lb.provider,
        "flavor_id": None,
        "vip_qos_policy_id": None,
        "tags": [],
        "availability_zone": lb.availability_zone,
        "vip_vnic_type": "normal",
    }


@route(rf"{_V2}/lbaas/loadbalancers")
def loadbalancers(req: Request) -> Result:
    cloud = req.cloud
    with cloud.lock:
        items = [_lb_body(lb, cloud) for lb in cloud.lb_loadbalancers]
    return _paged(req, "loadbalancers", items, "/load-balancer/v2.0/lbaas/loadbalancers")


@route(rf"{_V2}/lbaas/listeners")
def listeners(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "id": x.id,
                "name": x.name,
                "description": "",
                "provisioning_status": x.provisioning_status,
                "operating_status": x.operating_status,
                "admin_state_up": x.admin_state_up,
                "protocol": x.protocol,
                "protocol_port": x.protocol_port,
                "connection_limit": -1,
                "default_tls_container_ref": None,
                "sni_container_refs": [],
                "project_id": x.project_id,
                "default_pool_id": x.default_pool_id,
                "l7policies": _ids(x.l7policy_ids),
                "insert_headers": {},
                "created_at": octavia_time(x.created),
                "updated_at": octavia_time(x.updated),
                "loadbalancers": _ids([x.lb_id]),
                "timeout_client_data": 50000,
                "timeout_member_connect": 5000,
                "timeout_member_data": 50000,
                "timeout_tcp_inspect": 0,
                "tags": [],
                "client_ca_tls_container_ref": None,
                "client_authentication": "NONE",
                "client_crl_container_ref": None,
                "allowed_cidrs": None,
                "tls_ciphers": None,
                "tls_versions": None,
                "alpn_protocols": None,
                "hsts_max_age": None,
                "hsts_include_subdomains": False,
                "hsts_preload": False,
            }
            for x in req.cloud.lb_listeners
        ]
    return _paged(req, "listeners", items, "/load-balancer/v2.0/lbaas/listeners")


def _pool_body(p: LbPool) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "description": "",
        "provisioning_status": p.provisioning_status,
        "operating_status": p.operating_status,
        "admin_state_up": p.admin_state_up,
        "protocol": p.protocol,
        "lb_algorithm": p.lb_algorithm,
        "session_persistence": None,
        "project_id": p.project_id,
        "loadbalancers": _ids([p.lb_id]),
        "listeners": _ids(p.listener_ids),
        "created_at": octavia_time(p.created),
        "updated_at": octavia_time(p.updated),
        "healthmonitor_id": p.healthmonitor_id,
        "members": _ids([m.id for m in p.members]),
        "tags": [],
        "tls_container_ref": None,
        "ca_tls_container_ref": None,
        "crl_container_ref": None,
        "tls_enabled": False,
        "tls_ciphers": None,
        "tls_versions": None,
        "alpn_protocols": None,
    }


@route(rf"{_V2}/lbaas/pools")
def pools(req: Request) -> Result:
    with req.cloud.lock:
        items = [_pool_body(p) for p in req.cloud.lb_pools]
    return _paged(req, "pools", items, "/load-balancer/v2.0/lbaas/pools")


@route(rf"{_V2}/lbaas/pools/([0-9a-f-]{{36}})")
def pool(req: Request, pool_id: str) -> Result:
    with req.cloud.lock:
        found = next((p for p in req.cloud.lb_pools if p.id == pool_id), None)
        return NOT_FOUND if found is None else (200, {"pool": _pool_body(found)})


@route(rf"{_V2}/lbaas/pools/([0-9a-f-]{{36}})/members")
def members(req: Request, pool_id: str) -> Result:
    with req.cloud.lock:
        pool = next((p for p in req.cloud.lb_pools if p.id == pool_id), None)
        if pool is None:
            return NOT_FOUND
        items = [
            {
                "id": m.id,
                "name": m.name,
                "operating_status": m.operating_status,
                "provisioning_status": m.provisioning_status,
                "admin_state_up": m.admin_state_up,
                "address": m.address,
                "protocol_port": m.protocol_port,
                "weight": 1,
                "backup": False,
                "subnet_id": m.subnet_id,
                "project_id": m.project_id,
                "created_at": octavia_time(m.created),
                "updated_at": octavia_time(m.updated),
                "monitor_address": None,
                "monitor_port": None,
                "tags": [],
                "vnic_type": "normal",
            }
            for m in pool.members
        ]
    return _paged(req, "members", items, f"/load-balancer/v2.0/lbaas/pools/{pool_id}/members")


@route(rf"{_V2}/octavia/amphorae")
def amphorae(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "id": a.id,
                "loadbalancer_id": a.lb_id,
                "compute_id": a.compute_id,
                "lb_network_ip": a.lb_network_ip,
                "vrrp_ip": None if a.lb_id is None else a.lb_network_ip.replace("172.16", "10.99"),
                "ha_ip": None,
                "vrrp_port_id": None,
                "ha_port_id": None,
                "cert_expiration": octavia_time(a.created + 2 * 365 * 86400),
                "cert_busy": False,
                "role": a.role,
                "status": a.status,
                "vrrp_interface": None,
                "vrrp_id": None,
                "vrrp_priority": None,
                "cached_zone": "nova",
                "created_at": octavia_time(a.created),
                "updated_at": octavia_time(a.updated),
                "image_id": a.image_id or None,
                "compute_flavor": "amphora",
            }
            for a in req.cloud.lb_amphorae
        ]
    return _paged(req, "amphorae", items, "/load-balancer/v2.0/octavia/amphorae")


@route(rf"{_V2}/lbaas/providers")
def providers(req: Request) -> Result:
    items = [{"name": n, "description": d} for n, d in req.cloud.lb_providers.items()]
    return 200, {"providers": items}


def _quota_body(project_id: str, limits: dict[str, int | None]) -> dict[str, Any]:
    body: dict[str, Any] = {"project_id": project_id}
    for resource in QUOTA_RESOURCES:
        body[resource] = limits.get(resource)
        if resource in QUOTA_ALIASES:
            body[QUOTA_ALIASES[resource]] = limits.get(resource)
    return body


@route(rf"{_V2}/lbaas/quotas")
def quotas(req: Request) -> Result:
    """Every project with a quota record, its unset limits null (octavia ``get_all``).

    Paged as Octavia pages it, which is broken for quotas: the marker is a row's ``id`` and the
    quotas table has none, so a next link carries ``marker=None`` and following it fails (500);
    an unlimited request (``limit`` below 1) gets every record and that bogus link all the same.
    """
    if req.arg("marker") is not None:
        return 500, {"faultcode": "Server", "faultstring": "Entity has no property 'id'"}
    try:
        limit: int | None = int(req.arg("limit") or 1000)
    except ValueError:
        return 400, {"faultcode": "Client", "faultstring": "Supplied pagination limit is invalid"}
    if limit is not None and limit < 1:
        limit = None
    with req.cloud.lock:
        items = [_quota_body(pid, limits) for pid, limits in sorted(req.cloud.lb_quotas.items())]
    page = items if limit is None else items[: min(limit, 1000)]
    links = []
    if limit is None or len(page) >= limit:
        href = f"{req.base}/load-balancer/v2.0/lbaas/quotas?limit={limit}&marker=None"
        links.append({"href": href, "rel": "next"})
    return 200, {"quotas": page, "quotas_links": links}


@route(rf"{_V2}/lbaas/quotas/([0-9a-z-]+)")
def quota(req: Request, project_id: str) -> Result:
    """One project's resolved limits; ``defaults`` is routed here too (a project without a
    record), which is how Octavia answers ``GET /v2/lbaas/quotas/defaults``."""
    cloud = req.cloud
    with cloud.lock:
        limits = {r: cloud.lb_quota_limit(project_id, r) for r in QUOTA_RESOURCES}
    return 200, {"quota": _quota_body(project_id, limits)}
