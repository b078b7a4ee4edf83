"""Host aggregates, zones and host schedulability."""

from exporter.demo import DemoCloud
from tests.conftest import sample


def test_aggregates_zones_and_schedulability(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_aggregates")
    v = h.value
    assert (
        v("openstack_compute_aggregate_host_info", aggregate="az1", host="cmp-001", zone="az1") == 1
    )
    assert (
        v("openstack_compute_aggregate_host_info", aggregate="pinned", host="cmp-006", zone="") == 1
    )
    assert (
        v("openstack_compute_aggregate_metadata_info", aggregate="gpu", key="gpu", value="true")
        == 1
    )
    # The zone is a label, not repeated as metadata.
    assert not [
        s
        for s in h.series("openstack_compute_aggregate_metadata_info")
        if s["key"] == "availability_zone"
    ]
    assert v("openstack_compute_host_schedulable", host="cmp-001", zone="az1") == 1
    assert v("openstack_compute_host_schedulable", host="cmp-002", zone="az2") == 0  # disabled
    assert v("openstack_compute_host_schedulable", host="cmp-003", zone="az1") == 0  # down
    cloud.set_compute_service("cmp-002", status="enabled")
    cloud.remove_host("cmp-006")
    h.run("compute_aggregates")
    assert v("openstack_compute_host_schedulable", host="cmp-002", zone="az2") == 1
    assert not [
        s for s in h.series("openstack_compute_aggregate_host_info") if s["host"] == "cmp-006"
    ]


def test_upstream_aggregate_samples(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", "/compute/v2.1/os-aggregates")] = sample(
        samples, "compute/os-aggregates/v2.41/aggregates-list-get-resp.json"
    )
    h = harness()
    h.run("compute_aggregates")
    assert (
        h.value(
            "openstack_compute_aggregate_host_info", aggregate="name", host="compute", zone="london"
        )
        == 1
    )
