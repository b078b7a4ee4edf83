"""The Manila shares source: offset paging (Manila ignores the marker of its own next link),
the time a share entered its status from its instances, checked answers."""

import pytest

from exporter.demo import DemoCloud
from exporter.sources.shared_file_system_shares import entered
from tests.conftest import sample

SHARES = "/share/v2/shares/detail"
INSTANCES = "/share/v2/share_instances"
NAME = "shared_file_system_shares"


def sync(h) -> dict:
    h.runner.sync(NAME)
    state = h.store.sources()[NAME]
    assert state.last_ok, state.last_error
    return h.runner.sources[NAME].data.shares


@pytest.mark.parametrize(("page_size", "pages"), [(1000, 1), (5, 3), (7, 3)])
def test_pages_by_offset(harness, cloud: DemoCloud, page_size, pages):
    # 14 shares: one page; 5 + 5 + 4; 7 + 7 and an empty page to see the end.
    assert len(cloud.shares) == 14
    h = harness(sources={NAME: {"page_size": page_size}})
    before = cloud.requests_by_path[SHARES], cloud.requests_by_path[INSTANCES]
    shares = sync(h)
    assert set(shares) == {s.id for s in cloud.shares}
    assert cloud.requests_by_path[SHARES] - before[0] == pages
    assert cloud.requests_by_path[INSTANCES] - before[1] == 1


def test_records(harness, cloud: DemoCloud):
    h = harness()
    shares = sync(h)
    moving = next(s for s in cloud.shares if s.status == "migrating")
    got = shares[moving.id]
    assert (got.project_id, got.status, got.task_state, got.host, got.name) == (
        moving.project_id,
        "migrating",
        "migration_driver_in_progress",
        "shr-02@netapp#aggr1",
        moving.name,
    )
    # Two instances (source migrating, destination migrating_to): the one in the share's status.
    assert got.since == pytest.approx(moving.instances[0].updated, abs=1e-5)
    assert got.created == pytest.approx(moving.created, abs=1e-5)
    owners = {s.project_id for s in cloud.shares}
    assert h.runner.sources[NAME].data.owners() == owners


def test_a_status_change_moves_since(harness, cloud: DemoCloud):
    h = harness()
    sync(h)
    before = h.store.sources()[NAME].changed
    share = cloud.shares[0]
    cloud.set_share(share.id, status="extending")
    got = sync(h)[share.id]
    assert got.status == "extending"
    assert got.since == pytest.approx(share.instances[0].updated, abs=1e-5)
    assert h.store.sources()[NAME].changed - before == 1


def test_since_is_the_latest_instance_in_the_share_status():
    instances = [
        {"share_id": "a", "status": "available", "updated_at": "2026-01-01T00:00:00.000000"},
        {"share_id": "a", "status": "available", "updated_at": "2026-01-02T00:00:00.000000"},
        {"share_id": "a", "status": "error", "updated_at": "2026-01-03T00:00:00.000000"},
        {"share_id": "b", "status": "creating", "updated_at": None},
    ]
    assert entered(instances) == {("a", "available"): 1767312000.0, ("a", "error"): 1767398400.0}


def test_a_full_page_repeated_is_a_loop(harness, cloud: DemoCloud, samples):
    # A server that ignores offset sends the same full page again: fail, never loop.
    cloud.overrides[("GET", SHARES)] = sample(
        samples, "shared-file-system/shares-list-detailed-response.json"
    )
    h = harness(sources={NAME: {"page_size": 2}})
    h.runner.sync(NAME)
    state = h.store.sources()[NAME]
    assert not state.last_ok
    assert "pagination loops" in (state.last_error or "")


def test_upstream_samples(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", SHARES)] = sample(
        samples, "shared-file-system/shares-list-detailed-response.json"
    )
    cloud.overrides[("GET", INSTANCES)] = sample(
        samples, "shared-file-system/share-instances-list-response.json"
    )
    shares = sync(harness())
    assert {(s.status, s.project_id, s.host) for s in shares.values()} == {
        ("error", "16e1ab15c35a457e9c2b2aa189f544e1", "manila2@generic1#GENERIC1"),
        ("available", "16e1ab15c35a457e9c2b2aa189f544e1", "manila2@generic1#GENERIC1"),
    }
    # The two samples describe different shares: no instance, no time.
    assert {s.since for s in shares.values()} == {None}
    assert {s.created for s in shares.values()} == {1442427590.0, 1442424388.0}


@pytest.mark.parametrize(
    ("path", "body", "error"),
    [
        (SHARES, {"shares": [{"name": "no id"}]}, "without an id"),
        (SHARES, {"share": []}, "no 'shares' list"),
        (INSTANCES, {"share_instances": [{"id": "i", "status": "error"}]}, "without a share_id"),
    ],
)
def test_unexpected_answers_fail_the_sync(harness, cloud: DemoCloud, path, body, error):
    cloud.overrides[("GET", path)] = body
    h = harness()
    h.runner.sync(NAME)
    state = h.store.sources()[NAME]
    assert not state.last_ok
    assert error in (state.last_error or "")
