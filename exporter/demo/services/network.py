"""Network (Neutron): its catalog entry and version document, its part of the cloud's state,
and its routes: agents, networks and IP availability, ports, routers, IPs, groups, quotas."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exporter.demo import bodies
from exporter.demo.routes import (
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


@dataclass(slots=True)
class Agent:
    id: str
    agent_type: str
    binary: str
    host: str
    zone: str | None
    alive: bool = True
    admin_state_up: bool = True
    down_since: float | None = None
    started_at: float = field(default_factory=time.time)


AGENT_KINDS = {
    "neutron-openvswitch-agent": "Open vSwitch agent",
    "neutron-dhcp-agent": "DHCP agent",
    "neutron-l3-agent": "L3 agent",
    "neutron-metadata-agent": "Metadata agent",
}


class NetworkState:
    """DemoCloud's network part: neutron agents and what projects own."""

    def add_agent(self, binary: str, host: str, zone: str | None = "nova") -> Agent:
        with self.lock:
            agent = Agent(self._uuid(), AGENT_KINDS[binary], binary, host, zone)
            self.agents.append(agent)
            return agent

    def network_quota_usage(self, project_id: str) -> dict[str, int]:
        """In-use figures as Neutron's quota API reports them."""
        with self.lock:
            subnets = [s for n in self.networks if n.project_id == project_id for s in n.subnets]
            sgs = [g for g in self.security_groups if g.project_id == project_id]
            return {
                "network": sum(1 for n in self.networks if n.project_id == project_id),
                "subnet": len(subnets),
                "port": sum(1 for p in self.ports if p.project_id == project_id),
                "router": sum(1 for r in self.routers if r.project_id == project_id),
                "floatingip": sum(1 for f in self.floating_ips if f.project_id == project_id),
                "security_group": len(sgs),
                "security_group_rule": sum(g.rules for g in sgs),
                "subnetpool": 0,
                "rbac_policy": 0,
            }


# -- catalog entry and version document ------------------------------------------------------------


def network_versions(base: str) -> dict[str, Any]:
    return {
        "versions": [
            {
                "id": "v2.0",
                "status": "CURRENT",
                "links": [{"href": f"{base}/network/v2.0/", "rel": "self"}],
            }
        ]
    }


SERVICE = offer(
    Service(
        "network",
        "neutron",
        "/network",
        "network",
        lambda base: {"/network": network_versions(base)},
        NetworkState,
    )
)


# -- routes ----------------------------------------------------------------------------------------


_AGENT_TOPICS = {"neutron-dhcp-agent": "dhcp_agent", "neutron-l3-agent": "l3_agent"}


def agents_body(cloud: DemoCloud) -> dict[str, Any]:
    now = time.time()
    out = []
    with cloud.lock:
        for a in cloud.agents:
            out.append(
                {
                    "binary": a.binary,
                    "description": None,
                    "availability_zone": a.zone,
                    "heartbeat_timestamp": bodies.neutron_time(bodies.heartbeat(a.down_since, now)),
                    "admin_state_up": a.admin_state_up,
                    "alive": a.alive,
                    "id": a.id,
                    "topic": _AGENT_TOPICS.get(a.binary, "N/A"),
                    "host": a.host,
                    "agent_type": a.agent_type,
                    "started_at": bodies.neutron_time(a.started_at),
                    "created_at": bodies.neutron_time(a.started_at),
                    # Only agents that report resources to Placement have it (neutron-lib sample).
                    "resources_synced": True if a.binary == "neutron-openvswitch-agent" else None,
                    "configurations": {},
                }
            )
    return {"agents": out}


@route(r"/network/v2\.0/agents")
def agents(req: Request) -> Result:
    return 200, {"agents": filter_by(agents_body(req.cloud)["agents"], req, "host", "agent_type")}


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
    return paged(req, "networks", items, "/network/v2.0/networks")


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
    return 200, {"quota": quota_set(req, "network", project_id, True, used_key="used")}


def _neutron_list(req: Request, key: str, path: str, items: list[dict[str, Any]]) -> Result:
    for item in items:
        item.setdefault("tenant_id", item["project_id"])
    return paged(req, key, filter_by(items, req, "project_id", "device_owner"), path)


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
