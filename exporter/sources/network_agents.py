"""Neutron agents (L2, L3, DHCP, metadata...): alive, admin_state_up, heartbeat.

Full sync only: ⌈agents / 1000⌉ calls of ``GET /v2.0/agents`` (one for any real cloud). Neutron
has no delta for agents, and ``alive`` is computed at each read from the last heartbeat, so an
agent going down shows at the next sync. An ML2/OVN cloud may list none: an empty list is data.
"""

from __future__ import annotations

from dataclasses import dataclass

from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed
from exporter.sources._neutron import ident, text

PATH = "/agents"


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    agent_type: str
    binary: str
    host: str
    zone: str  # availability_zone; "" for agents without one (L2)
    alive: bool
    admin_state_up: bool
    heartbeat: float | None  # unix time of heartbeat_timestamp


class NetworkAgents(Source[tuple[Agent, ...]]):
    name = "network_agents"
    services = ("network",)
    access = (("network", "/v2.0/agents"),)

    def full(self, ctx: SyncContext) -> tuple[Agent, ...]:
        agents = tuple(
            Agent(
                id=ident(item, PATH),
                agent_type=text(item, "agent_type"),
                binary=text(item, "binary"),
                host=text(item, "host"),
                zone=text(item, "availability_zone"),
                alive=bool(item.get("alive")),
                admin_state_up=bool(item.get("admin_state_up")),
                heartbeat=timestamp(item.get("heartbeat_timestamp")),
            )
            for item in ctx.api.pages("network", PATH, "agents")
        )
        old = None if ctx.previous is None else {a.id: a for a in ctx.previous}
        ctx.count_changed(changed(old, {a.id: a for a in agents}))
        return agents
