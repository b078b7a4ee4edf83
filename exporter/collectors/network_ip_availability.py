"""IP addresses per subnet: how many the allocation pools hold and how many are used.

External networks (``router:external``, where floating IPs come from) are marked through
``openstack_network_external_network_info`` so an admin can watch the pools about to run dry.

Reads the network_ip_availability source (``GET /v2.0/network-ip-availabilities``) and the
networks source (``GET /v2.0/networks`` with ``fields=``; shared with quota usage). Series:
subnets × 2, or only the external networks' subnets with ``external_only: true`` (for clouds
with many project networks).

    openstack_network_subnet_ip_capacity{network_id="…",subnet_id="…",ip_version="4"} 253.0
    openstack_network_subnet_ip_used{network_id="…",subnet_id="…",ip_version="4"} 241.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.network_ip_availability import NetworkIpAvailability, NetworkIps
from exporter.sources.networks import Networks, external_networks

_BG = "(Neutron network-ip-availabilities; collected in background)"
LABELS = ["network_id", "subnet_id", "ip_version"]


@collector(
    "network_ip_availability",
    interval=120,
    help="IP addresses in use per subnet; external (floating IP) networks marked",
    options={"external_only": False},
    reads=(NetworkIpAvailability, Networks),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    external = external_networks(model[Networks])
    availabilities: Iterable[NetworkIps] = model[NetworkIpAvailability]
    if settings.options["external_only"]:
        availabilities = [a for a in availabilities if a.network_id in external]
    return ip_families(availabilities, external)


def ip_families(availabilities: Iterable[NetworkIps], external: Mapping[str, str]) -> list[Metric]:
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
        ext_info.add_metric([net_id, name], {})
    for net in sorted(availabilities, key=lambda a: a.network_id):
        for sub in sorted(net.subnets, key=lambda s: s.subnet_id):
            version = "" if sub.ip_version is None else str(sub.ip_version)
            labels = [net.network_id, sub.subnet_id, version]
            capacity.add_metric(labels, sub.total_ips)
            used.add_metric(labels, sub.used_ips)
            subnet_info.add_metric(
                labels[:2],
                {
                    "network_name": net.name,
                    "subnet_name": sub.name,
                    "cidr": sub.cidr,
                    "project_id": net.project_id,
                },
            )
    return [capacity, used, subnet_info, ext_info]
