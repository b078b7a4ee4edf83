"""Neutron agents: alive, admin_state_up, heartbeat, per agent type and host.

Cost: 1 API call per run (``GET /v2.0/agents``; Neutron pages it if the cloud sets a limit).
A cloud without Neutron, or an ML2/OVN one without agents, is normal: no Neutron is reported as
skipped; no agents is an empty result.
"""

from __future__ import annotations

from openstack.connection import Connection
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.collectors import CollectorSettings, collector
from exporter.connection import require_service, timestamp

LABELS = ["agent_type", "binary", "host", "zone"]
_BG = "(Neutron agents; collected in background)"


@collector(
    "network_agents",
    interval=60,
    help="Neutron agents: alive, admin_state_up",
    access=(("network", "/v2.0/agents"),),
)
def collect(conn: Connection, settings: CollectorSettings) -> list[Metric]:
    require_service(conn, ("network",))
    return agent_families(conn.network.agents())


def agent_families(agents: object) -> list[Metric]:
    up = GaugeMetricFamily(
        "openstack_network_agent_up",
        f"Whether Neutron reports the agent alive {_BG}.",
        labels=LABELS,
    )
    admin = GaugeMetricFamily(
        "openstack_network_agent_admin_state_up",
        f"Whether the agent's admin_state_up is true, i.e. not disabled by an operator {_BG}.",
        labels=LABELS,
    )
    seen = GaugeMetricFamily(
        "openstack_network_agent_last_seen_timestamp_seconds",
        f"Unix time of the agent's last heartbeat_timestamp {_BG}.",
        labels=LABELS,
    )
    rows: dict[tuple[str, ...], tuple[bool, bool, float | None]] = {}
    for agent in agents:  # type: ignore[attr-defined]
        key = (
            agent.agent_type or "",
            agent.binary or "",
            agent.host or "",
            agent.availability_zone or "",
        )
        alive, admin_up = bool(agent.is_alive), bool(agent.is_admin_state_up)
        last = timestamp(agent.last_heartbeat_at)
        if key in rows:  # one agent per (type, binary, host) in Neutron; be safe anyway
            o_alive, o_admin, o_last = rows[key]
            alive, admin_up = alive and o_alive, admin_up and o_admin
            last = max((t for t in (last, o_last) if t is not None), default=None)
        rows[key] = (alive, admin_up, last)
    for key, (alive, admin_up, last) in sorted(rows.items()):
        up.add_metric(list(key), float(alive))
        admin.add_metric(list(key), float(admin_up))
        if last is not None:
            seen.add_metric(list(key), last)
    return [up, admin, seen]
