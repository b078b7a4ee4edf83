"""Quota limits per project: every project's limit as each quota API states it."""

import math

from exporter.collectors.quota_limits import limit_family
from exporter.demo import DemoCloud
from exporter.demo.services.shared_file_system import QUOTA_DEFAULTS
from exporter.sources.projects import ProjectRow, ProjectSet
from exporter.sources.quota_limits import QuotaLimitSet, numeric, selected_ids
from tests.conftest import sample

LIMIT = "openstack_quota_limit"
# No rate limit where a test syncs often: the default (10 calls a second) is tested on its own.
FAST = {"quota_limits": {"max_rate": 0}}


def values(h) -> dict[tuple[str, str, str], float]:
    return {
        (s["project_id"], s["service_type"], s["resource"]): h.value(LIMIT, **s)
        for s in h.series(LIMIT)
    }


def test_limits_match_the_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("quota_limits")
    got = values(h)
    tenants = [p for p in cloud.projects if p.name not in ("admin", "service")]
    assert got[(tenants[0].id, "compute", "cores")] == 200
    assert got[(tenants[1].id, "compute", "instances")] == 12
    assert got[(tenants[1].id, "block_storage", "gigabytes")] == 400
    assert got[(tenants[3].id, "compute", "cores")] == 20  # default
    assert got[(tenants[2].id, "network", "floatingip")] == math.inf  # -1: unlimited
    assert got[(tenants[3].id, "block_storage", "per_volume_gigabytes")] == math.inf
    for project in cloud.projects:
        for service in ("compute", "block_storage", "network"):
            for resource in cloud.quota_defaults[service]:
                expected = cloud.quota_limit(service, project.id, resource)
                assert got[(project.id, service, resource)] == (
                    math.inf if expected < 0 else expected
                ), (project.name, service, resource)


def test_cost_is_two_calls_per_project_plus_four(harness, cloud: DemoCloud):
    h = harness(sources=FAST)
    h.run("quota_limits")
    state = h.runner.sources["quota_limits"].state
    # Nova and Cinder per project; Neutron's and Octavia's two each.
    assert state.requests == 2 * len(cloud.projects) + 4
    assert state.changed == len(cloud.projects)
    h.run("quota_limits")  # every sync is a full one: nothing changed
    state = h.runner.sources["quota_limits"].state
    assert state.requests == 2 * (2 * len(cloud.projects) + 4)
    assert state.changed == len(cloud.projects)


def test_changed_limit_and_deleted_project(harness, cloud: DemoCloud):
    h = harness(sources=FAST)
    h.run("quota_limits")
    victim, other = cloud.projects[3], cloud.projects[4]
    cloud.set_quota("compute", other.id, cores=64)
    cloud.delete_project(victim.id)
    h.run("quota_limits")
    assert h.value(LIMIT, project_id=other.id, service_type="compute", resource="cores") == 64
    assert victim.id not in {s["project_id"] for s in h.series(LIMIT)}


def test_project_filters(harness, cloud: DemoCloud):
    names = {p.id: p.name for p in cloud.projects}
    for options, expected in [
        ({"projects": ["project-01", "project-02"]}, {"project-01", "project-02"}),
        ({"exclude_projects": ["admin", "service"]}, set(names.values()) - {"admin", "service"}),
        ({"domains": ["Default"]}, set(names.values())),
        ({"domains": ["other"]}, set()),
    ]:
        h = harness(collectors={"quota_limits": dict(options)}, sources=FAST)
        h.run("quota_limits")
        assert {names[s["project_id"]] for s in h.series(LIMIT)} == expected, options
    # Only the selected projects are asked for: 2 calls each, plus Neutron's 2 and Octavia's 2.
    h = harness(collectors={"quota_limits": {"projects": ["project-01"]}}, sources=FAST)
    h.run("quota_limits")
    assert h.runner.sources["quota_limits"].state.requests == 6


def test_cloud_without_cinder_and_neutron_reads_compute_only(harness, cloud: DemoCloud):
    cloud.services = ("identity", "compute", "placement")
    h = harness()
    h.run("quota_limits")
    assert {s["service_type"] for s in h.series(LIMIT)} == {"compute"}
    assert h.runner.sources["quota_limits"].state.requests == len(cloud.projects)
    assert h.value("openstack_exporter_collector_success", collector="quota_limits") == 1


def test_rate_limit_spreads_the_calls(harness, cloud: DemoCloud):
    h = harness(sources={"quota_limits": {"max_rate": 20, "parallel": 8}})
    h.run("quota_limits")
    calls = 2 * len(cloud.projects)  # Nova and Cinder, per project; Neutron's 2 are not limited
    assert h.runner.sources["quota_limits"].state.last_duration >= (calls - 1) / 20
    assert len(values(h)) > 0


def test_upstream_samples(harness, cloud: DemoCloud, samples):
    pid = cloud.projects[3].id
    cloud.overrides[("GET", f"/compute/v2.1/os-quota-sets/{pid}")] = sample(
        samples, "compute/os-quota-sets/v2.57/quotas-show-get-resp.json"
    )
    cloud.overrides[("GET", f"/volume/v3/os-quota-sets/{pid}")] = sample(
        samples, "block-storage/quota_sets/quotas-show-response.json"
    )
    neutron = sample(samples, "network/quotas/quotas-list-response.json")
    neutron["quotas"][0]["project_id"] = pid
    cloud.overrides[("GET", "/network/v2.0/quotas")] = neutron
    h = harness(collectors={"quota_limits": {"projects": [pid]}})
    h.run("quota_limits")
    compute = sample(samples, "compute/os-quota-sets/v2.57/quotas-show-get-resp.json")
    assert (
        h.value(LIMIT, project_id=pid, service_type="compute", resource="cores")
        == compute["quota_set"]["cores"]
    )
    volume = sample(samples, "block-storage/quota_sets/quotas-show-response.json")["quota_set"]
    for resource, limit in volume.items():
        if isinstance(limit, int):
            assert h.value(
                LIMIT, project_id=pid, service_type="block_storage", resource=resource
            ) == (math.inf if limit < 0 else limit)
    assert h.value(LIMIT, project_id=pid, service_type="network", resource="network") == 15
    assert (
        h.value(LIMIT, project_id=pid, service_type="network", resource="rbac_policy") == math.inf
    )


def test_neutron_quota_without_project_fails_the_sync(harness, cloud: DemoCloud):
    cloud.overrides[("GET", "/network/v2.0/quotas")] = {"quotas": [{"network": 10}]}
    h = harness()
    h.run("quota_limits")
    state = h.runner.sources["quota_limits"].state
    assert not state.last_ok
    assert "network GET /quotas: a quota without a project_id" in (state.last_error or "")


# -- pure parts ------------------------------------------------------------------------------


def _projects(*names: str) -> ProjectSet:
    rows = tuple(ProjectRow(f"id-{n}", n, "default", True) for n in names)
    return ProjectSet(rows, {"default": "Default"})


def test_the_source_fetches_the_union_of_its_readers_selections():
    projects = _projects("a", "b", "c")
    readers = ({"projects": ["c"]}, {"projects": ["a"], "exclude_projects": []})
    assert selected_ids(projects, readers) == ["id-a", "id-c"]
    assert selected_ids(projects, ()) == ["id-a", "id-b", "id-c"]


def test_numeric_reads_plain_and_detailed_quota_sets():
    assert numeric({"id": "p", "cores": 20, "ram": -1, "flag": True}) == {
        "cores": 20.0,
        "ram": math.inf,
    }
    assert numeric({"cores": {"limit": 8, "in_use": 2}}) == {"cores": 8.0}


def test_family_keeps_only_the_collectors_projects():
    data = QuotaLimitSet(
        {
            "p2": (("compute", "cores", 4.0),),
            "p1": (("compute", "cores", 2.0), ("network", "port", math.inf)),
        }
    )
    fam = limit_family(data, {"p1", "p9"})
    assert [(s.labels["project_id"], s.labels["resource"], s.value) for s in fam.samples] == [
        ("p1", "cores", 2.0),
        ("p1", "port", math.inf),
    ]


def test_manila_limits_of_the_projects_that_own_shares(harness, cloud: DemoCloud):
    h = harness(sources=FAST)
    h.run("quota_limits")
    got = values(h)
    owners = {s.project_id for s in cloud.shares}
    manila = {(pid, res) for pid, svc, res in got if svc == "shared_file_system"}
    assert {pid for pid, _ in manila} == owners  # one call each; the others are not read
    for pid, res in manila:
        want = cloud.share_quota_overrides.get(pid, {}).get(res, QUOTA_DEFAULTS[res])
        assert got[(pid, "shared_file_system", res)] == (math.inf if want < 0 else want)
    first = cloud.shares[0].project_id
    assert (
        got[(first, "shared_file_system", "gigabytes")]
        == (cloud.share_quota_overrides[first]["gigabytes"])
    )
