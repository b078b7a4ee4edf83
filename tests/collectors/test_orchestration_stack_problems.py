"""orchestration_stack_problems: failed stacks at any age, stuck ones past the threshold, each
with Heat's status reason as its detail; ages by freezegun."""

import pytest
from freezegun import freeze_time

from exporter.collectors.orchestration_stack_problems import classify
from exporter.demo import DemoCloud
from exporter.sources.orchestration_stacks import Stack

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
PROBLEMS = "openstack_orchestration_stack_problems"


@pytest.fixture
def cloud() -> DemoCloud:
    with freeze_time(NOW):  # the stacks' times are relative to NOW
        return DemoCloud(hosts=6, seed=7)


def test_demo_problems(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        h = harness()
        h.run("orchestration_stack_problems")
    got = {(s["problem"], s["age"]) for s in h.series(PROBLEMS)}
    assert got == {
        # app-broken failed 30 minutes ago (its failed nested stack is not counted); the
        # hidden-tag cluster-7 90 minutes ago.
        ("create_failed", "lt_1h"),
        ("create_failed", "1h_1d"),
        ("update_failed", "1d_7d"),
        ("delete_failed", "gt_7d"),
        ("stuck_create", "1h_1d"),  # 3 h in progress, never updated: age from creation
        ("stuck_delete", "1d_7d"),
    }
    assert sum(s.value for m in h.registry.collect() for s in m.samples if s.name == PROBLEMS) == 6
    broken = next(s for s in cloud.heat_stacks if s.name == "app-broken")
    item = next(
        f
        for f in h.store.states()["orchestration_stack_problems"].findings
        if f.resource_id == broken.id
    )
    assert item.resource_type == "stack"
    assert item.project_id == broken.project_id
    assert item.resource_name == "app-broken"
    assert item.status == "CREATE_FAILED"
    assert item.since == T - 1800
    assert item.detail == broken.reason
    # The update of "autoscale" started 5 minutes ago: busy, not stuck.
    busy = next(s for s in cloud.heat_stacks if s.name == "autoscale")
    assert all(
        f.resource_id != busy.id for f in h.store.states()["orchestration_stack_problems"].findings
    )


def test_threshold_and_recovery(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        h = harness(collectors={"orchestration_stack_problems": {"stuck": 200}})
        h.run("orchestration_stack_problems")
    assert (
        h.value(
            PROBLEMS,
            project_id=next(s.project_id for s in cloud.heat_stacks if s.name == "autoscale"),
            resource_type="stack",
            problem="stuck_update",
            age="lt_1h",
        )
        == 1
    )
    # The stuck create completes, the failed delete is retried and goes.
    db = next(s for s in cloud.heat_stacks if s.name == "db")
    db.status, db.updated = "COMPLETE", T
    cloud.heat_stacks.remove(next(s for s in cloud.heat_stacks if s.name == "old-lb"))
    with freeze_time(NOW):
        h.run("orchestration_stack_problems")
    got = {s["problem"] for s in h.series(PROBLEMS)}
    assert "stuck_create" not in got
    assert "delete_failed" not in got


def test_detail_mode_is_opt_in(harness, cloud: DemoCloud):
    h = harness()
    h.run("orchestration_stack_problems")
    assert h.series("openstack_orchestration_stack_problem_info") == []
    h = harness(collectors={"orchestration_stack_problems": {"detail_metrics": True}})
    h.run("orchestration_stack_problems")
    lb = next(s for s in cloud.heat_stacks if s.name == "old-lb")
    assert (
        h.value(
            "openstack_orchestration_stack_problem_info",
            resource_type="stack",
            resource_id=lb.id,
            project_id=lb.project_id,
            problem="delete_failed",
        )
        == 1
    )


def test_classify():
    def stack(action: str, status: str, updated: float | None, created: float = 0.0) -> Stack:
        return Stack(f"{action}-{status}", "s", "p", action, status, "why", created, updated)

    found = classify(
        [
            stack("CREATE", "COMPLETE", None),
            stack("ROLLBACK", "FAILED", 10.0),
            stack("RESUME", "IN_PROGRESS", 9_000.0),  # 1,000 s: not yet
            stack("SNAPSHOT", "IN_PROGRESS", None, created=1_000.0),  # 9,000 s since creation
            stack("CHECK", "IN_PROGRESS", None, created=None),  # no time at all: never stuck
        ],
        stuck=7200,
        now=10_000.0,
    )
    assert [(f.problem, f.status, f.since, f.detail) for f in found] == [
        ("rollback_failed", "ROLLBACK_FAILED", 10.0, "why"),
        ("stuck_snapshot", "SNAPSHOT_IN_PROGRESS", 1_000.0, "why"),
    ]


def test_cloud_without_heat_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "orchestration")
    h = harness()
    h.run("orchestration_stack_problems")
    assert (
        h.value(
            "openstack_exporter_collector_service_absent", collector="orchestration_stack_problems"
        )
        == 1
    )
    assert h.series(PROBLEMS) == []
