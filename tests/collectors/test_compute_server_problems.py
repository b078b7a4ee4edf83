"""Servers with problems: each one counted with its age (freezegun), gone once it recovers or is
deleted (the servers source's changes-since delta sees both)."""

import pytest
from freezegun import freeze_time

from exporter.demo import DemoCloud

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
SRV = "openstack_compute_server_problems"


def by_problem(h, metric: str) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for s in h.series(metric):
        key = (s["problem"], s.get("age", ""))
        out[key] = out.get(key, 0) + h.value(metric, **s)
    return out


def named(cloud: DemoCloud, name: str):
    return next(s for s in cloud.servers if s.name == name)


def test_server_problems_with_ages(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        for name, age in [
            ("stuck-build", 2 * 3600),
            ("stuck-migrating", 3 * 3600),
            ("unconfirmed-resize", 2 * 86400),
            ("stuck-deleting", 3600),
            ("forgotten", 40 * 86400),
        ]:
            named(cloud, name).updated = T - age
        error = next(s for s in cloud.servers if s.status == "ERROR")
        error.updated = T - 30
        h = harness()
        h.run("compute_server_problems")
    got = by_problem(h, SRV)
    assert got == {
        ("stuck_build", "1h_1d"): 1,
        ("stuck_task", "1h_1d"): 1,
        ("resize_unconfirmed", "1d_7d"): 1,
        ("stuck_deleting", "1h_1d"): 1,
        ("shutoff_long", "gt_7d"): 1,
        ("error", "lt_1h"): 1,
    }
    owner = named(cloud, "stuck-build").project_id
    assert (
        h.value(SRV, project_id=owner, resource_type="server", problem="stuck_build", age="1h_1d")
        == 1
    )


def test_recovered_or_deleted_servers_vanish(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_server_problems")
    assert ("stuck_build", "1h_1d") in by_problem(h, SRV)
    cloud.set_server(named(cloud, "stuck-build").id, status="ACTIVE", task_state=None)
    cloud.delete_server(named(cloud, "forgotten").id)
    cloud.set_server(named(cloud, "unconfirmed-resize").id, status="ACTIVE")
    h.run("compute_server_problems")
    problems = {p for p, _ in by_problem(h, SRV)}
    assert problems == {"error", "stuck_task", "stuck_deleting"}
    assert h.store.sources()["servers"].last_delta is not None  # seen by a delta


def test_thresholds_are_configurable(harness, cloud: DemoCloud):
    h = harness(
        collectors={
            "compute_server_problems": {"build": 3 * 3600, "shutoff": 50 * 86400, "task": 60}
        }
    )
    h.run("compute_server_problems")
    problems = {p for p, _ in by_problem(h, SRV)}
    assert "stuck_build" not in problems  # 2 h old, threshold 3 h
    assert "shutoff_long" not in problems  # 40 days, threshold 50
    assert "stuck_task" in problems


@pytest.mark.parametrize("detail", [False, True])
def test_detail_mode_is_opt_in(harness, detail: bool):
    h = harness(collectors={"compute_server_problems": {"detail_metrics": detail}})
    h.run("compute_server_problems")
    series = h.series("openstack_compute_server_problem_info")
    assert bool(series) == detail
    assert all(s["resource_id"] for s in series)


def test_findings_carry_server_names(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_server_problems")
    names = {
        (f.problem): f.resource_name for f in h.store.states()["compute_server_problems"].findings
    }
    assert names["stuck_build"] == "stuck-build"
    assert names["error"] == "novalid-1"
