import math

from exporter.collectors.block_storage_pools import available_gib
from exporter.demo import DemoCloud
from tests.conftest import sample

GIB = 2**30


def test_pools_with_numbers_and_strings(harness, cloud: DemoCloud):
    h = harness()
    h.run("block_storage_pools")
    v = h.value
    lvm, ceph, nfs = "stor-01@lvm#lvm", "stor-02@ceph#volumes", "stor-03@nfs#nfs"
    assert v("openstack_block_storage_pool_capacity_bytes", pool=lvm) == 10240 * GIB
    assert v("openstack_block_storage_pool_free_bytes", pool=lvm) == 3072 * GIB
    assert v("openstack_block_storage_pool_reserved_ratio", pool=lvm) == 0.05
    # Thick pool: free minus floor(10240 × 5%) reserved = 3072 - 512.
    assert v("openstack_block_storage_pool_available_bytes", pool=lvm) == 2560 * GIB
    # Thin pool, ratio 4: min(free 150000, 4 × 204800 - 400000 = 419200) = 150000.
    assert v("openstack_block_storage_pool_available_bytes", pool=ceph) == 150000 * GIB
    assert v("openstack_block_storage_pool_max_over_subscription_ratio", pool=ceph) == 4.0
    assert v("openstack_block_storage_pool_thin_provisioning_support", pool=ceph) == 1
    # "infinite" total → +Inf; "unknown" free → no series, never a made-up 0.
    assert v("openstack_block_storage_pool_capacity_bytes", pool=nfs) == math.inf
    assert v("openstack_block_storage_pool_free_bytes", pool=nfs) is None
    assert v("openstack_block_storage_pool_capacity_known", pool=nfs) == 0
    assert v("openstack_block_storage_pool_capacity_known", pool=lvm) == 1
    assert v("openstack_block_storage_pool_available_bytes", pool=nfs) == math.inf
    assert (
        v(
            "openstack_block_storage_pool_info",
            pool=ceph,
            volume_backend_name="ceph",
            storage_protocol="ceph",
            vendor_name="Open Source",
            driver_version="1.2.0",
        )
        == 1
    )


def test_changes_and_vanished_pool(harness, cloud: DemoCloud):
    h = harness()
    h.run("block_storage_pools")
    cloud.pools[1].provisioned_gb = 780000  # nearly at 4 × 204800
    cloud.remove_pool("stor-01@lvm#lvm")
    h.run("block_storage_pools")
    assert (
        h.value("openstack_block_storage_pool_available_bytes", pool="stor-02@ceph#volumes")
        == (819200 - 780000) * GIB
    )
    assert "stor-01@lvm#lvm" not in {
        s["pool"] for s in h.series("openstack_block_storage_pool_capacity_bytes")
    }


def test_capacity_filter_rule_edge_cases():
    assert (
        available_gib(
            {"total_capacity_gb": "unknown", "free_capacity_gb": 10, "reserved_percentage": 5}
        )
        == 0
    )  # reserve of an unknown total
    assert available_gib({"total_capacity_gb": "infinite", "free_capacity_gb": 10}) == math.inf
    assert available_gib({"total_capacity_gb": 0, "free_capacity_gb": 0}) == 0
    assert (
        available_gib({"total_capacity_gb": 100, "free_capacity_gb": 2, "reserved_percentage": 10})
        == 0
    )  # free is below the reserve


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", "/volume/v3/scheduler-stats/get_pools")] = sample(
        samples, "block-storage/pools-list-detailed-response.json"
    )
    h = harness()
    h.run("block_storage_pools")
    assert h.value("openstack_block_storage_pool_capacity_bytes", pool="pool1") == 1024 * GIB
    assert h.value("openstack_block_storage_pool_available_bytes", pool="pool1") == 100 * GIB
    assert h.value("openstack_block_storage_pool_free_bytes", pool="pool2") == 200 * GIB
    # The sample's pools report no allocated/provisioned figures: no series rather than 0.
    assert h.value("openstack_block_storage_pool_provisioned_bytes", pool="pool1") is None
    assert (
        h.value(
            "openstack_block_storage_pool_info",
            pool="pool2",
            volume_backend_name="pool2",
            storage_protocol="iSER",
            vendor_name="",
            driver_version="1.0.1",
        )
        == 1
    )


def test_a_pool_without_a_name_fails_the_sync(harness, cloud: DemoCloud):
    h = harness()
    h.run("block_storage_pools")
    cloud.overrides[("GET", "/volume/v3/scheduler-stats/get_pools")] = {
        "pools": [{"capabilities": {"total_capacity_gb": 1}}]
    }
    h.run("block_storage_pools")
    state = h.store.states()["block_storage_pools"]
    assert not state.last_ok
    assert "a pool without a name" in (state.last_error or "")
    # The last good data stays served.
    assert h.value("openstack_block_storage_pool_capacity_bytes", pool="stor-01@lvm#lvm")
