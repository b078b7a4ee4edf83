"""Problem resources: each one counted, with its age (freezegun), listed on /problems, and gone
once it recovers or is deleted."""

import json
import time
import urllib.request

import pytest
from freezegun import freeze_time

from exporter.demo import DemoCloud
from exporter.server import App
from exporter.web.serving import serve

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
SRV, VOL, NET = (
    "openstack_compute_server_problems",
    "openstack_block_storage_problems",
    "openstack_network_problems",
)


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
    build = named(cloud, "stuck-build")
    build.status, build.task_state, build.updated = "ACTIVE", None, time.time()
    cloud.delete_server(named(cloud, "forgotten").id)
    named(cloud, "unconfirmed-resize").status = "ACTIVE"
    h.run("compute_server_problems")
    problems = {p for p, _ in by_problem(h, SRV)}
    assert problems == {"error", "stuck_task", "stuck_deleting"}


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


def test_block_storage_problems(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        owner = cloud.volumes[0].project_id
        errored = next(v for v in cloud.volumes if v.status == "error")
        errored.updated = T - 10 * 86400
        creating = next(v for v in cloud.volumes if v.status == "creating")
        creating.updated = T - 2 * 3600
        fresh = next(v for v in cloud.volumes if v.status == "available")
        fresh.status, fresh.updated = "attaching", T - 60  # busy, not stuck
        next(v for v in cloud.volumes if v.name == "orphan-data").updated = T - 2 * 86400
        cloud.snapshots[0].updated = T - 3 * 3600
        cloud.backups[0].updated = T - 5 * 3600
        h = harness()
        h.run("block_storage_problems")
    got = {(s["resource_type"], s["problem"], s["age"]) for s in h.series(VOL)}
    assert got == {
        ("volume", "error", "gt_7d"),
        ("volume", "stuck_creating", "1h_1d"),
        ("volume", "attached_to_deleted_server", "1d_7d"),
        ("snapshot", "error_deleting", "1h_1d"),
        ("backup", "stuck_creating", "1h_1d"),
    }
    assert h.value(VOL, project_id=owner, resource_type="volume", problem="error", age="gt_7d") == 1
    # Recovery: the stuck volume becomes available, the orphan is detached, the error deleted.
    creating.status = "available"
    orphan = next(v for v in cloud.volumes if v.name == "orphan-data")
    orphan.status, orphan.server_id = "available", None
    cloud.volumes.remove(errored)
    with freeze_time(NOW):
        h.run("block_storage_problems")
    got = {(s["resource_type"], s["problem"]) for s in h.series(VOL)}
    assert got == {("snapshot", "error_deleting"), ("backup", "stuck_creating")}


def test_leaked_allocations(harness, cloud: DemoCloud):
    h = harness()
    h.run("placement_orphans")
    assert h.value("openstack_placement_orphan_allocations", host="cmp-005") == 1
    assert (
        h.value(
            "openstack_placement_orphan_allocation_usage",
            host="cmp-005",
            resource_class="MEMORY_MB",
        )
        == 8192
    )
    assert len(h.series("openstack_placement_orphan_allocations")) == 1  # servers' are fine
    leaked = next(c for c in cloud.allocations if c not in {s.id for s in cloud.servers})
    cloud._account(cloud.allocations.pop(leaked), -1)  # an admin deletes it
    h.run("placement_orphans")
    assert h.series("openstack_placement_orphan_allocations") == []


def test_network_problems(harness, cloud: DemoCloud):
    h = harness()
    h.run("network_problems")
    unassociated = sum(1 for f in cloud.floating_ips if f.port_id is None)
    got = by_problem(h, NET)
    assert got[("floating_ip_unassociated", "")] == unassociated
    assert got[("port_down_on_active_server", "")] == 1
    assert got[("router_without_gateway", "")] == 1
    for fip in cloud.floating_ips:
        fip.port_id = fip.port_id or cloud.ports[0].id
    next(
        p
        for p in cloud.ports
        if p.status == "DOWN"
        and p.device_owner == "compute:nova"
        and any(s.id == p.device_id and s.status == "ACTIVE" for s in cloud.servers)
    ).status = "ACTIVE"
    next(
        r for r in cloud.routers if r.gateway_network_id is None
    ).gateway_network_id = cloud.networks[0].id
    h.run("network_problems")
    assert h.series(NET) == []


def test_problems_page_lists_resources(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_server_problems", "block_storage_problems", "placement_orphans")
    httpd = serve(App(h.store, "demo"), "127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{httpd.port}/problems"
        body = json.loads(urllib.request.urlopen(url, timeout=5).read())
    finally:
        httpd.stop()
    items = {(p["resource_type"], p["problem"]): p for p in body["problems"]}
    build = items[("server", "stuck_build")]
    assert build["resource_id"] == named(cloud, "stuck-build").id
    assert build["project_id"] == named(cloud, "stuck-build").project_id
    assert 2 * 3600 <= build["age_seconds"] < 2 * 3600 + 60
    assert build["host"] == "cmp-001"
    assert items[("allocation", "orphan_allocation")]["host"] == "cmp-005"
    assert body["count"] == len(body["problems"]) >= 10


@pytest.mark.parametrize("collector", ["compute_server_problems", "network_problems"])
def test_detail_mode_is_opt_in(harness, collector):
    name = {
        "compute_server_problems": "openstack_compute_server_problem_info",
        "network_problems": "openstack_network_problem_info",
    }[collector]
    h = harness()
    h.run(collector)
    assert h.series(name) == []
    h = harness(collectors={collector: {"detail_metrics": True}})
    h.run(collector)
    assert h.series(name)
    assert all(s["resource_id"] for s in h.series(name))


def test_findings_carry_resource_names(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_server_problems", "block_storage_problems", "network_problems")
    names = {
        (f.resource_type, f.problem): f.resource_name
        for st in h.store.states().values()
        for f in st.findings
    }
    assert names[("server", "stuck_build")] == "stuck-build"
    assert names[("server", "error")] == "novalid-1"
    assert names[("volume", "attached_to_deleted_server")] == "orphan-data"
    assert names[("router", "router_without_gateway")] == "no-gateway"
    # A floating IP has no name: its address stands in for one.
    fip = next(f for f in cloud.floating_ips if f.port_id is None)
    assert names[("floating_ip", "floating_ip_unassociated")].startswith("203.0.113.")
    assert fip.address.startswith("203.0.113.")
