"""Quota usage per project; usage counted in bulk equals the quota APIs' own figure."""

import pytest

from exporter.clouds import cloud_region
from exporter.connection import connect
from exporter.demo import DemoCloud

USED = "openstack_quota_in_use"


def values(h, name: str) -> dict[tuple[str, str, str], float]:
    return {
        (s["project_id"], s["service_type"], s["resource"]): h.value(name, **s)
        for s in h.series(name)
    }


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
    h.run("quota_usage")
    victim, other = cloud.projects[3], cloud.projects[4]
    before = h.value(USED, project_id=other.id, service_type="compute", resource="instances")
    cloud.boot("m1.tiny", "cmp-001", other.id)
    cloud.delete_project(victim.id)
    next(p for p in cloud.projects if p.id == other.id).enabled = False
    h.run("quota_usage")
    assert (
        h.value(USED, project_id=other.id, service_type="compute", resource="instances")
        == before + 1
    )
    assert victim.id not in {s["project_id"] for s in h.series(USED)}


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
    h = harness(collectors={"quota_usage": dict(options)})
    h.run("quota_usage")
    assert {names[s["project_id"]] for s in h.series(USED)} == expected


def test_load_balancer_usage_equals_octavias_count(harness, cloud: DemoCloud):
    """Octavia has no usage API: compared with the demo's own count of each project's objects
    (what Octavia's in_use counters hold), members and health monitors included."""
    h = harness()
    h.run("quota_usage")
    got = values(h, USED)
    compared = 0
    for project in cloud.projects:
        for resource, used in cloud.lb_quota_usage(project.id).items():
            assert got[(project.id, "load_balancer", resource)] == used, (project.name, resource)
            compared += used
    assert compared > 0
    # L7 rules would need every policy's own listing: no usage series rather than a made-up 0.
    assert not any(r == "l7rule" for _, _, r in got)


def test_manila_usage_is_its_quota_apis(harness, cloud: DemoCloud, make_settings):
    h = harness()
    h.run("quota_usage")
    got = values(h, USED)
    conn = connect(cloud_region(make_settings()))
    owners = {s.project_id for s in cloud.shares}
    assert {p for p, svc, _ in got if svc == "shared_file_system"} == owners
    for pid in owners:
        detail = conn.shared_file_system.get(
            f"/quota-sets/{pid}/detail", microversion="2.71"
        ).json()["quota_set"]
        for resource, entry in detail.items():
            if resource in ("id", "per_share_gigabytes"):
                assert (pid, "shared_file_system", resource) not in got
                continue
            assert got[(pid, "shared_file_system", resource)] == entry["in_use"], resource
    assert got[(cloud.shares[0].project_id, "shared_file_system", "shares")] > 0


def test_no_manila_series_without_manila(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "shared-file-system")
    h = harness()
    h.run("quota_usage")
    assert h.value("openstack_exporter_collector_success", collector="quota_usage") == 1
    assert "shared_file_system" not in {s["service_type"] for s in h.series(USED)}
