"""Authenticated GET routes of the demo cloud: path pattern → body in the upstream shape."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exporter.demo import bodies
from exporter.demo.capacity import Provider, Server, fits
from exporter.demo.cloud import DemoCloud

Result = tuple[int, Any]
NOT_FOUND: Result = (404, {"error": {"code": 404, "message": "Not found", "title": "Not Found"}})
NOVA_MAX_LIMIT = 1000  # Nova's [api]max_limit default: the largest page it returns


@dataclass(frozen=True, slots=True)
class Request:
    cloud: DemoCloud
    base: str
    microversion: tuple[int, int]
    query: dict[str, list[str]]

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default


ROUTES: list[tuple[re.Pattern[str], Callable[..., Result]]] = []


def route(pattern: str) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    def register(fn: Callable[..., Result]) -> Callable[..., Result]:
        ROUTES.append((re.compile(pattern), fn))
        return fn

    return register


def _filter(items: list[dict[str, Any]], req: Request, *keys: str) -> list[dict[str, Any]]:
    """The simple equality filters the list APIs accept (host=, binary=, ...)."""
    wanted = {k: req.arg(k) for k in keys if req.arg(k) is not None}
    return [i for i in items if all(str(i.get(k)) == v for k, v in wanted.items())]


# -- services and agents -------------------------------------------------------------------------


@route(r"/compute/v2\.1/os-services")
def compute_services(req: Request) -> Result:
    body = bodies.compute_services(req.cloud, req.microversion)
    return 200, {"services": _filter(body["services"], req, "host", "binary")}


@route(r"/volume/v3(?:/[0-9a-f]{32})?/os-services")
def volume_services(req: Request) -> Result:
    body = bodies.volume_services(req.cloud, req.microversion)
    return 200, {"services": _filter(body["services"], req, "host", "binary")}


@route(r"/network/v2\.0/agents")
def agents(req: Request) -> Result:
    return 200, {"agents": _filter(bodies.agents(req.cloud)["agents"], req, "host", "agent_type")}


# -- placement -----------------------------------------------------------------------------------


def _provider_body(p: Provider) -> dict[str, Any]:
    links = [{"href": f"/resource_providers/{p.uuid}", "rel": "self"}] + [
        {"href": f"/resource_providers/{p.uuid}/{rel}", "rel": rel}
        for rel in ("aggregates", "inventories", "usages", "traits", "allocations")
    ]
    return {
        "generation": p.generation,
        "uuid": p.uuid,
        "links": links,
        "name": p.name,
        "parent_provider_uuid": p.parent_uuid,
        "root_provider_uuid": p.root_uuid,
    }


@route(r"/placement/resource_providers")
def resource_providers(req: Request) -> Result:
    with req.cloud.lock:
        items = [_provider_body(p) for p in req.cloud.providers.values()]
    if req.arg("in_tree"):
        root = req.cloud.providers.get(req.arg("in_tree") or "")
        items = [i for i in items if root and i["root_provider_uuid"] == root.root_uuid]
    return 200, {"resource_providers": _filter(items, req, "name", "uuid")}


def _provider(req: Request, uuid: str) -> Provider | None:
    return req.cloud.providers.get(uuid)


@route(r"/placement/resource_providers/([0-9a-f-]{36})/inventories")
def inventories(req: Request, uuid: str) -> Result:
    p = _provider(req, uuid)
    if p is None:
        return NOT_FOUND
    return 200, {
        "inventories": {rc: inv.body() for rc, inv in p.inventories.items()},
        "resource_provider_generation": p.generation,
    }


@route(r"/placement/resource_providers/([0-9a-f-]{36})/usages")
def usages(req: Request, uuid: str) -> Result:
    p = _provider(req, uuid)
    if p is None:
        return NOT_FOUND
    used = req.cloud.usages(uuid)
    # Placement reports every inventoried class, 0 when unused.
    return 200, {
        "usages": {rc: used.get(rc, 0) for rc in p.inventories},
        "resource_provider_generation": p.generation,
    }


@route(r"/placement/resource_providers/([0-9a-f-]{36})/traits")
def traits(req: Request, uuid: str) -> Result:
    p = _provider(req, uuid)
    if p is None:
        return NOT_FOUND
    return 200, {"traits": sorted(p.traits), "resource_provider_generation": p.generation}


@route(r"/placement/allocations/([0-9a-f-]{36})")
def allocations(req: Request, consumer: str) -> Result:
    with req.cloud.lock:
        alloc = req.cloud.allocations.get(consumer, {})
        body = {
            "allocations": {
                puuid: {"generation": req.cloud.providers[puuid].generation, "resources": res}
                for puuid, res in alloc.items()
                if puuid in req.cloud.providers
            }
        }
    return 200, body


@route(r"/placement/allocation_candidates")
def allocation_candidates(req: Request) -> Result:
    """Unnumbered request group only: every root whose tree can hold one of each resource.

    A second, independent reading of Placement's rules (capacity, min/max_unit, step_size,
    required traits among the supplying providers, forbidden on none of them, member_of), so
    the exporter's own arithmetic can be checked against it.
    """
    cloud = req.cloud
    wanted = {
        rc: int(n)
        for rc, _, n in (
            part.partition(":") for part in (req.arg("resources") or "").split(",") if part
        )
    }
    required = {t for t in (req.arg("required") or "").split(",") if t and not t.startswith("!")}
    forbidden = {t[1:] for t in (req.arg("required") or "").split(",") if t.startswith("!")}
    member_of = set((req.arg("member_of") or "").removeprefix("in:").split(",")) - {""}
    limit = int(req.arg("limit") or 0)
    candidates, summaries = [], {}
    with cloud.lock:
        roots = [p for p in cloud.providers.values() if p.parent_uuid is None]
        for root in roots:
            tree = [p for p in cloud.providers.values() if p.root_uuid == root.uuid]
            if member_of and not (root.aggregates & member_of):
                continue
            alloc: dict[str, dict[str, int]] = {}
            for rc, amount in wanted.items():
                target = next(
                    (
                        p
                        for p in tree
                        if fits(p, cloud.usages(p.uuid), rc, amount) and not forbidden & p.traits
                    ),
                    None,
                )
                if target is None:
                    break
                alloc.setdefault(target.uuid, {})[rc] = amount
            if sum(len(r) for r in alloc.values()) < len(wanted):
                continue  # some class found no provider
            if not required <= set().union(*(cloud.providers[u].traits for u in alloc)):
                continue
            candidates.append(
                {
                    "allocations": {u: {"resources": r} for u, r in alloc.items()},
                    "mappings": {"": sorted(alloc)},
                }
            )
            for p in tree:
                used = cloud.usages(p.uuid)
                summaries[p.uuid] = {
                    "resources": {
                        rc: {"capacity": int(inv.capacity), "used": used.get(rc, 0)}
                        for rc, inv in p.inventories.items()
                    },
                    "traits": sorted(p.traits),
                    "parent_provider_uuid": p.parent_uuid,
                    "root_provider_uuid": p.root_uuid,
                }
            if limit and len(candidates) >= limit:
                break
    return 200, {"allocation_requests": candidates, "provider_summaries": summaries}


# -- compute: flavors, aggregates, servers -------------------------------------------------------


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
    with req.cloud.lock:
        items = list(req.cloud.servers)
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


# -- block storage and network capacity ----------------------------------------------------------


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


@route(r"/network/v2\.0/network-ip-availabilities")
def ip_availabilities(req: Request) -> Result:
    out = []
    with req.cloud.lock:
        for n in req.cloud.networks:
            subnets = [
                {
                    "cidr": s.cidr,
                    "ip_version": s.ip_version,
                    "subnet_id": s.id,
                    "subnet_name": s.name,
                    "total_ips": s.total_ips,
                    "used_ips": s.used_ips,
                    "ip_availability_details": _ip_details(s.total_ips, s.used_ips),
                }
                for s in n.subnets
            ]
            total = sum(s.total_ips for s in n.subnets)
            used = sum(s.used_ips for s in n.subnets)
            out.append(
                {
                    "network_id": n.id,
                    "network_name": n.name,
                    "subnet_ip_availability": subnets,
                    "project_id": n.project_id,
                    "tenant_id": n.project_id,
                    "total_ips": total,
                    "used_ips": used,
                    "ip_availability_details": _ip_details(total, used, len(n.subnets)),
                }
            )
    return 200, {"network_ip_availabilities": out}


def _ip_details(total: int, used: int, subnets: int = 1) -> dict[str, int]:
    # The gateway sits outside the allocation pool: one more address in each subnet.
    return {
        "total_ips_in_subnet": total + subnets,
        "total_ips_in_allocation_pool": total,
        "used_ips_in_subnet": used,
        "used_ips_in_allocation_pool": used,
    }


@route(r"/network/v2\.0/networks")
def networks(req: Request) -> Result:
    external = req.arg("router:external")
    with req.cloud.lock:
        items = [
            {
                "id": n.id,
                "name": n.name,
                "project_id": n.project_id,
                "tenant_id": n.project_id,
                "router:external": n.external,
                "status": "ACTIVE",
                "admin_state_up": True,
                "shared": n.external,
                "subnets": [s.id for s in n.subnets],
            }
            for n in req.cloud.networks
            if external is None or n.external == (external.lower() == "true")
        ]
    return _paged(req, "networks", items, "/network/v2.0/networks")


# -- identity: projects and unified limits -------------------------------------------------------


def _links(req: Request, path: str) -> dict[str, Any]:
    return {"self": f"{req.base}{path}", "previous": None, "next": None}


@route(r"/identity/v3/projects")
def projects(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "is_domain": False,
                "description": p.description or None,
                "domain_id": p.domain_id,
                "enabled": p.enabled,
                "id": p.id,
                "links": {"self": f"{req.base}/identity/v3/projects/{p.id}"},
                "name": p.name,
                "parent_id": p.domain_id,
                "tags": [],
            }
            for p in req.cloud.projects
        ]
    return 200, {
        "links": _links(req, "/identity/v3/projects"),
        "projects": _filter(items, req, "domain_id", "name"),
    }


def _service_id(service_type: str) -> str:
    return service_type.replace("-", "").replace("_", "").ljust(32, "0")


@route(r"/identity/v3/registered_limits")
def registered_limits(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "resource_name": res,
                "region_id": None,
                "service_id": _service_id(svc),
                "default_limit": limit,
                "id": _service_id(svc + res)[:32],
                "description": None,
                "links": {"self": f"{req.base}/identity/v3/registered_limits/x"},
            }
            for (svc, res), limit in sorted(req.cloud.registered_limits.items())
        ]
    return 200, {"links": _links(req, "/identity/v3/registered_limits"), "registered_limits": items}


@route(r"/identity/v3/limits")
def project_limits(req: Request) -> Result:
    with req.cloud.lock:
        items = [
            {
                "resource_name": res,
                "region_id": None,
                "service_id": _service_id(svc),
                "project_id": pid,
                "domain_id": None,
                "id": (pid + res)[:32],
                "resource_limit": limit,
                "description": None,
                "links": {"self": f"{req.base}/identity/v3/limits/x"},
            }
            for (pid, svc, res), limit in sorted(req.cloud.project_limits.items())
        ]
    return 200, {"links": _links(req, "/identity/v3/limits"), "limits": items}


# -- quotas --------------------------------------------------------------------------------------


def _project_known(req: Request, project_id: str) -> bool:
    return any(p.id == project_id for p in req.cloud.projects)


def _quota_set(
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


@route(r"/compute/v2\.1/os-quota-sets/([0-9a-f]{32})(/detail)?")
def compute_quota(req: Request, project_id: str, detail: str | None) -> Result:
    # Nova answers for any project id, known to Keystone or not, with the defaults.
    body = _quota_set(req, "compute", project_id, bool(detail))
    return 200, {"quota_set": {"id": project_id, **body}}


@route(r"/volume/v3(?:/[0-9a-f]{32})?/os-quota-sets/([0-9a-f]{32})")
def volume_quota(req: Request, project_id: str) -> Result:
    usage = (req.arg("usage") or "").lower() == "true"
    body = _quota_set(req, "block_storage", project_id, usage)
    return 200, {"quota_set": {"id": project_id, **body}}


@route(r"/network/v2\.0/quotas")
def network_quotas(req: Request) -> Result:
    """Only projects whose quota differs from the defaults, as Neutron lists them."""
    out = []
    with req.cloud.lock:
        for pid, overrides in sorted(req.cloud.quota_overrides["network"].items()):
            limits = {**req.cloud.quota_defaults["network"], **overrides}
            out.append({**limits, "project_id": pid, "tenant_id": pid})
    return 200, {"quotas": out}


@route(r"/network/v2\.0/quotas/([0-9a-f]{32})/(details|default)")
def network_quota(req: Request, project_id: str, kind: str) -> Result:
    if kind == "default":
        return 200, {"quota": dict(req.cloud.quota_defaults["network"])}
    return 200, {"quota": _quota_set(req, "network", project_id, True, used_key="used")}


# -- bulk listings the quota usage collector counts ------------------------------------------------


def _paged(req: Request, key: str, items: list[dict[str, Any]], link_path: str) -> Result:
    """Neutron- and Cinder-style paging: limit and marker, a next link while more remain."""
    marker, limit = req.arg("marker"), int(req.arg("limit") or 0)
    if marker:
        ids = [i["id"] for i in items]
        items = items[ids.index(marker) + 1 :] if marker in ids else []
    body: dict[str, Any] = {key: items[:limit] if limit else items}
    if limit and len(items) > limit:
        body[f"{key}_links"] = [
            {
                "rel": "next",
                "href": f"{req.base}{link_path}?limit={limit}&marker={items[limit - 1]['id']}",
            }
        ]
    return 200, body


def _all_projects(req: Request) -> bool:
    return (req.arg("all_tenants") or req.arg("all_projects") or "").lower() in ("1", "true")


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
    return _paged(req, "volumes", items, "/volume/v3/volumes/detail")


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
    return _paged(req, "snapshots", items, "/volume/v3/snapshots/detail")


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
    return _paged(req, "backups", items, "/volume/v3/backups/detail")


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


def _neutron_list(req: Request, key: str, path: str, items: list[dict[str, Any]]) -> Result:
    for item in items:
        item.setdefault("tenant_id", item["project_id"])
    return _paged(req, key, _filter(items, req, "project_id", "device_owner"), path)


@route(r"/network/v2\.0/subnets")
def subnets(req: Request) -> Result:
    items = [
        {
            "id": s.id,
            "name": s.name,
            "network_id": n.id,
            "project_id": n.project_id,
            "cidr": s.cidr,
            "ip_version": s.ip_version,
        }
        for n in req.cloud.networks
        for s in n.subnets
    ]
    return _neutron_list(req, "subnets", "/network/v2.0/subnets", items)


@route(r"/network/v2\.0/ports")
def ports(req: Request) -> Result:
    items = [
        {
            "id": p.id,
            "project_id": p.project_id,
            "network_id": p.network_id,
            "device_id": p.device_id,
            "device_owner": p.device_owner,
            "status": p.status,
            "admin_state_up": True,
            "name": "",
            "fixed_ips": [],
        }
        for p in req.cloud.ports
    ]
    return _neutron_list(req, "ports", "/network/v2.0/ports", items)


@route(r"/network/v2\.0/routers")
def routers(req: Request) -> Result:
    items = [
        {
            "id": r.id,
            "name": r.name,
            "project_id": r.project_id,
            "status": "ACTIVE",
            "admin_state_up": True,
            "external_gateway_info": (
                {"network_id": r.gateway_network_id} if r.gateway_network_id else None
            ),
        }
        for r in req.cloud.routers
    ]
    return _neutron_list(req, "routers", "/network/v2.0/routers", items)


@route(r"/network/v2\.0/floatingips")
def floating_ips(req: Request) -> Result:
    items = [
        {
            "id": f.id,
            "project_id": f.project_id,
            "floating_network_id": f.network_id,
            "floating_ip_address": f.address,
            "port_id": f.port_id,
            "status": "ACTIVE" if f.port_id else "DOWN",
            "router_id": None,
            "fixed_ip_address": None,
        }
        for f in req.cloud.floating_ips
    ]
    return _neutron_list(req, "floatingips", "/network/v2.0/floatingips", items)


@route(r"/network/v2\.0/security-groups")
def security_groups(req: Request) -> Result:
    items = [
        {
            "id": g.id,
            "name": g.name,
            "project_id": g.project_id,
            "description": "",
            "security_group_rules": [],
        }
        for g in req.cloud.security_groups
    ]
    return _neutron_list(req, "security_groups", "/network/v2.0/security-groups", items)


@route(r"/network/v2\.0/security-group-rules")
def security_group_rules(req: Request) -> Result:
    items = [
        {
            "id": f"{g.id[:-2]}{i:02d}",
            "security_group_id": g.id,
            "project_id": g.project_id,
            "direction": "ingress",
            "ethertype": "IPv4",
        }
        for g in req.cloud.security_groups
        for i in range(g.rules)
    ]
    return _neutron_list(req, "security_group_rules", "/network/v2.0/security-group-rules", items)


@route(r"/identity/v3/domains")
def domains(req: Request) -> Result:
    return 200, {
        "links": _links(req, "/identity/v3/domains"),
        "domains": [
            {
                "id": "default",
                "name": "Default",
                "enabled": True,
                "description": "",
                "links": {"self": f"{req.base}/identity/v3/domains/default"},
                "tags": [],
            }
        ],
    }


@route(r"/placement/resource_providers/([0-9a-f-]{36})/allocations")
def provider_allocations(req: Request, uuid: str) -> Result:
    cloud = req.cloud
    with cloud.lock:
        p = cloud.providers.get(uuid)
        if p is None:
            return NOT_FOUND
        allocs = {
            consumer: {"resources": dict(alloc[uuid])}
            for consumer, alloc in cloud.allocations.items()
            if uuid in alloc
        }
        return 200, {"allocations": allocs, "resource_provider_generation": p.generation}


@route(r"/compute/v2\.1/os-migrations")
def migrations(req: Request) -> Result:
    # The demo cloud migrates nothing: an empty list, as Nova returns it.
    return 200, {"migrations": []}


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
