"""Neutron networks of all projects: which are external (where floating IPs come from), and how
many each project owns (quota usage).

Full sync only: ⌈networks / page_size⌉ calls of
``GET /v2.0/networks?fields=id&fields=name&fields=project_id&fields=router:external``. Neutron
offers no delta that reveals deletions (see ``_neutron``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError
from exporter.sources._neutron import Listing, RecordSource, ident, owner, text


@dataclass(frozen=True, slots=True)
class Network:
    id: str
    name: str
    project_id: str
    external: bool  # router:external


def external_networks(networks: Listing[Network]) -> dict[str, str]:
    """External network ID -> name."""
    return {n.id: n.name for n in networks.items if n.external}


class Networks(RecordSource[Network]):
    name = "networks"
    access = (("network", "/v2.0/networks"),)
    path = "/networks"
    key = "networks"
    fields = ("id", "name", "project_id", "router:external")

    def record(self, item: Mapping[str, Any]) -> Network:
        external = item.get("router:external", False)
        if not isinstance(external, bool):
            raise ApiError("network", self.path, "a network whose router:external is not a boolean")
        return Network(ident(item, self.path), text(item, "name"), owner(item, self.path), external)
