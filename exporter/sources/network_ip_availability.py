"""IP addresses per subnet of every network: how many the allocation pools hold, how many are
used (Neutron network-ip-availabilities, an admin-only API).

Full sync only: ⌈networks / 1000⌉ calls of ``GET /v2.0/network-ip-availabilities``. Neutron
computes it at each read from the IP allocations and offers no delta.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed
from exporter.sources._neutron import text

PATH = "/network-ip-availabilities"


@dataclass(frozen=True, slots=True)
class SubnetIps:
    subnet_id: str
    name: str
    cidr: str
    ip_version: int | None
    total_ips: float  # IPv6 pools hold 2⁶⁴ addresses: a float, as exported
    used_ips: float


@dataclass(frozen=True, slots=True)
class NetworkIps:
    network_id: str
    name: str
    project_id: str
    subnets: tuple[SubnetIps, ...]


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError("network", PATH, "an address count that is not a number")
    return float(value)


def subnet(item: Any) -> SubnetIps:
    if not isinstance(item, dict) or not isinstance(item.get("subnet_id"), str):
        raise ApiError("network", PATH, "a subnet without a subnet_id")
    version = item.get("ip_version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ApiError("network", PATH, "a subnet whose ip_version is not a number")
    return SubnetIps(
        item["subnet_id"],
        text(item, "subnet_name"),
        text(item, "cidr"),
        version,
        _number(item.get("total_ips")),
        _number(item.get("used_ips")),
    )


def network_ips(item: Mapping[str, Any]) -> NetworkIps:
    if not isinstance(item.get("network_id"), str):
        raise ApiError("network", PATH, "an availability without a network_id")
    subnets = item.get("subnet_ip_availability") or []
    if not isinstance(subnets, list):
        raise ApiError("network", PATH, "subnet_ip_availability is not a list")
    return NetworkIps(
        item["network_id"],
        text(item, "network_name"),
        str(item.get("project_id") or item.get("tenant_id") or ""),
        tuple(subnet(s) for s in subnets),
    )


class NetworkIpAvailability(Source[tuple[NetworkIps, ...]]):
    name = "network_ip_availability"
    services = ("network",)
    access = (("network", "/v2.0/network-ip-availabilities"),)

    def full(self, ctx: SyncContext) -> tuple[NetworkIps, ...]:
        networks = tuple(
            network_ips(item)
            for item in ctx.api.pages("network", PATH, "network_ip_availabilities")
        )
        old = None if ctx.previous is None else {n.network_id: n for n in ctx.previous}
        ctx.count_changed(changed(old, {n.network_id: n for n in networks}))
        return networks
