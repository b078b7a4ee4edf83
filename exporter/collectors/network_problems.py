"""Network waste and breakage, per project: floating IPs allocated but not associated, ports
DOWN on ACTIVE servers, and routers with interfaces but no external gateway.

Cost per run: floating IPs, routers and ports of all projects (a page each unless capped) and
⌈servers / 1000⌉ pages of ``GET /servers/detail?all_tenants=1`` (for ACTIVE servers).

    openstack_network_problems{problem="floating_ip_unassociated",project_id="…",
        resource_type="floating_ip"} 2.0
"""

from __future__ import annotations

from exporter.collectors import Api, CollectorSettings, Finding, Findings, collector
from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.collectors._servers import servers


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
def collect(api: Api, settings: CollectorSettings) -> Findings:
    api.require_service(("network",))
    found = []
    for ip in api.pages("network", "/floatingips", "floatingips"):
        if not ip.get("port_id"):
            found.append(
                Finding(
                    "floating_ip",
                    str(ip["id"]),
                    str(ip.get("project_id") or ""),
                    "floating_ip_unassociated",
                    str(ip.get("floating_ip_address") or ""),
                    None,
                    # A floating IP has no name; admins and users call it by its address.
                    resource_name=str(ip.get("floating_ip_address") or ""),
                )
            )
    active = {s["id"] for s in servers(api) if s.get("status") == "ACTIVE"}
    interfaces: set[str] = set()
    # Only the fields used: a port listing is the largest Neutron answer (openstack-exporter
    # issue #540: an unfiltered one saturated Neutron).
    fields = ["id", "name", "project_id", "device_owner", "device_id", "status"]
    for port in api.pages("network", "/ports", "ports", {"fields": fields}):
        owner = str(port.get("device_owner") or "")
        if owner.startswith("network:router_interface"):
            interfaces.add(str(port.get("device_id")))
        if (
            owner.startswith("compute:")
            and port.get("status") == "DOWN"
            and port.get("device_id") in active
        ):
            found.append(
                Finding(
                    "port",
                    str(port["id"]),
                    str(port.get("project_id") or ""),
                    "port_down_on_active_server",
                    "DOWN",
                    None,
                    resource_name=str(port.get("name") or ""),
                )
            )
    for router in api.pages("network", "/routers", "routers"):
        if not router.get("external_gateway_info") and router.get("id") in interfaces:
            found.append(
                Finding(
                    "router",
                    str(router["id"]),
                    str(router.get("project_id") or ""),
                    "router_without_gateway",
                    str(router.get("status") or ""),
                    None,
                    resource_name=str(router.get("name") or ""),
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
