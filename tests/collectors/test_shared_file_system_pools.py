"""shared_file_system_pools: driver figures as numbers or 'unknown' strings, Manila's
CapacityFilter rule for the largest new share, pools of dead or disabled back ends gone."""

import math

import pytest

from exporter.collectors.shared_file_system_pools import available_gib, thin
from exporter.demo import DemoCloud
from tests.conftest import sample

GIB = 2**30
P = "openstack_shared_file_system_pool_"
NAME = "shared_file_system_pools"
CEPH, AGGR1, AGGR2, GLUSTER = (
    "shr-01@cephfs#cephfs",
    "shr-02@netapp#aggr1",
    "shr-02@netapp#aggr2",
    "shr-03@glusterfs#glusterfs",
)


def test_pools_with_numbers_and_strings(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    v = h.value
    assert v(P + "capacity_bytes", pool=CEPH) == 20480 * GIB
    assert v(P + "free_bytes", pool=CEPH) == 12288 * GIB
    assert v(P + "allocated_bytes", pool=CEPH) == 7000 * GIB
    assert v(P + "reserved_ratio", pool=CEPH) == 0.05
    # Thick: floor(12288 - 20480 × 5%) = 11264.
    assert v(P + "available_bytes", pool=CEPH) == 11264 * GIB
    # CephFS reports no provisioned figure and no ratio: no series, not 0.
    assert v(P + "provisioned_bytes", pool=CEPH) is None
    assert v(P + "max_over_subscription_ratio", pool=CEPH) is None
    # Thin, ratio 10: min(10 × 10240 - 60000 = 42400, 600 free × 10 = 6000).
    assert v(P + "available_bytes", pool=AGGR1) == 6000 * GIB
    assert v(P + "provisioned_bytes", pool=AGGR1) == 60000 * GIB
    assert v(P + "thin_provisioning", pool=AGGR1) == 1
    # Thin as a list of modes ([True, False]); reserve 5 %: room floor(8192 - 512) = 7680,
    # min(20 × 10240 - 4000 = 200800, 7680 × 20 = 153600).
    assert v(P + "thin_provisioning", pool=AGGR2) == 1
    assert v(P + "max_over_subscription_ratio", pool=AGGR2) == 20
    assert v(P + "available_bytes", pool=AGGR2) == 153600 * GIB
    # 'unknown' capacities: no series, capacity_known 0; the filter lets any share through.
    assert v(P + "capacity_bytes", pool=GLUSTER) is None
    assert v(P + "free_bytes", pool=GLUSTER) is None
    assert v(P + "capacity_known", pool=GLUSTER) == 0
    assert v(P + "capacity_known", pool=CEPH) == 1
    assert v(P + "available_bytes", pool=GLUSTER) == math.inf
    assert (
        v(
            P + "info",
            pool=AGGR1,
            share_backend_name="NETAPP",
            storage_protocol="NFS_CIFS",
            vendor_name="NetApp",
            driver_version="2.0",
            driver_handles_share_servers="true",
        )
        == 1
    )


def test_pools_of_dead_or_disabled_back_ends_are_not_listed(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    listed = {s["pool"] for s in h.series(P + "capacity_bytes")} | {GLUSTER}
    assert listed == {CEPH, AGGR1, AGGR2, GLUSTER}  # shr-04 killed, shr-05 disabled
    cloud.restart_share_service("shr-04@generic")
    cloud.kill_share_service("shr-01@cephfs")
    cloud.manila_service("shr-01@cephfs").silent_since -= 120
    h.run(NAME)
    pools = {s["pool"] for s in h.series(P + "capacity_known")}
    assert "shr-04@generic#GENERIC" in pools
    assert CEPH not in pools


@pytest.mark.parametrize(
    ("caps", "expected"),
    [
        # Unknown total: the free space when nothing is reserved, else nothing fits.
        ({"total_capacity_gb": "unknown", "free_capacity_gb": 10, "reserved_percentage": 0}, 10),
        ({"total_capacity_gb": "unknown", "free_capacity_gb": 10, "reserved_percentage": 5}, 0),
        ({"total_capacity_gb": 0, "free_capacity_gb": 0}, 0),
        ({"total_capacity_gb": 100, "free_capacity_gb": 2, "reserved_percentage": 10}, 0),
        # The filter cannot compute with an infinite total: unknown.
        ({"total_capacity_gb": "infinite", "free_capacity_gb": 10}, None),
        ({"total_capacity_gb": 100, "free_capacity_gb": "infinite"}, math.inf),
        # Thin without the figures the scheduler would take from its own config or DB.
        ({"total_capacity_gb": 100, "free_capacity_gb": 50, "thin_provisioning": True}, None),
        (
            {
                "total_capacity_gb": 100,
                "free_capacity_gb": 50,
                "thin_provisioning": True,
                "max_over_subscription_ratio": 0.5,
                "provisioned_capacity_gb": 10,
            },
            0,
        ),
        # A driver offering only thick ([False]) is thick.
        (
            {
                "total_capacity_gb": 100,
                "free_capacity_gb": 50,
                "thin_provisioning": [False],
                "max_over_subscription_ratio": "2.0",
            },
            50,
        ),
    ],
)
def test_capacity_filter_rule(caps, expected):
    assert available_gib(caps) == expected


def test_thin_modes():
    assert thin({"thin_provisioning": [True, False]})
    assert not thin({"thin_provisioning": [False]})
    assert not thin({"thin_provisioning": "True"})  # not a driver's value: not guessed
    assert not thin({})


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", "/share/v2/scheduler-stats/pools/detail")] = sample(
        samples, "shared-file-system/pools-list-detailed-response.json"
    )
    h = harness()
    h.run(NAME)
    alpha = "opencloud@alpha#ALPHA_pool"
    assert h.value(P + "capacity_bytes", pool=alpha) == 1230 * GIB
    assert h.value(P + "free_bytes", pool=alpha) == 1210 * GIB
    assert h.value(P + "available_bytes", pool=alpha) == 1210 * GIB
    # The sample's pools report no allocated/provisioned figures: no series rather than 0.
    assert h.value(P + "allocated_bytes", pool=alpha) is None
    assert h.value(P + "thin_provisioning", pool=alpha) == 0
    assert len(h.series(P + "capacity_bytes")) == 4
    assert (
        h.value(
            P + "info",
            pool="opencloud@gamma#GAMMA_pool",
            share_backend_name="GAMMA",
            storage_protocol="NFS_CIFS",
            vendor_name="Open Source",
            driver_version="1.0",
            driver_handles_share_servers="false",
        )
        == 1
    )


def test_a_pool_without_a_name_fails_the_sync(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    cloud.overrides[("GET", "/share/v2/scheduler-stats/pools/detail")] = {
        "pools": [{"capabilities": {"total_capacity_gb": 1}}]
    }
    h.run(NAME)
    state = h.store.states()[NAME]
    assert not state.last_ok
    assert "a pool without a name" in (state.last_error or "")
    assert h.value(P + "capacity_bytes", pool=CEPH) == 20480 * GIB


def test_cloud_without_manila_is_skipped_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "shared-file-system")
    h = harness()
    h.run(NAME)
    assert h.value("openstack_exporter_collector_service_absent", collector=NAME) == 1
    assert h.value("openstack_exporter_collector_success", collector=NAME) == 1
