"""image_problems: stuck uploads and imports past ``stuck``, queued images past ``queued``,
killed ones at any age; ages from updated_at (freezegun); gone once the image moves on."""

import pytest
from freezegun import freeze_time

from exporter.collectors.image_problems import PROBLEMS, classify
from exporter.demo import DemoCloud
from exporter.sources.images import Image
from exporter.web.remedies import remedy_for

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
FAM = "openstack_image_problems"
THRESHOLDS = {"stuck": 7200, "queued": 86400}


@pytest.fixture
def cloud() -> DemoCloud:
    # Seeded at NOW, so the demo's ages are what its seed says.
    with freeze_time(NOW):
        return DemoCloud(hosts=6, seed=7)


def by_name(cloud: DemoCloud, name: str):
    return next(i for i in cloud.images if i.name == name)


def test_image_problems(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        h = harness()
        h.run("image_problems")
    got = {(s["problem"], s["age"], s["project_id"]) for s in h.series(FAM)}
    assert got == {
        ("stuck_queued", "1d_7d", by_name(cloud, "upload-never-finished").owner),
        ("stuck_saving", "1h_1d", by_name(cloud, "upload-lost").owner),
        ("stuck_uploading", "1d_7d", by_name(cloud, "staged-never-imported").owner),
        ("stuck_importing", "1h_1d", by_name(cloud, "import-lost").owner),
    }
    findings = {f.resource_name: f for f in h.store.states()["image_problems"].findings}
    # Recent uploads (queued 10 minutes, saving 2 minutes) are busy, not stuck.
    assert set(findings) == {
        "upload-never-finished",
        "upload-lost",
        "staged-never-imported",
        "import-lost",
    }
    lost = findings["import-lost"]
    assert (lost.resource_type, lost.status, lost.since) == ("image", "importing", T - 3 * 3600)
    assert lost.resource_id == by_name(cloud, "import-lost").id
    assert lost.detail == "importing to ceph,archive"


def test_recovery_and_thresholds(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        h = harness(collectors={"image_problems": {"stuck": 6 * 3600, "queued": 7 * 86400}})
        h.run("image_problems")
    # Saving 5 h and importing 3 h are within 6 h; queued 3 days within a week.
    assert {s["problem"] for s in h.series(FAM)} == {"stuck_uploading"}
    with freeze_time(NOW):
        cloud.set_image(by_name(cloud, "staged-never-imported").id, status="importing")
        h.run("image_problems")
    assert h.series(FAM) == []


def test_detail_mode_is_opt_in(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        h = harness(collectors={"image_problems": {"detail_metrics": True}})
        h.run("image_problems")
    lost = by_name(cloud, "upload-lost")
    labels = {"resource_id": lost.id, "project_id": lost.owner, "problem": "stuck_saving"}
    assert h.value("openstack_image_problem_info", resource_type="image", **labels) == 1


def image(status: str, updated: float | None, **kw) -> Image:
    return Image("i", "n", "p", status, "private", False, None, (), None, updated, **kw)


def test_classify():
    now = T
    assert [f.problem for f in classify([image("killed", None)], THRESHOLDS, now)] == ["killed"]
    assert classify([image("saving", None)], THRESHOLDS, now) == []  # no age, no verdict
    assert classify([image("active", now - 10**7)], THRESHOLDS, now) == []
    assert classify([image("deactivated", now - 10**7)], THRESHOLDS, now) == []
    assert classify([image("queued", now - 86000)], THRESHOLDS, now) == []
    [f] = classify(
        [image("importing", now - 7201, importing_to="ceph", failed_import="archive")],
        THRESHOLDS,
        now,
    )
    assert (f.problem, f.detail) == (
        "stuck_importing",
        "importing to ceph; failed to import to archive",
    )


@pytest.mark.parametrize("problem", PROBLEMS)
def test_every_problem_has_a_remedy(problem):
    remedy = remedy_for("image", problem)
    assert remedy is not None
    assert remedy.inspect
    assert remedy.undo
