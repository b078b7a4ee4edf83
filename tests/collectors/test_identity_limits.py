"""Keystone unified limits, with service IDs resolved to the catalog's service types."""

from exporter.collectors.identity_limits import limit_families
from exporter.demo import DemoCloud
from exporter.sources.identity_limits import Limit, LimitSet
from tests.conftest import sample

REGISTERED, PROJECT = "openstack_identity_registered_limit", "openstack_identity_project_limit"


def test_unified_limits(harness, cloud: DemoCloud):
    h = harness()
    h.run("identity_limits")
    assert h.value(REGISTERED, service_type="compute", resource="class:VCPU", region_id="") == 20
    tenant = cloud.projects[2]
    assert (
        h.value(
            PROJECT,
            project_id=tenant.id,
            service_type="compute",
            resource="class:VCPU",
            region_id="",
        )
        == 200
    )
    assert h.runner.sources["identity_limits"].state.requests == 2


def test_limit_without_value_fails_the_sync(harness, cloud: DemoCloud):
    cloud.overrides[("GET", "/identity/v3/limits")] = {"limits": [{"resource_name": "volume"}]}
    h = harness()
    h.run("identity_limits")
    state = h.runner.sources["identity_limits"].state
    assert not state.last_ok
    assert "a limit without resource_name or resource_limit" in (state.last_error or "")


def test_upstream_samples(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", "/identity/v3/registered_limits")] = sample(
        samples, "identity/admin/registered-limits-list-response.json"
    )
    cloud.overrides[("GET", "/identity/v3/limits")] = sample(
        samples, "identity/admin/limits-list-response.json"
    )
    h = harness()
    h.run("identity_limits")
    # The sample's service ID is not in the demo's catalog: it is shown as itself.
    service = "9408080f1970482aa0e38bc2d4ea34b7"
    assert h.value(REGISTERED, service_type=service, resource="volume", region_id="RegionOne") == 5
    assert h.value(REGISTERED, service_type=service, resource="snapshot", region_id="") == 10
    assert (
        h.value(
            PROJECT,
            project_id="3a705b9f56bb439381b43c4fe59dccce",
            service_type=service,
            resource="volume",
            region_id="",
        )
        == 11
    )


def test_families_resolve_service_ids():
    data = LimitSet(
        (Limit("s1", "class:VCPU", "", "", 20.0),),
        (Limit("s2", "volume", "RegionOne", "p1", 5.0),),
    )
    registered, project = limit_families(data, {"s1": "compute"})
    assert [(s.labels, s.value) for s in registered.samples] == [
        ({"service_type": "compute", "resource": "class:VCPU", "region_id": ""}, 20.0)
    ]
    assert [s.labels["service_type"] for s in project.samples] == ["s2"]
