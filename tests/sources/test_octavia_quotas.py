"""Octavia quota limits in the quota_limits source: defaults plus each project's record (null:
the default, -1: unlimited), two calls whatever the number of projects, the whole list asked
at once because Octavia cannot page it, aliases read once and checked."""

from __future__ import annotations

import math
from typing import Any

import pytest

from exporter.api import ApiError
from exporter.demo import DemoCloud
from exporter.sources import _octavia_quotas
from tests.conftest import sample

LIMIT = "openstack_quota_limit"
FAST = {"quota_limits": {"max_rate": 0}}
LIST = "/load-balancer/v2.0/lbaas/quotas"
DEFAULTS = "/load-balancer/v2.0/lbaas/quotas/defaults"


def test_limits_match_what_octavia_enforces(harness, cloud: DemoCloud):
    h = harness(sources=FAST)
    h.run("quota_limits")
    for project in cloud.projects:
        for resource in _octavia_quotas.RESOURCES:
            expected = cloud.lb_quota_limit(project.id, resource)
            got = h.value(
                LIMIT, project_id=project.id, service_type="load_balancer", resource=resource
            )
            assert got == (math.inf if expected < 0 else expected), (project.name, resource)
    tenant = next(p for p in cloud.projects if p.name == "project-01")
    assert (
        h.value(LIMIT, project_id=tenant.id, service_type="load_balancer", resource="loadbalancer")
        == 5
    )


def test_two_calls_whatever_the_projects(harness, cloud: DemoCloud):
    h = harness(sources=FAST)
    h.run("quota_limits")
    assert (cloud.requests_by_path[LIST], cloud.requests_by_path[DEFAULTS]) == (1, 1)
    cloud.set_lb_quota(cloud.projects[5].id, pool=7)
    h.run("quota_limits")
    assert (
        h.value(
            LIMIT, project_id=cloud.projects[5].id, service_type="load_balancer", resource="pool"
        )
        == 7
    )
    assert (cloud.requests_by_path[LIST], cloud.requests_by_path[DEFAULTS]) == (2, 2)


def test_upstream_samples(harness, cloud: DemoCloud, samples):
    pid = cloud.projects[3].id
    listing = sample(samples, "load-balancer/quotas-list-response.json")
    listing["quotas"][0]["project_id"] = pid
    cloud.overrides[("GET", LIST)] = listing
    cloud.overrides[("GET", DEFAULTS)] = sample(
        samples, "load-balancer/quotas-defaults-response.json"
    )
    h = harness(collectors={"quota_limits": {"projects": [pid]}}, sources=FAST)
    h.run("quota_limits")
    got = {
        s["resource"]: h.value(LIMIT, **s)
        for s in h.series(LIMIT)
        if s["service_type"] == "load_balancer"
    }
    # loadbalancer 5, member 50 and l7policy 3 are the project's; healthmonitor -1; the nulls
    # (listener, pool, l7rule) take the defaults (-1 each).
    assert got == {
        "loadbalancer": 5,
        "listener": math.inf,
        "pool": math.inf,
        "member": 50,
        "healthmonitor": math.inf,
        "l7policy": 3,
        "l7rule": math.inf,
    }


class FakeApi:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.params: dict[str, Any] = {}

    def get(self, service: str, path: str, key: str, kind: type = list, **kw: Any) -> Any:
        self.params[path] = kw.get("params")
        return self.answers[path]


DEFAULT = {"loadbalancer": 10, "load_balancer": 10, "listener": -1, "pool": 3}


def test_the_whole_list_is_asked_for_and_its_link_ignored():
    api = FakeApi({_octavia_quotas.DEFAULTS_PATH: DEFAULT, _octavia_quotas.LIST_PATH: []})
    assert _octavia_quotas.limits(api, ["p"]) == {  # type: ignore[arg-type]
        ("p", "loadbalancer"): 10,
        ("p", "listener"): math.inf,
        ("p", "pool"): 3,
    }
    assert api.params[_octavia_quotas.LIST_PATH] == {"limit": 0}


@pytest.mark.parametrize(
    ("defaults", "records", "error"),
    [
        ({**DEFAULT, "load_balancer": 11}, [], "loadbalancer and load_balancer differ"),
        ({**DEFAULT, "pool": None}, [], "pool is null"),
        ({**DEFAULT, "pool": "3"}, [], "pool is not a whole number"),
        (DEFAULT, [{"pool": 2}], "a quota without a project_id"),
        (DEFAULT, [{}], "a quota without a project_id"),
        (DEFAULT, [{"project_id": "p", "healthmonitor": 1, "health_monitor": 2}], "differ"),
    ],
)
def test_bodies_that_cannot_be_believed(defaults, records, error):
    api = FakeApi({_octavia_quotas.DEFAULTS_PATH: defaults, _octavia_quotas.LIST_PATH: records})
    with pytest.raises(ApiError, match=error):
        _octavia_quotas.limits(api, ["p"])  # type: ignore[arg-type]
