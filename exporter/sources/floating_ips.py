"""Neutron floating IPs of all projects: address, owner and the port they are associated with.

Full sync only: ⌈floating IPs / page_size⌉ calls of ``GET /v2.0/floatingips`` with ``fields=``
id, project_id, floating_ip_address and port_id alone. Neutron offers no delta that reveals
deletions (see ``_neutron``). Read by network_problems and counted per project for quota usage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.sources._neutron import RecordSource, ident, owner, text


@dataclass(frozen=True, slots=True)
class FloatingIp:
    id: str
    project_id: str
    address: str  # floating_ip_address
    port_id: str  # "" when not associated


class FloatingIps(RecordSource[FloatingIp]):
    name = "floating_ips"
    access = (("network", "/v2.0/floatingips"),)
    path = "/floatingips"
    key = "floatingips"
    fields = ("id", "project_id", "floating_ip_address", "port_id")

    def record(self, item: Mapping[str, Any]) -> FloatingIp:
        return FloatingIp(
            ident(item, self.path),
            owner(item, self.path),
            text(item, "floating_ip_address"),
            text(item, "port_id"),
        )
