"""load_balancer_problems: provisioning ERROR at any age, PENDING_* past the threshold, aged
from updated_at (created_at when never updated); the VIP in each finding's detail; a remedy
for every problem; gone once fixed."""

from exporter.collectors.load_balancer_problems import classify
from exporter.demo import DemoCloud
from exporter.sources.load_balancers import LoadBalancer
from exporter.web.remedies import remedy_for

PROBLEMS = "openstack_load_balancer_problems"
T = 1795608000.0


def lb(status: str, changed: float | None) -> LoadBalancer:
    return LoadBalancer("id", "web", "p", status, "ONLINE", "amphora", "10.0.0.5", changed)


def test_problems_of_the_demo_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancer_problems")
    by_name = {x.name: x for x in cloud.lb_loadbalancers}
    got = {(s["problem"], s["age"], s["project_id"]) for s in h.series(PROBLEMS)}
    assert got == {
        ("error", "1d_7d", by_name["lb-broken"].project_id),
        ("stuck_pending_update", "1h_1d", by_name["lb-updating"].project_id),
        ("stuck_pending_delete", "lt_1h", by_name["lb-deleting"].project_id),
    }
    findings = {f.resource_name: f for f in h.store.states()["load_balancer_problems"].findings}
    assert set(findings) == {"lb-broken", "lb-updating", "lb-deleting"}  # lb-creating is busy
    broken = findings["lb-broken"]
    assert broken.resource_type == "load_balancer"
    assert broken.resource_id == by_name["lb-broken"].id
    assert broken.status == "ERROR/ERROR"
    assert broken.detail == f"VIP {by_name['lb-broken'].vip_address}, provider amphora"
    # Fixed: the stuck one finished, the broken one was failed over back to ACTIVE.
    cloud.set_load_balancer_status(by_name["lb-updating"].id, "ACTIVE")
    cloud.set_load_balancer_status(by_name["lb-broken"].id, "ACTIVE", "ONLINE")
    h.run("load_balancer_problems")
    assert {s["problem"] for s in h.series(PROBLEMS)} == {"stuck_pending_delete"}


def test_threshold_is_an_option(harness):
    h = harness(collectors={"load_balancer_problems": {"stuck": "3h"}})
    h.run("load_balancer_problems")
    assert {s["problem"] for s in h.series(PROBLEMS)} == {"error"}


def test_classify_ages_and_unknown_times():
    assert [f.problem for f in classify([lb("ERROR", None)], 1800, T)] == ["error"]
    assert classify([lb("PENDING_CREATE", T - 600)], 1800, T) == []
    assert [f.problem for f in classify([lb("PENDING_CREATE", T - 3600)], 1800, T)] == [
        "stuck_pending_create"
    ]
    # No timestamp at all: the age is unknown, so it is never called stuck.
    assert classify([lb("PENDING_DELETE", None)], 1800, T) == []
    assert classify([lb("ACTIVE", T - 10**7)], 1800, T) == []


def test_every_problem_has_a_remedy():
    for problem in (
        "error",
        "stuck_pending_create",
        "stuck_pending_update",
        "stuck_pending_delete",
    ):
        remedy = remedy_for("load_balancer", problem)
        assert remedy is not None, problem
        assert remedy.inspect
        assert remedy.undo


def test_detail_mode_is_opt_in(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancer_problems")
    assert h.series("openstack_load_balancer_problem_info") == []
    h = harness(collectors={"load_balancer_problems": {"detail_metrics": True}})
    h.run("load_balancer_problems")
    broken = next(x for x in cloud.lb_loadbalancers if x.name == "lb-broken")
    assert (
        h.value(
            "openstack_load_balancer_problem_info",
            resource_type="load_balancer",
            resource_id=broken.id,
            project_id=broken.project_id,
            problem="error",
        )
        == 1
    )
