"""Neutron agents: alive, admin_state_up, heartbeat, per agent type and host.

Cost: 1 API call per run (``GET /v2.0/agents``; Neutron pages it if the cloud sets a limit).
A cloud without Neutron, or an ML2/OVN one without agents, is normal: no Neutron is reported as
skipped; no agents is an empty result.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.collectors import Api, CollectorSettings, collector
from exporter.connection import timestamp

LABELS = ["agent_type", "binary", "host", "zone"]
_BG = "(Neutron agents; collected in background)"


@collector(
    "network_agents",
    interval=60,
    help="Neutron agents: alive, admin_state_up",
    access=(("network", "/v2.0/agents"),),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    api.require_service(("network",))
    return agent_families(api.pages("network", "/agents", "agents"))


def agent_families(agents: Iterable[dict[str, Any]]) -> list[Metric]:
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
    for agent in agents:
        key = (
            str(agent.get("agent_type") or ""),
            str(agent.get("binary") or ""),
            str(agent.get("host") or ""),
            str(agent.get("availability_zone") or ""),
        )
        alive, admin_up = bool(agent.get("alive")), bool(agent.get("admin_state_up"))
        last = timestamp(agent.get("heartbeat_timestamp"))
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
