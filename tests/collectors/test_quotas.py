"""Quota limits and usage per project; usage counted in bulk equals the quota APIs' own figure."""

import math

import pytest

from exporter.clouds import cloud_region
from exporter.connection import connect
from exporter.demo import DemoCloud
from tests.conftest import sample

LIMIT, USED = "openstack_quota_limit", "openstack_quota_in_use"


def values(h, name: str) -> dict[tuple[str, str, str], float]:
    return {
        (s["project_id"], s["service_type"], s["resource"]): h.value(name, **s)
        for s in h.series(name)
    }


def test_limits_match_the_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("quota_limits")
    got = values(h, LIMIT)
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


def test_bulk_usage_equals_the_quota_apis_figure(harness, cloud: DemoCloud, make_settings):
    """Checked per project and resource against GET os-quota-sets/detail, os-quota-sets?usage
    and quotas/{project}/details — each service's own in_use/used figure."""
    h = harness()
    h.run("quota_usage")
    got = values(h, USED)
    conn = connect(cloud_region(make_settings()))
    compared = 0
    for project in cloud.projects:
        apis = {
            "compute": (
                conn.compute.get(f"/os-quota-sets/{project.id}/detail").json()["quota_set"],
                "in_use",
            ),
            "block_storage": (
                conn.block_storage.get(f"/os-quota-sets/{project.id}?usage=True").json()[
                    "quota_set"
                ],
                "in_use",
            ),
            "network": (conn.network.get(f"/quotas/{project.id}/details").json()["quota"], "used"),
        }
        for service, (quota_set, key) in apis.items():
            for resource, entry in quota_set.items():
                if (project.id, service, resource) not in got:
                    continue  # limits-only resources (key_pairs, metadata_items, ...)
                assert got[(project.id, service, resource)] == entry[key], (
                    project.name,
                    service,
                    resource,
                )
                compared += 1
    assert compared >= len(cloud.projects) * 20
    assert sum(got.values()) > 0


def test_changes_and_deleted_project(harness, cloud: DemoCloud):
    h = harness()
    h.run("quota_limits", "quota_usage", "identity_projects")
    victim, other = cloud.projects[3], cloud.projects[4]
    before = h.value(USED, project_id=other.id, service_type="compute", resource="instances")
    cloud.set_quota("compute", other.id, cores=64)
    cloud.boot("m1.tiny", "cmp-001", other.id)
    cloud.delete_project(victim.id)
    next(p for p in cloud.projects if p.id == other.id).enabled = False
    h.run("quota_limits", "quota_usage", "identity_projects")
    assert h.value(LIMIT, project_id=other.id, service_type="compute", resource="cores") == 64
    assert (
        h.value(USED, project_id=other.id, service_type="compute", resource="instances")
        == before + 1
    )
    for name in (LIMIT, USED, "openstack_identity_project_info"):
        assert victim.id not in {s["project_id"] for s in h.series(name)}, name
    assert (
        h.value(
            "openstack_identity_project_info",
            project_id=other.id,
            project_name=other.name,
            domain_id="default",
            enabled="false",
        )
        == 1
    )
    assert h.value("openstack_identity_project_enabled", project_id=other.id) == 0


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"projects": ["project-01", "project-02"]}, {"project-01", "project-02"}),
        ({"exclude_projects": ["admin", "service"]}, None),
        ({"domains": ["Default"]}, "all"),
        ({"domains": ["other"]}, set()),
    ],
)
def test_project_filters(harness, cloud: DemoCloud, options, expected):
    names = {p.id: p.name for p in cloud.projects}
    if expected is None:
        expected = set(names.values()) - {"admin", "service"}
    if expected == "all":
        expected = set(names.values())
    h = harness(
        collectors={c: dict(options) for c in ("quota_limits", "quota_usage", "identity_projects")}
    )
    h.run("quota_limits", "quota_usage", "identity_projects")
    for metric in (LIMIT, USED, "openstack_identity_project_info"):
        assert {names[s["project_id"]] for s in h.series(metric)} == expected, metric


def test_unified_limits(harness, cloud: DemoCloud):
    h = harness()
    h.run("identity_limits")
    assert (
        h.value(
            "openstack_identity_registered_limit",
            service_type="compute",
            resource="class:VCPU",
            region_id="",
        )
        == 20
    )
    tenant = cloud.projects[2]
    assert (
        h.value(
            "openstack_identity_project_limit",
            project_id=tenant.id,
            service_type="compute",
            resource="class:VCPU",
            region_id="",
        )
        == 200
    )


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
    cloud.overrides[("GET", "/identity/v3/registered_limits")] = sample(
        samples, "identity/admin/registered-limits-list-response.json"
    )
    h = harness(collectors={"quota_limits": {"projects": [pid]}})
    h.run("quota_limits", "identity_limits")
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
    assert h.series("openstack_identity_registered_limit")
