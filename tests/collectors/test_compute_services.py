from exporter.demo import DemoCloud
from tests.conftest import sample

L = {"binary": "nova-compute"}


def test_demo_cloud_states(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_services")
    assert h.value("openstack_compute_service_up", **L, host="cmp-001", zone="az1") == 1
    assert h.value("openstack_compute_service_enabled", **L, host="cmp-001", zone="az1") == 1
    # cmp-002 is disabled with a reason, cmp-003 is down (demo cloud's awkward cases).
    assert h.value("openstack_compute_service_enabled", **L, host="cmp-002", zone="az2") == 0
    assert h.value("openstack_compute_service_up", **L, host="cmp-002", zone="az2") == 1
    assert (
        h.value(
            "openstack_compute_service_disabled_reason_info",
            **L,
            host="cmp-002",
            zone="az2",
            disabled_reason="hardware maintenance: DIMM replacement",
        )
        == 1
    )
    assert h.value("openstack_compute_service_up", **L, host="cmp-003", zone="az1") == 0
    down_since = cloud.compute_service("cmp-003").down_since
    assert h.value(
        "openstack_compute_service_last_seen_timestamp_seconds", **L, host="cmp-003", zone="az1"
    ) == round(down_since, 6)
    # The reason is not a label of the state series, and only disabled services have one.
    assert all("disabled_reason" not in s for s in h.series("openstack_compute_service_up"))
    reasons = h.series("openstack_compute_service_disabled_reason_info")
    assert [r["host"] for r in reasons] == ["cmp-002"]
    assert (
        h.value(
            "openstack_compute_service_up", binary="nova-scheduler", host="ctl-01", zone="internal"
        )
        == 1
    )


def test_changes_show_after_next_run(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_services")
    labels = {**L, "host": "cmp-004", "zone": "az2"}
    assert h.value("openstack_compute_service_up", **labels) == 1
    assert h.value("openstack_compute_service_forced_down", **labels) == 0

    cloud.set_compute_service(
        "cmp-004", state="down", forced_down=True, status="disabled", disabled_reason="evacuating"
    )
    assert h.value("openstack_compute_service_up", **labels) == 1  # not before the next run
    h.run("compute_services")
    assert h.value("openstack_compute_service_up", **labels) == 0
    assert h.value("openstack_compute_service_forced_down", **labels) == 1
    assert h.value("openstack_compute_service_enabled", **labels) == 0
    assert (
        h.value(
            "openstack_compute_service_disabled_reason_info", **labels, disabled_reason="evacuating"
        )
        == 1
    )

    cloud.set_compute_service(
        "cmp-004", state="up", forced_down=False, status="enabled", disabled_reason=None
    )
    h.run("compute_services")
    assert h.value("openstack_compute_service_up", **labels) == 1
    assert (
        h.value(
            "openstack_compute_service_disabled_reason_info", **labels, disabled_reason="evacuating"
        )
        is None
    )


def test_vanished_host_vanishes(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_services")
    assert h.value("openstack_compute_service_up", **L, host="cmp-005", zone="az1") == 1
    cloud.remove_host("cmp-005")
    h.run("compute_services")
    for family in ("up", "enabled", "forced_down", "last_seen_timestamp_seconds"):
        hosts = {s["host"] for s in h.series(f"openstack_compute_service_{family}")}
        assert "cmp-005" not in hosts
        assert "cmp-004" in hosts


def test_upstream_sample_v2_53(harness, cloud: DemoCloud, samples):
    body = sample(samples, "compute/os-services/v2.53/services-list-get-resp.json")
    cloud.overrides[("GET", "/compute/v2.1/os-services")] = body
    h = harness()
    h.run("compute_services")
    v = h.value
    assert (
        v("openstack_compute_service_up", binary="nova-scheduler", host="host1", zone="internal")
        == 1
    )
    assert (
        v(
            "openstack_compute_service_enabled",
            binary="nova-scheduler",
            host="host1",
            zone="internal",
        )
        == 0
    )
    assert (
        v(
            "openstack_compute_service_disabled_reason_info",
            binary="nova-scheduler",
            host="host1",
            zone="internal",
            disabled_reason="test1",
        )
        == 1
    )
    assert v("openstack_compute_service_up", **L, host="host2", zone="nova") == 0
    assert (
        v(
            "openstack_compute_service_disabled_reason_info",
            **L,
            host="host2",
            zone="nova",
            disabled_reason="test4",
        )
        == 1
    )
    assert v("openstack_compute_service_forced_down", **L, host="host2", zone="nova") == 0
    # updated_at "2012-10-29T13:42:05.000000" carries no zone: Nova means UTC.
    assert (
        v("openstack_compute_service_last_seen_timestamp_seconds", **L, host="host1", zone="nova")
        == 1351518125.0
    )
    # Enabled services carry no reason series, even with disabled_reason null.
    assert len(h.series("openstack_compute_service_disabled_reason_info")) == 3
    assert len(h.series("openstack_compute_service_up")) == 4


def test_upstream_sample_before_2_11_has_no_forced_down(harness, cloud: DemoCloud, samples):
    body = sample(samples, "compute/os-services/services-list-get-resp.json")
    cloud.overrides[("GET", "/compute/v2.1/os-services")] = body
    h = harness()
    h.run("compute_services")
    assert h.series("openstack_compute_service_up")
    assert h.series("openstack_compute_service_forced_down") == []
