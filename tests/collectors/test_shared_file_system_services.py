"""shared_file_system_services: a killed manila-share keeps state up and must still count as
down, judged by its heartbeat; disabled reasons; a cloud without Manila is skipped."""

import time

import pytest

from exporter.demo import DemoCloud
from tests.conftest import sample

UP = "openstack_shared_file_system_service_up"
STATE = "openstack_shared_file_system_service_state"
SHARE = {"binary": "manila-share", "zone": "nova"}
NAME = "shared_file_system_services"


def test_demo_cloud_states(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    assert h.value(UP, **SHARE, host="shr-01@cephfs") == 1
    assert h.value(UP, binary="manila-scheduler", host="ctl-01", zone="nova") == 1
    # Killed ten minutes ago: its row still says up, its heartbeat stopped.
    assert h.value(UP, **SHARE, host="shr-04@generic") == 0
    assert h.value(STATE, **SHARE, host="shr-04@generic", state="up") == 1
    assert h.value(STATE, **SHARE, host="shr-04@generic", state="stopped") == 0
    killed = cloud.manila_service("shr-04@generic").silent_since
    assert (
        h.value(
            "openstack_shared_file_system_service_last_seen_timestamp_seconds",
            **SHARE,
            host="shr-04@generic",
        )
        == pytest.approx(killed, abs=1e-5)  # microseconds, as Manila's timestamps
    )
    # Disabled, alive: enabled 0 with the operator's reason (Manila >= 2.83 reports it).
    assert h.value(UP, **SHARE, host="shr-05@lvm") == 1
    assert h.value("openstack_shared_file_system_service_enabled", **SHARE, host="shr-05@lvm") == 0
    assert (
        h.value(
            "openstack_shared_file_system_service_disabled_reason_info",
            **SHARE,
            host="shr-05@lvm",
            disabled_reason="disk replacement",
        )
        == 1
    )
    assert h.series("openstack_shared_file_system_service_forced_down") == []
    assert len(h.series(UP)) == len(cloud.manila_services)


def test_a_killed_service_is_down_once_silent_for_service_down_time(harness, cloud: DemoCloud):
    h = harness()
    svc = cloud.manila_service("shr-01@cephfs")
    svc.silent_since = time.time() - 50  # killed 50 s ago: within Manila's 60 s
    h.run(NAME)
    assert h.value(UP, **SHARE, host="shr-01@cephfs") == 1
    svc.silent_since = time.time() - 70
    h.run(NAME)
    assert h.value(UP, **SHARE, host="shr-01@cephfs") == 0
    assert h.value(STATE, **SHARE, host="shr-01@cephfs", state="up") == 1
    # Restarted: it reports again.
    cloud.restart_share_service("shr-01@cephfs")
    h.run(NAME)
    assert h.value(UP, **SHARE, host="shr-01@cephfs") == 1


def test_a_clean_stop_writes_stopped(harness, cloud: DemoCloud):
    cloud.stop_share_service("shr-02@netapp")
    h = harness()
    h.run(NAME)
    assert h.value(UP, **SHARE, host="shr-02@netapp") == 0
    assert h.value(STATE, **SHARE, host="shr-02@netapp", state="stopped") == 1
    assert h.value(STATE, **SHARE, host="shr-02@netapp", state="up") == 0


def test_service_down_time_is_an_option(harness, cloud: DemoCloud):
    h = harness(collectors={NAME: {"service_down_time": "15m"}})
    h.run(NAME)
    assert h.value(UP, **SHARE, host="shr-04@generic") == 1  # silent 10 of 15 minutes


def test_an_older_manila_has_no_disabled_reasons(harness, cloud: DemoCloud):
    cloud.manila_max = (2, 82)
    h = harness()
    h.run(NAME)
    assert h.value("openstack_shared_file_system_service_enabled", **SHARE, host="shr-05@lvm") == 0
    # Not known, so not shown: no series saying the reason is "".
    assert h.series("openstack_shared_file_system_service_disabled_reason_info") == []
    assert h.value(UP, **SHARE, host="shr-04@generic") == 0


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    # The sample's services say state up with a 2015 heartbeat: Manila stores state, so they
    # are exactly what a killed service looks like.
    cloud.overrides[("GET", "/share/v2/services")] = sample(
        samples, "shared-file-system/services-list-response.json"
    )
    h = harness()
    h.run(NAME)
    assert h.value(UP, **SHARE, host="manila2@generic1") == 0
    assert h.value(STATE, **SHARE, host="manila2@generic1", state="up") == 1
    assert (
        h.value(
            "openstack_shared_file_system_service_last_seen_timestamp_seconds",
            binary="manila-scheduler",
            host="manila2",
            zone="nova",
        )
        == 1441631037.0
    )
    assert h.value("openstack_shared_file_system_service_enabled", **SHARE, host="manila2@generic1")


def test_cloud_without_manila_is_skipped_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "shared-file-system")
    h = harness()
    h.run(NAME)
    assert h.value("openstack_exporter_collector_success", collector=NAME) == 1
    assert h.value("openstack_exporter_collector_service_absent", collector=NAME) == 1
    assert h.series(UP) == []


def test_a_service_that_is_no_object_fails_the_sync(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    cloud.overrides[("GET", "/share/v2/services")] = {"services": ["manila-share"]}
    h.run(NAME)
    assert h.value("openstack_exporter_collector_success", collector=NAME) == 0
    assert "not an object" in (h.store.states()[NAME].last_error or "")
    assert h.value(UP, **SHARE, host="shr-01@cephfs") == 1  # the last good data stays
