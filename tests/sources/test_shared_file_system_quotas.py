"""The Manila quotas source: one call per share-owning project, each re-read once an hour, at
most max_per_hour calls an hour (the first sync excepted), and none for a project without a
share unless asked."""

import math

from freezegun import freeze_time

from exporter.demo import DemoCloud
from exporter.demo.services.shared_file_system import QUOTA_DEFAULTS
from exporter.sources.shared_file_system_quotas import batch, resources

NAME = "shared_file_system_quotas"
NOW = "2026-11-25 10:00:00"


def quota_calls(cloud: DemoCloud) -> int:
    return sum(n for path, n in cloud.requests_by_path.items() if "/share/v2/quota-sets/" in path)


def owners(cloud: DemoCloud) -> set[str]:
    return {s.project_id for s in cloud.shares}


def test_only_share_owners_each_once_an_hour(harness, cloud: DemoCloud):
    with freeze_time(NOW) as clock:
        h = harness()
        h.runner.sync(NAME)
        data = h.runner.sources[NAME].data
        assert set(data.projects) == owners(cloud)
        assert quota_calls(cloud) == len(owners(cloud)) == 3
        clock.tick(300)
        h.runner.sync(NAME)
        assert quota_calls(cloud) == 3  # figures younger than an hour are kept
        clock.tick(3300)
        h.runner.sync(NAME)
    assert quota_calls(cloud) == 6
    assert h.runner.sources[NAME].data.projects[cloud.shares[0].project_id].read_at == (
        1795600800.0 + 3600
    )


def test_the_figures_are_the_apis(harness, cloud: DemoCloud):
    h = harness()
    h.runner.sync(NAME)
    for pid, quota in h.runner.sources[NAME].data.projects.items():
        usage = cloud.share_quota_usage(pid)
        for resource, limit, in_use in quota.resources:
            assert in_use == usage[resource], (pid, resource)
            want = cloud.share_quota_overrides.get(pid, {}).get(resource, QUOTA_DEFAULTS[resource])
            assert limit == (math.inf if want < 0 else want), (pid, resource)
        # 2.71: replicas (2.53) and per_share_gigabytes (2.62), no backups (2.80).
        names = {r for r, _, _ in quota.resources}
        assert {"share_replicas", "per_share_gigabytes"} <= names
        assert "backups" not in names
        assert dict((r, lim) for r, lim, _ in quota.resources)["per_share_gigabytes"] == math.inf


def test_a_budget_below_the_owners_spreads_them(harness, cloud: DemoCloud):
    with freeze_time(NOW) as clock:
        h = harness(sources={NAME: {"max_per_hour": 2}})
        h.runner.sync(NAME)
        assert len(h.runner.sources[NAME].data.projects) == 2  # the first sync: the hour's 2
        clock.tick(300)
        h.runner.sync(NAME)  # then ⌈2 × 300 / 3600⌉ = 1 a sync, never-read first
    assert set(h.runner.sources[NAME].data.projects) == owners(cloud)
    assert quota_calls(cloud) == 3


def test_every_selected_project_when_asked(harness, cloud: DemoCloud):
    h = harness(sources={NAME: {"only_share_owners": False}})
    h.runner.sync(NAME)
    assert set(h.runner.sources[NAME].data.projects) == {p.id for p in cloud.projects}


def test_no_calls_when_turned_off(harness, cloud: DemoCloud):
    h = harness(sources={NAME: {"max_per_hour": 0}})
    h.runner.sync(NAME)
    assert h.runner.sources[NAME].data.projects == {}
    assert quota_calls(cloud) == 0


def test_the_readers_project_filters_apply(harness, cloud: DemoCloud):
    skip = cloud.shares[0].project_id
    h = harness(
        collectors={
            "quota_limits": {"exclude_projects": [skip]},
            "quota_usage": {"exclude_projects": [skip]},
        }
    )
    h.runner.sync(NAME)
    assert set(h.runner.sources[NAME].data.projects) == owners(cloud) - {skip}


def test_a_project_without_shares_left_drops_out(harness, cloud: DemoCloud):
    h = harness()
    h.runner.sync(NAME)
    gone = cloud.shares[0].project_id
    for share in [s for s in cloud.shares if s.project_id == gone]:
        cloud.delete_share(share.id)
    h.runner.sync("shared_file_system_shares")
    h.runner.sync(NAME)
    assert gone not in h.runner.sources[NAME].data.projects
    assert len(h.runner.sources[NAME].data.projects) == 2


def test_a_quota_without_numbers_fails_the_sync(harness, cloud: DemoCloud):
    pid = cloud.shares[0].project_id
    cloud.overrides[("GET", f"/share/v2/quota-sets/{pid}/detail")] = {
        "quota_set": {"id": pid, "shares": {"limit": "many", "in_use": 1}}
    }
    h = harness()
    h.runner.sync(NAME)
    state = h.store.sources()[NAME]
    assert not state.last_ok
    assert "no numeric limit and in_use" in (state.last_error or "")


def test_parsing():
    got = resources(
        "p",
        {
            "id": "p",
            "shares": {"limit": -1, "in_use": 3, "reserved": 0},
            "gigabytes": {"limit": 1000, "in_use": -1, "reserved": 0},
        },
    )
    assert got == (("gigabytes", 1000.0, None), ("shares", math.inf, 3.0))


def test_batch():
    assert batch(100, 300, first=True) == 100
    assert batch(100, 300, first=False) == 9
    assert batch(100, 3600, first=False) == 100
    assert batch(100, 86400, first=False) == 100
    assert batch(1, 60, first=False) == 1
    assert batch(0, 300, first=True) == 0
