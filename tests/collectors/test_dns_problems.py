"""dns_problems: zones in ERROR at any age and zones PENDING past the threshold, with their age
(freezegun), their action and serial on /problems; gone once they recover."""

import pytest
from freezegun import freeze_time

from exporter.collectors.dns_problems import classify
from exporter.demo import DemoCloud
from exporter.sources.dns_zones import Zone

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
PROBLEMS = "openstack_dns_problems"


@pytest.fixture
def cloud() -> DemoCloud:
    """Seeded under the frozen clock, so that the zones' ages are the scenario's."""
    with freeze_time(NOW):
        return DemoCloud(hosts=6, seed=7)


def run(harness, **options):
    with freeze_time(NOW):
        h = harness(collectors={"dns_problems": options}) if options else harness()
        h.run("dns_problems")
    return h


def test_demo_problems(harness):
    h = run(harness)
    got = {(s["problem"], s["age"]) for s in h.series(PROBLEMS)}
    assert got == {
        ("error", "1d_7d"),  # CREATE failed 3 days ago
        ("error", "gt_7d"),  # DELETE failed 10 days ago
        ("stuck_pending", "1h_1d"),  # UPDATE pending for 2 hours
        ("stuck_pending", "1d_7d"),  # CREATE pending for 26 hours, never changed since
    }
    assert {s["resource_type"] for s in h.series(PROBLEMS)} == {"dns_zone"}


def test_findings_carry_action_and_serial(harness, cloud: DemoCloud):
    h = run(harness)
    findings = {f.resource_id: f for f in h.store.states()["dns_problems"].findings}
    by_id = {z.id: z for z in cloud.zones}
    assert len(findings) == 4
    for zid, f in findings.items():
        zone = by_id[zid]
        assert f.detail == f"action {zone.action}, serial {zone.serial}"
        assert (f.project_id, f.resource_name, f.status) == (
            zone.project_id,
            zone.name,
            zone.status,
        )
    # The zone pending for 40 seconds is busy, not stuck.
    busy = next(z for z in cloud.zones if z.status == "PENDING" and z.updated_at == T - 40)
    assert busy.id not in findings


def test_the_threshold_is_an_option(harness):
    h = run(harness, stuck="3h")
    got = {(s["problem"], s["age"]) for s in h.series(PROBLEMS)}
    assert ("stuck_pending", "1h_1d") not in got  # 2 hours is not stuck under 3 hours
    assert ("stuck_pending", "1d_7d") in got


def test_recovered_zones_leave(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        h = harness()
        h.run("dns_problems")
        for zone in cloud.zones:
            if zone.status in ("ERROR", "PENDING"):
                zone.status, zone.action, zone.updated_at = "ACTIVE", "NONE", T
        h.run("dns_problems")
    assert h.series(PROBLEMS) == []
    assert h.store.states()["dns_problems"].findings == ()


def test_detail_mode_is_opt_in(harness, cloud: DemoCloud):
    h = run(harness)
    assert h.series("openstack_dns_problem_info") == []
    h = run(harness, detail_metrics=True)
    assert len(h.series("openstack_dns_problem_info")) == 4


def zone(status: str, updated: float | None, created: float | None = None, serial=7) -> Zone:
    return Zone("z", "example.org.", "p", status, "UPDATE", "PRIMARY", serial, created, updated)


def test_classify_ages_from_updated_else_created():
    assert [f.problem for f in classify([zone("PENDING", T - 7200)], 1800, T)] == ["stuck_pending"]
    assert classify([zone("PENDING", T - 60)], 1800, T) == []
    # Never changed since created: the creation is the age.
    assert [f.since for f in classify([zone("PENDING", None, T - 7200)], 1800, T)] == [T - 7200]
    # No time at all: an age unknown is not "stuck"; an ERROR counts whatever its age.
    assert classify([zone("PENDING", None)], 1800, T) == []
    errored = classify([zone("ERROR", None, serial=None)], 1800, T)
    assert [(f.problem, f.since, f.detail) for f in errored] == [
        ("error", None, "action UPDATE, serial unknown")
    ]
    assert classify([zone("ACTIVE", T - 10 * 86400)], 1800, T) == []


def test_cloud_without_designate_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "dns")
    h = harness()
    h.run("dns_problems")
    c = {"collector": "dns_problems"}
    assert h.value("openstack_exporter_collector_success", **c) == 1
    assert h.value("openstack_exporter_collector_service_absent", **c) == 1
