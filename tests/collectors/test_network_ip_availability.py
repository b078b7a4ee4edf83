from exporter.demo import DemoCloud
from tests.conftest import sample


def subnet_labels(cloud: DemoCloud, subnet_name: str) -> dict[str, str]:
    for net in cloud.networks:
        for s in net.subnets:
            if s.name == subnet_name:
                return {"network_id": net.id, "subnet_id": s.id, "ip_version": str(s.ip_version)}
    raise KeyError(subnet_name)


def test_subnets_and_external_pools(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_ip_availability")
    pub = subnet_labels(cloud, "public-v4")
    assert h.value("openstack_network_subnet_ip_capacity", **pub) == 253
    assert h.value("openstack_network_subnet_ip_used", **pub) == 241
    v6 = subnet_labels(cloud, "public-v6")
    assert h.value("openstack_network_subnet_ip_capacity", **v6) == float(18446744073709551000)
    externals = {s["network_name"] for s in h.series("openstack_network_external_network_info")}
    assert externals == {"public", "provider-vlan100"}
    assert len(h.series("openstack_network_subnet_ip_used")) == 6

    cloud.networks[0].subnets[0].used_ips = 253
    cloud.networks.pop()  # a project network is deleted
    h.run("network_ip_availability")
    assert h.value("openstack_network_subnet_ip_used", **pub) == 253
    assert len(h.series("openstack_network_subnet_ip_used")) == 5


def test_external_only(harness):
    h = harness(collectors={"network_ip_availability": {"external_only": True}})
    h.run("network_ip_availability")
    assert len(h.series("openstack_network_subnet_ip_used")) == 3


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    body = sample(samples, "network/network-ip-availability/network-ip-availability-list.json")
    cloud.overrides[("GET", "/network/v2.0/network-ip-availabilities")] = body
    h = harness()
    h.run("network_ip_availability")
    first = body["network_ip_availabilities"][0]
    sub = first["subnet_ip_availability"][1]
    labels = {"network_id": first["network_id"], "subnet_id": sub["subnet_id"], "ip_version": "4"}
    assert h.value("openstack_network_subnet_ip_capacity", **labels) == 253
    assert h.value("openstack_network_subnet_ip_used", **labels) == 1
    assert (
        h.value(
            "openstack_network_subnet_info",
            network_id=first["network_id"],
            subnet_id=sub["subnet_id"],
            network_name="public",
            subnet_name="public-subnet",
            cidr="172.24.4.0/24",
            project_id=first["project_id"],
        )
        == 1
    )
