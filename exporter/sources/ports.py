"""Neutron ports of all projects, slim: what they are attached to, their state, their owner.

Full sync only: ⌈ports / page_size⌉ calls of ``GET /v2.0/ports`` with ``fields=`` id, name,
project_id, device_owner, device_id and status alone — the port listing is the largest
Neutron answer, and an unfiltered one saturated Neutron in big clouds (openstack-exporter issue
#540). Neutron offers no delta that reveals deletions (see ``_neutron``). Read by
network_problems (DOWN ports of servers, routers' interfaces) and counted per project for quota
usage.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.sources._neutron import RecordSource, ident, owner, text


@dataclass(frozen=True, slots=True)
class Port:
    id: str
    name: str
    project_id: str
    device_owner: str  # compute:<zone>, network:router_interface, network:dhcp...
    device_id: str  # the server, router... the port is attached to; "" when unbound
    status: str  # ACTIVE, DOWN, BUILD, ERROR


class Ports(RecordSource[Port]):
    name = "ports"
    access = (("network", "/v2.0/ports"),)
    path = "/ports"
    key = "ports"
    fields = ("id", "name", "project_id", "device_owner", "device_id", "status")

    def record(self, item: Mapping[str, Any]) -> Port:
        # Owners and states repeat across 100,000 ports: intern them, keep one string each.
        return Port(
            ident(item, self.path),
            text(item, "name"),
            owner(item, self.path),
            sys.intern(text(item, "device_owner")),
            text(item, "device_id"),
            sys.intern(text(item, "status")),
        )
