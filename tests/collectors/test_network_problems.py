"""Network problems: unassociated floating IPs, DOWN ports on ACTIVE servers, routers with
interfaces but no gateway; counted per project, kept as findings for /problems, gone once fixed."""

import time

from exporter.collectors.network_problems import classify
from exporter.contract import Finding
from exporter.demo import DemoCloud
from exporter.sources.floating_ips import FloatingIp
from exporter.sources.ports import Port
from exporter.sources.routers import Router

NET = "openstack_network_problems"


def by_problem(h) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in h.series(NET):
        out[s["problem"]] = out.get(s["problem"], 0) + h.value(NET, **s)
    return out


def test_network_problems(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_problems")
    unassociated = sum(1 for f in cloud.floating_ips if f.port_id is None)
    assert by_problem(h) == {
        "floating_ip_unassociated": unassociated,
        "port_down_on_active_server": 1,
        "router_without_gateway": 1,
    }
    for fip in cloud.floating_ips:
        fip.port_id = fip.port_id or cloud.ports[0].id
    next(
        p
        for p in cloud.ports
        if p.status == "DOWN"
        and p.device_owner == "compute:nova"
        and any(s.id == p.device_id and s.status == "ACTIVE" for s in cloud.servers)
    ).status = "ACTIVE"
    next(
        r for r in cloud.routers if r.gateway_network_id is None
    ).gateway_network_id = cloud.networks[0].id
    h.run("network_problems")
    assert h.series(NET) == []


def test_a_down_port_counts_only_while_its_server_is_active(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_problems")
    assert by_problem(h)["port_down_on_active_server"] == 1
    servers = {s.id: s for s in cloud.servers}
    down = next(
        p
        for p in cloud.ports
        if p.status == "DOWN" and p.device_id in servers and servers[p.device_id].status == "ACTIVE"
    )
    # Nova stamps updated_at with each change: the servers source's delta sees it.
    servers[down.device_id].status, servers[down.device_id].updated = "SHUTOFF", time.time()
    h.run("network_problems")
    assert "port_down_on_active_server" not in by_problem(h)


def test_detail_mode_is_opt_in(harness):
    h = harness()
    h.run("network_problems")
    assert h.series("openstack_network_problem_info") == []
    h = harness(collectors={"network_problems": {"detail_metrics": True}})
    h.run("network_problems")
    assert h.series("openstack_network_problem_info")
    assert all(s["resource_id"] for s in h.series("openstack_network_problem_info"))


def test_findings_carry_resource_names(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_problems")
    names = {
        (f.resource_type, f.problem): f.resource_name
        for f in h.store.states()["network_problems"].findings
    }
    assert names[("router", "router_without_gateway")] == "no-gateway"
    # A floating IP has no name: its address stands in for one.
    fip = next(f for f in cloud.floating_ips if f.port_id is None)
    assert names[("floating_ip", "floating_ip_unassociated")].startswith("203.0.113.")
    assert fip.address.startswith("203.0.113.")


def test_cloud_without_neutron_is_skipped(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "network")
    h = harness()
    h.run("network_problems")
    assert h.value("openstack_exporter_collector_success", collector="network_problems") == 1
    assert h.value("openstack_exporter_collector_service_absent", collector="network_problems") == 1


def test_a_port_listing_without_ids_fails_and_keeps_the_last_data(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_problems")
    before = by_problem(h)
    cloud.overrides[("GET", "/network/v2.0/ports")] = {"ports": [{"project_id": "p"}]}
    h.run("network_problems")
    assert h.value("openstack_exporter_collector_success", collector="network_problems") == 0
    assert "without an id" in (h.store.states()["network_problems"].last_error or "")
    assert by_problem(h) == before


def test_classify():
    ports = [
        Port("p1", "eth0", "proj", "compute:nova", "srv-up", "DOWN"),
        Port("p2", "", "proj", "compute:nova", "srv-off", "DOWN"),
        Port("p3", "", "proj", "network:router_interface", "r1", "ACTIVE"),
        Port("p4", "", "proj", "network:router_interface_distributed", "r2", "DOWN"),
    ]
    routers = [
        Router("r1", "lonely", "proj", "ACTIVE", has_gateway=False),
        Router("r2", "dvr", "proj", "ACTIVE", has_gateway=True),
        Router("r3", "unused", "proj", "ACTIVE", has_gateway=False),  # no interface: fine
    ]
    ips = [FloatingIp("f1", "proj", "203.0.113.9", ""), FloatingIp("f2", "proj", "x", "p1")]
    found = classify(ips, ports, routers, {"srv-up"})
    assert found == [
        Finding(
            "floating_ip",
            "f1",
            "proj",
            "floating_ip_unassociated",
            "203.0.113.9",
            None,
            resource_name="203.0.113.9",
        ),
        Finding(
            "port", "p1", "proj", "port_down_on_active_server", "DOWN", None, resource_name="eth0"
        ),
        Finding(
            "router", "r1", "proj", "router_without_gateway", "ACTIVE", None, resource_name="lonely"
        ),
    ]
