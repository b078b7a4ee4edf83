"""The images source: every image of every project — hidden and community included — in two
listings, paged by Glance's top-level ``next``; null sizes kept null; bad answers refused."""

import json

import pytest

from exporter.api import ApiError
from exporter.demo import DemoCloud
from exporter.sources.images import image

PATH = "/image/v2/images"


def held(h) -> dict:
    """The images source's data: id → record."""
    return h.runner.sources["images"].data.images


def listed(cloud: DemoCloud) -> set[str]:
    """What Glance lists to an admin asking for all: everything but killed (and deleted)."""
    return {i.id for i in cloud.images if i.status != "killed"}


def test_every_image_in_two_listings(harness, cloud: DemoCloud):
    h = harness()
    h.run("images")
    assert cloud.requests_by_path[PATH] == 2  # os_hidden=false, os_hidden=true: one page each
    images = held(h)
    assert set(images) == listed(cloud)
    # What Glance's default list leaves out is here: hidden images and other projects'
    # community images (the demo's default list hides them, as Glance does).
    assert any(i.os_hidden for i in images.values())
    assert any(i.visibility == "community" and i.os_hidden for i in images.values())
    killed = next(i for i in cloud.images if i.status == "killed")
    assert killed.id not in images


def test_null_size_stays_null(harness, cloud: DemoCloud):
    h = harness()
    h.run("images")
    queued = next(i for i in cloud.images if i.status == "queued")
    assert held(h)[queued.id].size is None
    active = next(i for i in cloud.images if i.status == "active" and i.stores == ("ceph",))
    record = held(h)[active.id]
    assert (record.size, record.stores, record.project_id) == (
        active.size,
        ("ceph",),
        active.owner,
    )


def test_pages_follow_next(harness, cloud: DemoCloud):
    h = harness(sources={"images": {"page_size": 4}})
    h.run("images")
    visible = sum(1 for i in cloud.images if i.status != "killed" and not i.os_hidden)
    hidden = sum(1 for i in cloud.images if i.status != "killed" and i.os_hidden)
    # Glance sends next whenever a page is full, so a multiple of 4 ends on an empty page.
    assert cloud.requests_by_path[PATH] == visible // 4 + 1 + hidden // 4 + 1
    assert set(held(h)) == listed(cloud)


def test_a_deleted_image_is_gone_at_the_next_sync(harness, cloud: DemoCloud):
    h = harness()
    h.run("images")
    gone = next(i for i in cloud.images if i.status == "active")
    cloud.delete_image(gone.id)
    h.run("images")
    assert gone.id not in held(h)
    assert set(held(h)) == listed(cloud)


def test_a_looping_next_link_fails_the_sync(harness, cloud: DemoCloud):
    item = {"id": "aaa", "status": "active", "visibility": "public", "owner": None, "size": 1}
    page = {"images": [item], "first": "/v2/images", "next": "/v2/images?marker=aaa&limit=1000"}
    cloud.set_fault(PATH, body=json.dumps(page))
    h = harness()
    h.run("images")
    assert h.value("openstack_exporter_collector_success", collector="images") == 0
    assert "repeats a marker" in h.store.states()["images"].last_error


def test_a_marker_deleted_between_pages_fails_then_recovers(harness, cloud: DemoCloud):
    # Glance answers 400 when the marker image is gone; the next sync starts over.
    cloud.set_fault(PATH, status=400, pages_only=True, count=1)
    h = harness(sources={"images": {"page_size": 4}})
    h.run("images")
    assert h.value("openstack_exporter_collector_success", collector="images") == 0
    h.run("images")
    assert h.value("openstack_exporter_collector_success", collector="images") == 1
    assert set(held(h)) == listed(cloud)


@pytest.mark.parametrize(
    "bad",
    [
        {"size": "big"},
        {"size": -1},
        {"size": True},
        {"os_hidden": "false"},
        {"stores": ["ceph"]},
        {"status": None},
        {"visibility": ""},
        {"owner": 7},
    ],
)
def test_a_malformed_image_is_refused(bad):
    item = {"id": "x", "status": "active", "visibility": "private", "owner": "p", "size": 1}
    with pytest.raises(ApiError):
        image({**item, **bad})


def test_a_malformed_answer_fails_the_collectors(harness, cloud: DemoCloud):
    cloud.set_fault(PATH, body=json.dumps({"images": [{"id": "x", "size": "big"}]}))
    h = harness()
    h.run("images", "image_problems")
    for name in ("images", "image_problems"):
        assert h.value("openstack_exporter_collector_success", collector=name) == 0


def test_cloud_without_glance_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "image")
    h = harness()
    h.run("images", "image_problems", "image_stores")
    for name in ("images", "image_problems", "image_stores"):
        labels = {"collector": name}
        assert h.value("openstack_exporter_collector_service_absent", **labels) == 1
        assert h.value("openstack_exporter_collector_success", **labels) == 1
    assert cloud.requests_by_path[PATH] == 0
