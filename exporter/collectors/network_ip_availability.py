"""IP addresses per subnet: how many the allocation pools hold and how many are used.

External networks (``router:external``, where floating IPs come from) are marked through
``openstack_network_external_network_info`` so an admin can watch the pools about to run dry.

Cost per run: 2 API calls (``GET /v2.0/network-ip-availabilities``,
``GET /v2.0/networks?router:external=True``). Series: subnets × 2, or only the external
networks' subnets with ``external_only: true`` (for clouds with many project networks).

    openstack_network_subnet_ip_capacity{network_id="…",subnet_id="…",ip_version="4"} 253.0
    openstack_network_subnet_ip_used{network_id="…",subnet_id="…",ip_version="4"} 241.0
"""

from __future__ import annotations

from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.collectors import Api, CollectorSettings, collector

_BG = "(Neutron network-ip-availabilities; collected in background)"
LABELS = ["network_id", "subnet_id", "ip_version"]


@collector(
    "network_ip_availability",
    interval=120,
    help="IP addresses in use per subnet; external (floating IP) networks marked",
    options={"external_only": False},
    access=(("network", "/v2.0/network-ip-availabilities"), ("network", "/v2.0/networks")),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    api.require_service(("network",))
    external = {
        str(n["id"]): str(n.get("name") or "")
        for n in api.pages(
            "network", "/networks", "networks", {"router:external": True, "fields": ["id", "name"]}
        )
    }
    availabilities = list(
        api.pages("network", "/network-ip-availabilities", "network_ip_availabilities")
    )
    if settings.options["external_only"]:
        availabilities = [a for a in availabilities if a.get("network_id") in external]
    return ip_families(availabilities, external)


def ip_families(availabilities: list[dict[str, Any]], external: dict[str, str]) -> list[Metric]:
    capacity = GaugeMetricFamily(
        "openstack_network_subnet_ip_capacity",
        f"Addresses in the subnet's allocation pools (total_ips) {_BG}.",
        labels=LABELS,
    )
    used = GaugeMetricFamily(
        "openstack_network_subnet_ip_used",
        f"Addresses of the subnet in use (used_ips) {_BG}.",
        labels=LABELS,
    )
    subnet_info = InfoMetricFamily(
        "openstack_network_subnet",
        f"Names and CIDR of a subnet, for joins {_BG}.",
        labels=["network_id", "subnet_id", "network_name", "subnet_name", "cidr", "project_id"],
    )
    ext_info = InfoMetricFamily(
        "openstack_network_external_network",
        "An external network (router:external), the pool floating IPs come from "
        "(Neutron networks; collected in background).",
        labels=["network_id", "network_name"],
    )
    for net_id, name in sorted(external.items()):
        ext_info.add_metric([net_id, name or ""], {})
    for net in sorted(availabilities, key=lambda a: str(a["network_id"])):
        net_id = str(net["network_id"])
        for sub in sorted(net.get("subnet_ip_availability") or [], key=lambda s: s["subnet_id"]):
            labels = [net_id, sub["subnet_id"], str(sub.get("ip_version", ""))]
            capacity.add_metric(labels, float(sub.get("total_ips") or 0))
            used.add_metric(labels, float(sub.get("used_ips") or 0))
            subnet_info.add_metric(
                labels[:2],
                {
                    "network_name": str(net.get("network_name") or ""),
                    "subnet_name": sub.get("subnet_name") or "",
                    "cidr": sub.get("cidr") or "",
                    "project_id": str(net.get("project_id") or net.get("tenant_id") or ""),
                },
            )
    return [capacity, used, subnet_info, ext_info]
