"""Flavors and what each asks of Placement."""

from exporter.demo import DemoCloud
from tests.conftest import sample


def test_flavors(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_flavors")
    v = h.value
    assert (
        v(
            "openstack_compute_flavor_info",
            flavor_id="30",
            flavor_name="m1.private",
            is_public="false",
        )
        == 1
    )
    assert v("openstack_compute_flavor_ram_bytes", flavor_id="3") == 4096 * 2**20
    assert v("openstack_compute_flavor_disk_bytes", flavor_id="3") == 40 * 2**30
    assert (
        v("openstack_compute_flavor_resource_request", flavor_id="10", resource_class="PCPU") == 4
    )
    assert (
        v("openstack_compute_flavor_resource_request", flavor_id="10", resource_class="VCPU")
        is None
    )
    assert (
        v("openstack_compute_flavor_resource_request", flavor_id="20", resource_class="VGPU") == 1
    )
    assert (
        v(
            "openstack_compute_flavor_trait_request_info",
            flavor_id="20",
            trait="CUSTOM_NVIDIA_A100",
            requirement="required",
        )
        == 1
    )
    assert (
        v(
            "openstack_compute_flavor_extra_spec_info",
            flavor_id="10",
            key="aggregate_instance_extra_specs:pinned",
            value="true",
        )
        == 1
    )
    cloud.delete_flavor("m1.private")
    h.run("compute_flavors")
    assert not [s for s in h.series("openstack_compute_flavor_info") if s["flavor_id"] == "30"]


def test_upstream_flavor_samples(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", "/compute/v2.1/flavors/detail")] = sample(
        samples, "compute/flavors/v2.75/flavors-detail-resp.json"
    )
    h = harness()
    h.run("compute_flavors")
    assert h.value("openstack_compute_flavor_vcpus", flavor_id="5") == 8
    # hw:cpu_policy=shared asks for VCPU as usual; hw:numa_nodes is not a Placement matter.
    assert (
        h.value("openstack_compute_flavor_resource_request", flavor_id="7", resource_class="VCPU")
        == 1
    )
    assert (
        h.value(
            "openstack_compute_flavor_extra_spec_info",
            flavor_id="7",
            key="hw:cpu_policy",
            value="shared",
        )
        == 1
    )
    assert len(h.series("openstack_compute_flavor_info")) == 7
