from exporter.demo import DemoCloud
from tests.conftest import sample


def labels(host, rc, provider=None):
    return {"host": host, "resource_provider": provider or host, "resource_class": rc}


def test_inventory_and_usage_per_provider(harness, cloud: DemoCloud):
    h = harness()
    h.run("placement")
    v = h.value
    root = cloud.provider_by_name("cmp-001")
    assert v("openstack_placement_resource_inventory", **labels("cmp-001", "VCPU")) == 64
    assert v("openstack_placement_resource_allocation_ratio", **labels("cmp-001", "VCPU")) == 4.0
    assert v("openstack_placement_resource_reserved", **labels("cmp-001", "MEMORY_MB")) == 4096
    assert v("openstack_placement_resource_max_unit", **labels("cmp-001", "DISK_GB")) == 1800
    for rc in ("VCPU", "MEMORY_MB", "DISK_GB"):
        assert (
            v("openstack_placement_resource_usage", **labels("cmp-001", rc))
            == cloud.usages(root.uuid)[rc]
        )
    # cmp-006 is a pinned host: PCPU next to a little VCPU.
    assert v("openstack_placement_resource_inventory", **labels("cmp-006", "PCPU")) == 56
    # The vGPU child provider is reported against its root host.
    child = "cmp-004_pci_0000_81_00_0"
    assert v("openstack_placement_resource_inventory", **labels("cmp-004", "VGPU", child)) == 4
    assert v("openstack_placement_resource_usage", **labels("cmp-004", "VGPU", child)) == 1


def test_metrics_follow_boot_delete_ratio_and_removal(harness, cloud: DemoCloud):
    h = harness()
    h.run("placement")
    before = h.value("openstack_placement_resource_usage", **labels("cmp-005", "MEMORY_MB"))
    server = cloud.boot("m1.large", "cmp-005", cloud.projects[2].id)
    cloud.set_inventory("cmp-005", "VCPU", allocation_ratio=2.0)
    h.run("placement")
    assert (
        h.value("openstack_placement_resource_usage", **labels("cmp-005", "MEMORY_MB"))
        == before + 8192
    )
    assert (
        h.value("openstack_placement_resource_allocation_ratio", **labels("cmp-005", "VCPU")) == 2.0
    )
    cloud.delete_server(server.id)
    cloud.remove_host("cmp-004")
    h.run("placement")
    assert h.value("openstack_placement_resource_usage", **labels("cmp-005", "MEMORY_MB")) == before
    hosts = {s["host"] for s in h.series("openstack_placement_resource_inventory")}
    assert "cmp-004" not in hosts
    assert "cmp-005" in hosts


def test_upstream_samples(harness, cloud: DemoCloud, samples):
    providers = sample(samples, "placement/resource_providers/get-resource_providers.json")
    cloud.overrides[("GET", "/placement/resource_providers")] = providers
    for rp in providers["resource_providers"]:
        base = f"/placement/resource_providers/{rp['uuid']}"
        cloud.overrides[("GET", f"{base}/inventories")] = sample(
            samples, "placement/inventories/get-inventories.json"
        )
        cloud.overrides[("GET", f"{base}/traits")] = sample(
            samples, "placement/resource_provider_traits/get-resource_provider-traits.json"
        )
        cloud.overrides[("GET", f"{base}/allocations")] = sample(
            samples,
            "placement/resource_provider_allocations/get-resource_provider_allocations.json",
        )
    h = harness()
    h.run("placement")
    v = h.value
    assert v("openstack_placement_resource_inventory", **labels("pony1", "VCPU")) == 4
    assert v("openstack_placement_resource_allocation_ratio", **labels("pony1", "VCPU")) == 16.0
    assert v("openstack_placement_resource_max_unit", **labels("pony1", "VCPU")) == 4
    assert v("openstack_placement_resource_reserved", **labels("pony1", "MEMORY_MB")) == 512
    assert v("openstack_placement_resource_allocation_ratio", **labels("pony1", "MEMORY_MB")) == 1.5
    # Usage is the sum of the provider's allocations (256 + 512 + 1024 in the sample).
    assert v("openstack_placement_resource_usage", **labels("pony1", "MEMORY_MB")) == 1792
    # The sample's child names a root that is not in the list: it stands as its own host.
    assert v("openstack_placement_resource_inventory", **labels("vgr.localdomain", "DISK_GB")) == 35
    assert len(h.series("openstack_placement_resource_inventory")) == 6


def test_cloud_without_placement_is_skipped(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "placement")
    h = harness()
    h.run("placement", "flavor_capacity")
    for name in ("placement", "flavor_capacity"):
        assert h.value("openstack_exporter_collector_service_absent", collector=name) == 1
        assert h.value("openstack_exporter_collector_success", collector=name) == 1
