"""shared_file_system_problems: shares in error states, stuck past their threshold (measured
from their instance's updated_at), or left by a failed migration; each with a remedy."""

import pytest

from exporter.collectors.shared_file_system_problems import classify, problem_of
from exporter.contract import Finding
from exporter.demo import DemoCloud
from exporter.sources.shared_file_system_shares import Share
from exporter.web.remedies import commands, remedy_for

NAME = "shared_file_system_problems"
COUNT = "openstack_shared_file_system_problems"


def share(status: str, since: float | None, task_state: str = "") -> Share:
    return Share("s-1", "data", "p-1", status, task_state, "h@b#p", 0.0, since)


def test_demo_cloud_problems(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    got = {(s["problem"], s["age"]) for s in h.series(COUNT)}
    assert got == {
        ("error", "1d_7d"),
        ("extending_error", "1h_1d"),
        ("error_deleting", "1d_7d"),
        ("stuck_creating", "1h_1d"),
        ("migration_error", "1d_7d"),
    }
    assert {s["resource_type"] for s in h.series(COUNT)} == {"share"}
    # Busy, not stuck: deleting for 5 minutes, migrating for 3 hours (threshold: a day).
    found = {f.problem: f for f in h.store.states()[NAME].findings}
    migrated = found["migration_error"]
    shared = cloud.share(migrated.resource_id)
    assert (migrated.status, migrated.project_id, migrated.host) == (
        "available",
        shared.project_id,
        shared.host,
    )
    assert migrated.resource_name == shared.name
    assert migrated.detail == "task_state migration_error"
    stuck = found["stuck_creating"]
    assert stuck.since == pytest.approx(
        cloud.share(stuck.resource_id).instances[0].updated, abs=1e-5
    )
    assert found["error"].detail == ""


def test_thresholds_are_options(harness, cloud: DemoCloud):
    h = harness(collectors={NAME: {"stuck": "1m", "stuck_migration": "1h"}})
    h.run(NAME)
    problems = {s["problem"] for s in h.series(COUNT)}
    assert {"stuck_deleting", "stuck_migrating"} <= problems


def test_a_share_that_recovers_is_no_longer_a_problem(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    creating = next(s for s in cloud.shares if s.status == "creating")
    cloud.set_share(creating.id, status="available")
    errored = next(s for s in cloud.shares if s.status == "error")
    cloud.delete_share(errored.id)
    h.run(NAME)
    problems = {s["problem"] for s in h.series(COUNT)}
    assert "stuck_creating" not in problems
    assert "error" not in problems


def test_detail_mode_is_opt_in(harness, cloud: DemoCloud):
    h = harness()
    h.run(NAME)
    assert h.series("openstack_shared_file_system_problem_info") == []
    h = harness(collectors={NAME: {"detail_metrics": True}})
    h.run(NAME)
    assert len(h.series("openstack_shared_file_system_problem_info")) == 5


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        ("error", "error"),
        ("error_deleting", "error_deleting"),
        ("error_deferred_deleting", "error_deferred_deleting"),
        ("extending_error", "extending_error"),
        ("shrinking_possible_data_loss_error", "shrinking_possible_data_loss_error"),
        ("manage_error_unmanage_starting", "manage_error_unmanage_starting"),
        ("backup_restoring_error", "backup_restoring_error"),
        ("creating_from_snapshot", "stuck_creating_from_snapshot"),
        ("deferred_deleting", "stuck_deferred_deleting"),
        ("available", None),
        ("inactive", None),
    ],
)
def test_statuses(status, problem):
    assert problem_of(share(status, 0.0), 3600, 86400, 7200) == problem


def test_stuck_needs_a_known_time_and_the_threshold():
    assert problem_of(share("extending", None), 3600, 86400, 1e9) is None
    assert problem_of(share("extending", 0.0), 3600, 86400, 3600) is None  # not past it
    assert problem_of(share("extending", 0.0), 3600, 86400, 3601) == "stuck_extending"
    assert problem_of(share("migrating", 0.0), 3600, 86400, 7200) is None
    assert problem_of(share("server_migrating_to", 0.0), 3600, 86400, 86401) == (
        "stuck_server_migrating_to"
    )


def test_failed_migrations_count_at_any_age():
    assert problem_of(share("available", 100.0, "data_copying_error"), 3600, 86400, 101) == (
        "data_copying_error"
    )
    assert problem_of(share("available", 100.0, "migration_success"), 3600, 86400, 1e9) is None
    # The status wins: an error share whose migration also failed is an error share.
    assert problem_of(share("error", 100.0, "migration_error"), 3600, 86400, 101) == "error"


def test_findings_carry_what_the_admin_needs():
    (f,) = classify([share("error", 5.0, "migration_error")], 3600, 86400, 10.0)
    assert f == Finding(
        "share",
        "s-1",
        "p-1",
        "error",
        "error",
        5.0,
        host="h@b#p",
        resource_name="data",
        detail="task_state migration_error",
    )


@pytest.mark.parametrize(
    "problem",
    [
        "error",
        "extending_error",
        "error_deleting",
        "stuck_creating",
        "stuck_migrating",
        "migration_error",
        "data_copying_error",
    ],
)
def test_every_share_problem_has_a_remedy(problem):
    remedy = remedy_for("share", problem)
    assert remedy is not None
    assert remedy.inspect
    assert remedy.undo
    f = Finding("share", "x; rm -rf /", "p", problem, "error", None)
    assert all("'x; rm -rf /'" in c for c in commands(f)["inspect"])
