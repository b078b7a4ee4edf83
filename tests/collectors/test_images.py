"""images: per-status counts and per-project counts and bytes equal the demo cloud's own
arithmetic; null sizes are counted apart, never as 0 bytes."""

from collections import Counter

from exporter.collectors.images import LISTED_STATUSES, image_families
from exporter.demo import DemoCloud
from exporter.sources.images import Image


def record(status: str, size: int | None, image_id: str = "", project_id: str = "p1") -> Image:
    return Image(image_id or status, "", project_id, status, "private", False, size, (), None, None)


def samples(families) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families for s in f.samples}


def test_counts_and_bytes_match_the_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("images")
    shown = [i for i in cloud.images if i.status != "killed"]  # Glance never lists killed
    for status, n in Counter(i.status for i in shown).items():
        assert h.value("openstack_image_images", status=status) == n
    assert h.value("openstack_image_images", status="killed") is None
    groups: Counter = Counter()
    sizes: Counter = Counter()
    for i in shown:
        key = (i.owner, i.visibility, str(i.os_hidden).lower())
        groups[key] += 1
        sizes[key] += i.size or 0
    for (owner, vis, hidden), n in groups.items():
        labels = {"project_id": owner, "visibility": vis, "os_hidden": hidden}
        assert h.value("openstack_image_project_images", **labels) == n
    assert len(h.series("openstack_image_project_images")) == len(groups)
    # Hidden public images of the admin project are counted, apart from the visible ones.
    admin = cloud.projects[0].id
    hidden = [i for i in shown if i.owner == admin and i.os_hidden]
    assert (
        h.value(
            "openstack_image_project_bytes", project_id=admin, visibility="public", os_hidden="true"
        )
        == sum(i.size for i in hidden)
        > 0
    )
    unsized = Counter(i.status for i in shown if i.size is None)
    assert unsized["queued"] == 2
    for status in LISTED_STATUSES:
        assert h.value("openstack_image_unsized_images", status=status) == unsized[status]


def test_a_group_of_unsized_images_has_no_bytes_series():
    got = samples(
        image_families(
            [
                record("queued", None, "a"),
                record("active", 10, "b", "p2"),
                record("saving", None, "c", "p2"),
            ]
        )
    )
    p1 = (("os_hidden", "false"), ("project_id", "p1"), ("visibility", "private"))
    p2 = (("os_hidden", "false"), ("project_id", "p2"), ("visibility", "private"))
    assert got[("openstack_image_project_images", p1)] == 1
    assert ("openstack_image_project_bytes", p1) not in got  # unknown, not 0
    assert got[("openstack_image_project_bytes", p2)] == 10  # the saving one is left out
    assert got[("openstack_image_unsized_images", (("status", "queued"),))] == 1
    assert got[("openstack_image_unsized_images", (("status", "saving"),))] == 1
    # Every listable status has a series, at 0 when empty.
    assert got[("openstack_image_images", (("status", "importing"),))] == 0


def test_an_unexpected_status_is_counted_as_listed():
    got = samples(image_families([record("killed", None)]))
    assert got[("openstack_image_images", (("status", "killed"),))] == 1
