"""orchestration_services: heat-engine per host, from Heat's own up/down, through the real SDK."""

import pytest
from freezegun import freeze_time

from exporter.demo import DemoCloud
from tests.conftest import sample

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
UP = "openstack_orchestration_service_up"
ENGINES = "openstack_orchestration_service_engines"
SEEN = "openstack_orchestration_service_last_seen_timestamp_seconds"
HE = {"binary": "heat-engine"}


@pytest.fixture
def cloud() -> DemoCloud:
    with freeze_time(NOW):  # its engines' heartbeats are stamped at NOW
        return DemoCloud(hosts=6, seed=7)


def expected(cloud: DemoCloud, now: float) -> dict[str, dict[str, int]]:
    """The demo's own arithmetic: records per host and status, as Heat computes status."""
    out: dict[str, dict[str, int]] = {}
    for e in cloud.heat_engines:
        beat = e.down_since if e.down_since is not None else now - 3
        status = "up" if now - beat <= 120 else "down"
        out.setdefault(e.host, {"up": 0, "down": 0})[status] += 1
    return out


def test_demo_cloud_engines(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        h = harness()
        h.run("orchestration_services")
        want = expected(cloud, T)
    assert want == {
        "ctl-01": {"up": 2, "down": 0},
        "ctl-02": {"up": 2, "down": 1},
        "ctl-03": {"up": 0, "down": 2},
    }
    for host, counts in want.items():
        assert h.value(UP, **HE, host=host) == float(counts["up"] > 0)
        for status, n in counts.items():
            assert h.value(ENGINES, **HE, host=host, status=status) == n
    # ctl-03's workers stopped 20 minutes before NOW: their newest heartbeat.
    assert h.value(SEEN, **HE, host="ctl-03") == T - 1200
    assert h.value(SEEN, **HE, host="ctl-01") == T - 3


def test_a_killed_engine_goes_down_after_two_report_intervals(harness, cloud: DemoCloud):
    with freeze_time(NOW) as clock:
        h = harness()
        cloud.stop_engine_host("ctl-01")
        clock.tick(60)
        h.run("orchestration_services")
        # Heat still says up: the last heartbeat is within 2 × report_interval (120 s).
        assert h.value(UP, **HE, host="ctl-01") == 1
        clock.tick(61)
        h.run("orchestration_services")
    assert h.value(UP, **HE, host="ctl-01") == 0
    assert h.value(ENGINES, **HE, host="ctl-01", status="down") == 2
    assert h.value(SEEN, **HE, host="ctl-01") == T


def test_a_cleaned_host_disappears(harness, cloud: DemoCloud):
    h = harness()
    h.run("orchestration_services")
    # heat-manage service clean: the dead records are deleted.
    cloud.heat_engines = [e for e in cloud.heat_engines if e.host != "ctl-03"]
    h.run("orchestration_services")
    assert {s["host"] for s in h.series(UP)} == {"ctl-01", "ctl-02"}


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    body = sample(samples, "orchestration/services-list-response.json")
    cloud.overrides[("GET", f"/heat-api/v1/{cloud.project_id.replace('-', '')}/services")] = body
    h = harness()
    h.run("orchestration_services")
    assert h.value(UP, **HE, host="engine-1") == 1
    assert h.value(UP, **HE, host="engine") == 0
    assert h.value(ENGINES, **HE, host="engine", status="down") == 1
    assert h.value(ENGINES, **HE, host="engine", status="up") == 0
    # "2015-02-03T06:09:55.000000": microseconds, no zone, UTC.
    assert h.value(SEEN, **HE, host="engine") == 1422943795.0


def test_a_status_heat_never_writes_fails_the_sync(harness, cloud: DemoCloud):
    path = f"/heat-api/v1/{cloud.project_id.replace('-', '')}/services"
    h = harness()
    h.run("orchestration_services")
    cloud.overrides[("GET", path)] = {"services": [{"host": "ctl-09", "status": "maybe"}]}
    h.run("orchestration_services")
    assert h.value("openstack_exporter_collector_success", collector="orchestration_services") == 0
    assert "not up/down" in (h.store.states()["orchestration_services"].last_error or "")
    # The last good data stays served.
    assert h.value(UP, **HE, host="ctl-01") == 1


def test_cloud_without_heat_is_skipped_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "orchestration")
    h = harness()
    h.run("orchestration_services")
    assert h.value("openstack_exporter_collector_success", collector="orchestration_services") == 1
    assert (
        h.value("openstack_exporter_collector_service_absent", collector="orchestration_services")
        == 1
    )
    assert h.series(UP) == []
