"""Neutron routers of all projects: owner, state and whether they have an external gateway.

Full sync only: ⌈routers / page_size⌉ calls of ``GET /v2.0/routers`` with ``fields=`` id, name,
project_id, status and external_gateway_info alone. Neutron offers no delta that reveals
deletions (see ``_neutron``). Read by network_problems and counted per project for quota usage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError
from exporter.sources._neutron import RecordSource, ident, owner, text


@dataclass(frozen=True, slots=True)
class Router:
    id: str
    name: str
    project_id: str
    status: str
    has_gateway: bool  # external_gateway_info is set


class Routers(RecordSource[Router]):
    name = "routers"
    access = (("network", "/v2.0/routers"),)
    path = "/routers"
    key = "routers"
    fields = ("id", "name", "project_id", "status", "external_gateway_info")

    def record(self, item: Mapping[str, Any]) -> Router:
        gateway = item.get("external_gateway_info")
        if gateway is not None and not isinstance(gateway, dict):
            raise ApiError(
                "network", self.path, "a router whose external_gateway_info is not an object"
            )
        return Router(
            ident(item, self.path),
            text(item, "name"),
            owner(item, self.path),
            text(item, "status"),
            bool(gateway),
        )
