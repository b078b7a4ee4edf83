"""Network waste and breakage, per project: floating IPs allocated but not associated, ports
DOWN on ACTIVE servers, and routers with interfaces but no external gateway.

Reads the floating_ips, ports and routers sources (each a full listing with ``fields=`` at every
sync, shared with quota usage) and the servers source (for ACTIVE servers: a full listing,
then changes-since deltas).

    openstack_network_problems{problem="floating_ip_unassociated",project_id="…",
        resource_type="floating_ip"} 2.0
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.floating_ips import FloatingIp, FloatingIps
from exporter.sources.ports import Port, Ports
from exporter.sources.routers import Router, Routers
from exporter.sources.servers import Servers


@collector(
    "network_problems",
    interval=300,
    help="Unassociated floating IPs, DOWN ports on ACTIVE servers, routers without gateway",
    options={**DETAIL_OPTION},
    reads=(FloatingIps, Ports, Routers, Servers),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    active = {s.id for s in model[Servers].servers.values() if s.status == "ACTIVE"}
    found = classify(model[FloatingIps].items, model[Ports].items, model[Routers].items, active)
    return problem_result(
        "openstack_network_problem",
        "Network resources with a problem, by project and problem (Neutron; collected in "
        "background).",
        found,
        settings.options["detail_metrics"],
        with_age=False,
    )


def classify(
    floating_ips: Iterable[FloatingIp],
    ports: Iterable[Port],
    routers: Iterable[Router],
    active_servers: Collection[str],
) -> list[Finding]:
    found = []
    for ip in floating_ips:
        if not ip.port_id:
            found.append(
                Finding(
                    "floating_ip",
                    ip.id,
                    ip.project_id,
                    "floating_ip_unassociated",
                    ip.address,
                    None,
                    # A floating IP has no name: admins and users call it by its address.
                    resource_name=ip.address,
                )
            )
    interfaces: set[str] = set()
    for port in ports:
        if port.device_owner.startswith("network:router_interface"):
            interfaces.add(port.device_id)
        if (
            port.device_owner.startswith("compute:")
            and port.status == "DOWN"
            and port.device_id in active_servers
        ):
            found.append(
                Finding(
                    "port",
                    port.id,
                    port.project_id,
                    "port_down_on_active_server",
                    "DOWN",
                    None,
                    resource_name=port.name,
                )
            )
    for router in routers:
        if not router.has_gateway and router.id in interfaces:
            found.append(
                Finding(
                    "router",
                    router.id,
                    router.project_id,
                    "router_without_gateway",
                    router.status,
                    None,
                    resource_name=router.name,
                )
            )
    return found
