"""Neutron agents: alive, admin_state_up, heartbeat, per agent type and host.

Reads the network_agents source: 1 API call per sync (``GET /v2.0/agents``). A cloud without
Neutron is reported as skipped (service absent); an ML2/OVN one without agents is an empty
result.

    openstack_network_agent_up{agent_type="L3 agent",binary="neutron-l3-agent",host="ctl-01",
        zone="nova"} 1.0
    openstack_network_agent_admin_state_up{agent_type="Open vSwitch agent",...,host="cmp-003",
        zone=""} 1.0
    openstack_network_agent_last_seen_timestamp_seconds{...} 1.7956008e+09
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.network_agents import Agent, NetworkAgents

LABELS = ["agent_type", "binary", "host", "zone"]
_BG = "(Neutron agents; collected in background)"


@collector(
    "network_agents",
    interval=60,
    help="Neutron agents: alive, admin_state_up",
    reads=(NetworkAgents,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return agent_families(model[NetworkAgents])


def agent_families(agents: Iterable[Agent]) -> list[Metric]:
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
        key = (agent.agent_type, agent.binary, agent.host, agent.zone)
        alive, admin_up, last = agent.alive, agent.admin_state_up, agent.heartbeat
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
