"""Network waste and breakage, per project: floating IPs allocated but not associated, ports
DOWN on ACTIVE servers, and routers with interfaces but no external gateway.

Cost per run: floating IPs, routers and ports of all projects (a page each unless capped) and
⌈servers / 1000⌉ pages of ``GET /servers/detail?all_tenants=1`` (for ACTIVE servers).

    openstack_network_problems{problem="floating_ip_unassociated",project_id="…",
        resource_type="floating_ip"} 2.0
"""

from __future__ import annotations

from openstack.connection import Connection

from exporter import listing
from exporter.collectors import CollectorSettings, Finding, Findings, collector
from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.connection import require_service


@collector(
    "network_problems",
    interval=300,
    help="Unassociated floating IPs, DOWN ports on ACTIVE servers, routers without gateway",
    options={**DETAIL_OPTION},
    access=(
        ("network", "/v2.0/floatingips"),
        ("network", "/v2.0/ports"),
        ("network", "/v2.0/routers"),
        ("compute", "/v2.1/servers/detail"),
    ),
)
def collect(conn: Connection, settings: CollectorSettings) -> Findings:
    require_service(conn, ("network",))
    found = []
    for ip in conn.network.ips():
        if not ip.port_id:
            found.append(
                Finding(
                    "floating_ip",
                    ip.id,
                    ip.project_id or "",
                    "floating_ip_unassociated",
                    ip.floating_ip_address or "",
                    None,
                )
            )
    active = {s["id"] for s in listing.servers(conn) if s.get("status") == "ACTIVE"}
    interfaces: set[str] = set()
    for port in conn.network.ports():
        owner = port.device_owner or ""
        if owner.startswith("network:router_interface"):
            interfaces.add(port.device_id)
        if owner.startswith("compute:") and port.status == "DOWN" and port.device_id in active:
            found.append(
                Finding(
                    "port",
                    port.id,
                    port.project_id or "",
                    "port_down_on_active_server",
                    port.status,
                    None,
                )
            )
    for router in conn.network.routers():
        if not router.external_gateway_info and router.id in interfaces:
            found.append(
                Finding(
                    "router",
                    router.id,
                    router.project_id or "",
                    "router_without_gateway",
                    router.status or "",
                    None,
                )
            )
    return problem_result(
        "openstack_network_problem",
        "Network resources with a problem, by project and problem (Neutron; collected in "
        "background).",
        found,
        settings.options["detail_metrics"],
        with_age=False,
    )
