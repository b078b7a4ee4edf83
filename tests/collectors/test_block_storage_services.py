from exporter.demo import DemoCloud
from tests.conftest import sample

VOL = {"binary": "cinder-volume", "zone": "nova"}


def test_demo_cloud_states(harness, cloud: DemoCloud):
    h = harness()
    h.run("block_storage_services")
    assert h.value("openstack_block_storage_service_up", **VOL, host="stor-01@lvm") == 1
    assert h.value("openstack_block_storage_service_enabled", **VOL, host="stor-02@ceph") == 0
    assert (
        h.value(
            "openstack_block_storage_service_disabled_reason_info",
            **VOL,
            host="stor-02@ceph",
            disabled_reason="ceph cluster upgrade",
        )
        == 1
    )
    # Cinder has no forced_down: no family rather than an empty or made-up one.
    assert h.series("openstack_block_storage_service_forced_down") == []
    assert (
        h.value("openstack_exporter_collector_service_absent", collector="block_storage_services")
        == 0
    )


def test_service_down_then_host_removed(harness, cloud: DemoCloud):
    h = harness()
    h.run("block_storage_services")
    svc = cloud.volume_services[-2]
    assert svc.host == "stor-01@lvm"
    svc.state, svc.down_since = "down", 1_700_000_000.0
    h.run("block_storage_services")
    assert h.value("openstack_block_storage_service_up", **VOL, host="stor-01@lvm") == 0
    assert (
        h.value(
            "openstack_block_storage_service_last_seen_timestamp_seconds", **VOL, host="stor-01@lvm"
        )
        == 1_700_000_000.0
    )
    cloud.remove_host("stor-01@lvm")
    h.run("block_storage_services")
    assert {s["host"] for s in h.series("openstack_block_storage_service_up")} == {
        "ctl-01",
        "stor-02@ceph",
    }


def test_cloud_without_cinder_is_skipped_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "block-storage")
    h = harness()
    h.run("block_storage_services")
    assert h.value("openstack_exporter_collector_success", collector="block_storage_services") == 1
    assert (
        h.value("openstack_exporter_collector_service_absent", collector="block_storage_services")
        == 1
    )
    assert (
        h.value("openstack_exporter_collector_failures_total", collector="block_storage_services")
        == 0
    )
    assert h.series("openstack_block_storage_service_up") == []


def test_upstream_sample_merges_duplicate_identities(harness, cloud: DemoCloud, samples):
    # The sample lists cinder-volume@host2 three times (clusters 1 and 2) and cinder-scheduler
    # @host2 twice; Prometheus would reject duplicate series, so each identity is one series.
    body = sample(samples, "block-storage/os-services/v3.49/services-list-response.json")
    cloud.overrides[("GET", "/volume/v3/os-services")] = body
    h = harness()
    h.run("block_storage_services")
    v = h.value
    z = {"zone": "cinder"}
    assert (
        v("openstack_block_storage_service_up", binary="cinder-scheduler", host="host1", **z) == 0
    )
    assert (
        v(
            "openstack_block_storage_service_disabled_reason_info",
            binary="cinder-volume",
            host="host1",
            disabled_reason="test2",
            **z,
        )
        == 1
    )
    # One of three copies is enabled, two are disabled: disabled wins, first reason kept.
    assert (
        v("openstack_block_storage_service_enabled", binary="cinder-volume", host="host2", **z) == 0
    )
    assert (
        v(
            "openstack_block_storage_service_disabled_reason_info",
            binary="cinder-volume",
            host="host2",
            disabled_reason="test4",
            **z,
        )
        == 1
    )
    # Newest heartbeat among the copies: 2012-10-29T13:42:05 UTC.
    assert (
        v(
            "openstack_block_storage_service_last_seen_timestamp_seconds",
            binary="cinder-volume",
            host="host2",
            **z,
        )
        == 1351518125.0
    )
    # Both scheduler copies on host2 are enabled; one has updated_at null.
    assert (
        v("openstack_block_storage_service_enabled", binary="cinder-scheduler", host="host2", **z)
        == 1
    )
    assert (
        v(
            "openstack_block_storage_service_last_seen_timestamp_seconds",
            binary="cinder-scheduler",
            host="host2",
            **z,
        )
        == 1348037734.0
    )
    assert len(h.series("openstack_block_storage_service_up")) == 4


def test_a_service_that_is_no_object_fails_the_sync(harness, cloud: DemoCloud):
    h = harness()
    h.run("block_storage_services")
    cloud.overrides[("GET", "/volume/v3/os-services")] = {"services": ["cinder-volume"]}
    h.run("block_storage_services")
    assert h.value("openstack_exporter_collector_success", collector="block_storage_services") == 0
    assert "not an object" in (h.store.states()["block_storage_services"].last_error or "")
