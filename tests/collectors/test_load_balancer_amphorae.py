"""load_balancer_amphorae: amphorae by status and role; ERROR and FAILOVER_STOPPED ones as
findings under their load balancer's project, with their compute ID in detail; the amphora
API is admin-only and fails alone; the api-ref sample body parses."""

from collections import Counter

from exporter.collectors.load_balancer_amphorae import classify
from exporter.demo import DemoCloud
from exporter.sources.load_balancer_amphorae import Amphora
from exporter.web.remedies import remedy_for
from tests.conftest import sample

AMPHORAE = "openstack_load_balancer_amphorae"
PROBLEMS = "openstack_load_balancer_amphora_problems"
PATH = "/load-balancer/v2.0/octavia/amphorae"


def test_counts_and_findings(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancer_amphorae")
    expected = Counter((a.status, a.role or "") for a in cloud.lb_amphorae)
    got = {(s["status"], s["role"]): h.value(AMPHORAE, **s) for s in h.series(AMPHORAE)}
    assert got == expected
    assert got[("READY", "")] == 2  # the spares
    owners = {lb.id: lb.project_id for lb in cloud.lb_loadbalancers}
    broken = next(a for a in cloud.lb_amphorae if a.status == "ERROR")
    stopped = next(a for a in cloud.lb_amphorae if a.status == "FAILOVER_STOPPED")
    assert {(s["problem"], s["age"], s["project_id"]) for s in h.series(PROBLEMS)} == {
        ("error", "1d_7d", owners[broken.lb_id]),
        ("failover_stopped", "1h_1d", owners[stopped.lb_id]),
    }
    findings = {f.resource_id: f for f in h.store.states()["load_balancer_amphorae"].findings}
    assert set(findings) == {broken.id, stopped.id}
    assert findings[broken.id].detail == (
        f"compute {broken.compute_id}, load balancer {broken.lb_id}, role STANDALONE, "
        f"lb_network_ip {broken.lb_network_ip}"
    )
    assert findings[stopped.id].resource_type == "amphora"


def test_a_spare_in_error_belongs_to_no_project():
    spare = Amphora("a1", "", "c1", "ERROR", "", "172.16.0.9", None)
    (found,) = classify([spare], {})
    assert (found.project_id, found.problem) == ("", "error")
    assert found.detail == "compute c1, load balancer - (spare), role -, lb_network_ip 172.16.0.9"


def test_every_problem_has_a_remedy():
    for problem in ("error", "failover_stopped"):
        remedy = remedy_for("amphora", problem)
        assert remedy is not None, problem
        assert remedy.inspect
        assert remedy.undo


def test_forbidden_fails_this_collector_alone(harness, cloud: DemoCloud):
    cloud.set_fault(PATH, status=403)
    h = harness()
    h.run("load_balancer_amphorae", "load_balancers")
    assert h.value("openstack_exporter_collector_success", collector="load_balancer_amphorae") == 0
    assert h.value("openstack_exporter_collector_success", collector="load_balancers") == 1


def test_a_list_of_empty_objects_is_refused(harness, cloud: DemoCloud):
    """What Octavia answers on a wrong path: 200 and plausible shapes, but no values."""
    cloud.overrides[("GET", PATH)] = {"amphorae": [{}, {}], "amphorae_links": []}
    h = harness()
    h.run("load_balancer_amphorae")
    state = h.runner.sources["load_balancer_amphorae"].state
    assert not state.last_ok
    assert "an item without an id" in (state.last_error or "")


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    """The api-ref sample: load_balancer_id (the server says loadbalancer_id), an updated_at
    at hour 24 (unreadable: the age is unknown, nothing breaks)."""
    body = sample(samples, "load-balancer/amphora-list-response.json")
    body["amphorae"][1]["status"] = "ERROR"
    cloud.overrides[("GET", PATH)] = body
    h = harness()
    h.run("load_balancer_amphorae")
    assert h.value(AMPHORAE, status="ALLOCATED", role="MASTER") == 1
    (found,) = h.store.states()["load_balancer_amphorae"].findings
    ref = body["amphorae"][1]
    assert found.resource_id == ref["id"]
    assert ref["compute_id"] in found.detail
    assert ref["load_balancer_id"] in found.detail
    assert found.since is not None  # created_at stands in for the unreadable updated_at
    assert found.project_id == ""  # not one of the demo's load balancers
