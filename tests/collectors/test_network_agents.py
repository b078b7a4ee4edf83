from exporter.demo import DemoCloud
from tests.conftest import sample

OVS = {"agent_type": "Open vSwitch agent", "binary": "neutron-openvswitch-agent", "zone": ""}


def test_demo_cloud_agents(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_agents")
    assert h.value("openstack_network_agent_up", **OVS, host="cmp-001") == 1
    assert h.value("openstack_network_agent_up", **OVS, host="cmp-003") == 0  # dead in the demo
    assert h.value("openstack_network_agent_admin_state_up", **OVS, host="cmp-003") == 1
    dhcp = {"agent_type": "DHCP agent", "binary": "neutron-dhcp-agent", "zone": "nova"}
    assert h.value("openstack_network_agent_up", **dhcp, host="ctl-01") == 1
    # 6 OVS agents on computes + dhcp/l3/metadata on one controller.
    assert len(h.series("openstack_network_agent_up")) == 9


def test_agent_disabled_and_removed(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_agents")
    agent = next(a for a in cloud.agents if a.host == "cmp-004")
    agent.admin_state_up = False
    h.run("network_agents")
    assert h.value("openstack_network_agent_admin_state_up", **OVS, host="cmp-004") == 0
    cloud.remove_host("cmp-004")
    h.run("network_agents")
    assert "cmp-004" not in {s["host"] for s in h.series("openstack_network_agent_up")}


def test_cloud_without_neutron_is_skipped(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "network")
    h = harness()
    h.run("network_agents")
    assert h.value("openstack_exporter_collector_success", collector="network_agents") == 1
    assert h.value("openstack_exporter_collector_service_absent", collector="network_agents") == 1


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", "/network/v2.0/agents")] = sample(
        samples, "network/agents/agents-list-response.json"
    )
    h = harness()
    h.run("network_agents")
    assert h.value("openstack_network_agent_up", **OVS, host="agenthost1") == 1
    # "2017-09-12 19:40:08": Neutron's format, space-separated and UTC.
    assert (
        h.value("openstack_network_agent_last_seen_timestamp_seconds", **OVS, host="agenthost1")
        == 1505245208.0
    )
    l3 = {"agent_type": "L3 agent", "binary": "neutron-l3-agent", "zone": "nova"}
    assert h.value("openstack_network_agent_admin_state_up", **l3, host="agenthost1") == 1
    assert len(h.series("openstack_network_agent_up")) == 4
