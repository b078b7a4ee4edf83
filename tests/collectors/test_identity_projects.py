"""Projects as info series: names for joins, disabled marked, deleted gone, filters applied."""

from exporter.collectors.identity_projects import project_families
from exporter.demo import DemoCloud
from exporter.sources.projects import ProjectRow, ProjectSet, select_projects

INFO, ENABLED = "openstack_identity_project_info", "openstack_identity_project_enabled"


def test_every_project_with_its_name(harness, cloud: DemoCloud):
    h = harness()
    h.run("identity_projects")
    for p in cloud.projects:
        assert (
            h.value(INFO, project_id=p.id, project_name=p.name, domain_id="default", enabled="true")
            == 1
        )
        assert h.value(ENABLED, project_id=p.id) == 1
    assert len(h.series(INFO)) == len(cloud.projects)
    # 2 calls per sync: projects and domains.
    assert h.runner.sources["projects"].state.requests == 2


def test_disabled_and_deleted_project(harness, cloud: DemoCloud):
    h = harness()
    h.run("identity_projects")
    before = len(cloud.projects)
    victim, other = cloud.projects[3], cloud.projects[4]
    cloud.delete_project(victim.id)
    next(p for p in cloud.projects if p.id == other.id).enabled = False
    h.run("identity_projects")
    for name in (INFO, ENABLED):
        assert victim.id not in {s["project_id"] for s in h.series(name)}, name
    assert (
        h.value(
            INFO, project_id=other.id, project_name=other.name, domain_id="default", enabled="false"
        )
        == 1
    )
    assert h.value(ENABLED, project_id=other.id) == 0
    # Changed: every project at the first sync, then one gone and one disabled.
    assert h.runner.sources["projects"].state.changed == before + 2


def test_project_filters(harness, cloud: DemoCloud):
    names = {p.id: p.name for p in cloud.projects}
    for options, expected in [
        ({"projects": ["project-01", "project-02"]}, {"project-01", "project-02"}),
        ({"exclude_projects": ["admin", "service"]}, set(names.values()) - {"admin", "service"}),
        ({"domains": ["Default"]}, set(names.values())),
        ({"domains": ["default"]}, set(names.values())),
        ({"domains": ["other"]}, set()),
    ]:
        h = harness(collectors={"identity_projects": dict(options)})
        h.run("identity_projects")
        assert {names[s["project_id"]] for s in h.series(INFO)} == expected, options


def test_project_without_id_fails_the_sync(harness, cloud: DemoCloud):
    cloud.overrides[("GET", "/identity/v3/projects")] = {"projects": [{"name": "x"}]}
    h = harness()
    h.run("identity_projects")
    state = h.runner.sources["projects"].state
    assert not state.last_ok
    assert "an item of 'projects' without an id" in (state.last_error or "")


def test_selection_and_families_are_pure():
    data = ProjectSet(
        (
            ProjectRow("p1", "alpha", "d1", True),
            ProjectRow("p2", "beta", "d2", False),
        ),
        {"d1": "Default", "d2": "other"},
    )
    assert [p.id for p in select_projects(data, {"domains": ["other"]})] == ["p2"]
    assert [p.id for p in select_projects(data, {"exclude_projects": ["p1"]})] == ["p2"]
    assert [p.id for p in select_projects(data, {})] == ["p1", "p2"]
    info, enabled = project_families(select_projects(data, {"projects": ["beta"]}))
    assert [s.labels for s in info.samples] == [
        {"project_id": "p2", "project_name": "beta", "domain_id": "d2", "enabled": "false"}
    ]
    assert [s.value for s in enabled.samples] == [0.0]
