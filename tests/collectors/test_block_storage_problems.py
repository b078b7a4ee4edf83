"""block_storage_problems, and the volumes, snapshots and backups sources it reads: each problem
counted with its age (freezegun), gone once it recovers or is deleted; the volumes delta."""

import time

from freezegun import freeze_time

from exporter.collectors.block_storage_problems import classify
from exporter.demo import DemoCloud
from exporter.demo.bodies import nova_time
from exporter.demo.capacity import Volume as DemoVolume
from exporter.sources._cinder import VolumeCopy
from exporter.sources.volumes import Volume
from tests.conftest import sample

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
VOL = "openstack_block_storage_problems"
PATH = "/volume/v3/volumes/detail"


def test_block_storage_problems(harness, cloud: DemoCloud):
    with freeze_time(NOW):
        owner = cloud.volumes[0].project_id
        errored = next(v for v in cloud.volumes if v.status == "error")
        errored.updated = T - 10 * 86400
        creating = next(v for v in cloud.volumes if v.status == "creating")
        creating.updated = T - 2 * 3600
        fresh = next(v for v in cloud.volumes if v.status == "available")
        fresh.status, fresh.updated = "attaching", T - 60  # busy, not stuck
        next(v for v in cloud.volumes if v.name == "orphan-data").updated = T - 2 * 86400
        cloud.snapshots[0].updated = T - 3 * 3600
        cloud.backups[0].updated = T - 5 * 3600
        h = harness()
        h.run("block_storage_problems")
    got = {(s["resource_type"], s["problem"], s["age"]) for s in h.series(VOL)}
    assert got == {
        ("volume", "error", "gt_7d"),
        ("volume", "stuck_creating", "1h_1d"),
        ("volume", "attached_to_deleted_server", "1d_7d"),
        ("snapshot", "error_deleting", "1h_1d"),
        ("backup", "stuck_creating", "1h_1d"),
    }
    assert h.value(VOL, project_id=owner, resource_type="volume", problem="error", age="gt_7d") == 1
    # Recovery: the stuck volume becomes available, the orphan is detached, the error deleted.
    # Each change writes updated_at, as Cinder does; a delete is seen by the next full resync.
    creating.status, creating.updated = "available", T
    orphan = next(v for v in cloud.volumes if v.name == "orphan-data")
    orphan.status, orphan.server_id, orphan.updated = "available", None, T
    cloud.volumes.remove(errored)
    h.runner.resync("volumes")
    with freeze_time(NOW):
        h.run("block_storage_problems")
    got = {(s["resource_type"], s["problem"]) for s in h.series(VOL)}
    assert got == {("snapshot", "error_deleting"), ("backup", "stuck_creating")}


def test_detail_mode_is_opt_in(harness, cloud: DemoCloud):
    h = harness()
    h.run("block_storage_problems")
    assert h.series("openstack_block_storage_problem_info") == []
    h = harness(collectors={"block_storage_problems": {"detail_metrics": True}})
    h.run("block_storage_problems")
    orphan = next(v for v in cloud.volumes if v.name == "orphan-data")
    assert (
        h.value(
            "openstack_block_storage_problem_info",
            resource_type="volume",
            resource_id=orphan.id,
            project_id=orphan.project_id,
            problem="attached_to_deleted_server",
        )
        == 1
    )


def test_cloud_without_cinder_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "block-storage")
    h = harness()
    h.run("block_storage_problems")
    c = {"collector": "block_storage_problems"}
    assert h.value("openstack_exporter_collector_success", **c) == 1
    assert h.value("openstack_exporter_collector_service_absent", **c) == 1
    assert h.series(VOL) == []


def test_upstream_samples(harness, cloud: DemoCloud, samples):
    cloud.overrides[("GET", PATH)] = sample(
        samples, "block-storage/volumes/v3.65/volumes-list-detailed-response.json"
    )
    cloud.overrides[("GET", "/volume/v3/snapshots/detail")] = sample(
        samples, "block-storage/snapshots/snapshots-list-detailed-response.json"
    )
    cloud.overrides[("GET", "/volume/v3/backups/detail")] = sample(
        samples, "block-storage/backups/v3.18/backups-list-detailed-response.json"
    )
    h = harness()
    h.run("block_storage_problems")
    project = "89afd400-b646-4bbc-b12b-c0a4d63e5bd3"
    volumes = h.runner.sources["volumes"].data.volumes
    assert volumes["cb49b381-9012-40cb-b8ee-80c19a4801b5"] == Volume(
        "cb49b381-9012-40cb-b8ee-80c19a4801b5",
        "",
        project,
        "creating",
        10,
        "__DEFAULT__",
        (),
        1543386315.288987,
        None,
    )
    # The volume and snapshot are creating with updated_at null: of unknown age, never stuck.
    # The backup has been creating since 2023.
    assert {(s["resource_type"], s["problem"], s["project_id"]) for s in h.series(VOL)} == {
        ("backup", "stuck_creating", project)
    }


def test_classify_records():
    def vol(**kw):
        fields = {"id": "v", "name": "", "project_id": "p", "status": "available", "size": 1}
        fields |= {"volume_type": "", "server_ids": (), "created": None, "updated": None}
        return Volume(**{**fields, **kw})

    now = 10_000.0
    found = classify(
        [
            vol(id="err", status="ERROR_EXTENDING"),
            vol(id="unknown-age", status="creating"),
            vol(id="busy", status="attaching", updated=now - 60),
            vol(id="stuck", status="restoring-backup", updated=now - 7200),
            vol(id="attached", status="in-use", server_ids=("s1",)),
            vol(id="orphan", status="in-use", server_ids=("s1", "gone"), name="data"),
            # Attached after the servers were listed: its server may just be too new to know.
            vol(id="new", status="in-use", server_ids=("booted",), updated=now - 10),
        ],
        [VolumeCopy("s", "", "p", "error", 1, "v", None, now)],
        [VolumeCopy("b", "", "p", "deleting", 1, "v", None, now - 3601)],
        {"s1"},
        now - 30,
        3600,
        now,
    )
    assert [(f.resource_type, f.resource_id, f.problem, f.status) for f in found] == [
        ("volume", "err", "error_extending", "ERROR_EXTENDING"),
        ("volume", "stuck", "stuck_restoring_backup", "restoring-backup"),
        ("volume", "orphan", "attached_to_deleted_server", "in-use"),
        ("snapshot", "s", "error", "error"),
        ("backup", "b", "stuck_deleting", "deleting"),
    ]
    assert found[2].resource_name == "data"


# -- the volumes source ---------------------------------------------------------------------


def _body(v) -> dict:
    """A demo volume as Cinder lists it (the fields the volumes source reads)."""
    return {
        "id": v.id,
        "name": v.name,
        "size": v.size,
        "volume_type": v.volume_type,
        "status": v.status,
        "os-vol-tenant-attr:tenant_id": v.project_id,
        "attachments": [{"server_id": v.server_id}] if v.server_id else [],
        "created_at": nova_time(v.created),
        "updated_at": nova_time(v.updated),
    }


def test_volumes_page_by_page(harness, cloud: DemoCloud):
    h = harness(sources={"volumes": {"page_size": 5, "resync": 0}})
    h.run("block_storage_problems")
    before = cloud.requests_by_path[PATH]
    h.run("block_storage_problems")  # resync 0: every sync is a full listing
    assert len(cloud.volumes) > 10
    assert cloud.requests_by_path[PATH] - before == -(-len(cloud.volumes) // 5)
    assert len(h.runner.sources["volumes"].data) == len(cloud.volumes)


def test_a_delta_applies_what_the_time_filters_return(harness, cloud: DemoCloud):
    h = harness(sources={"volumes": {"resync": 3600}})
    h.run("block_storage_problems")
    now = time.time()
    owner = cloud.volumes[0].project_id
    new = DemoVolume("0" * 32, "new", owner, 10, "lvm", "error", created=now, updated=now)
    cloud.volumes.append(new)
    before = cloud.requests_by_path[PATH]
    h.run("block_storage_problems")
    state = h.store.sources()["volumes"]
    assert state.last_ok
    assert state.last_delta is not None
    assert cloud.requests_by_path[PATH] - before == 2  # updated_at, created_at
    assert len(h.runner.sources["volumes"].data) == len(cloud.volumes)
    assert h.value(VOL, project_id=owner, resource_type="volume", problem="error", age="lt_1h")


def test_a_filter_cinder_did_not_apply_fails_the_sync(harness, cloud: DemoCloud):
    h = harness(sources={"volumes": {"resync": 3600}})
    h.run("block_storage_problems")
    old = next(v for v in cloud.volumes if v.name == "orphan-data")
    cloud.overrides[("GET", PATH)] = {"volumes": [_body(old)]}  # changed a day ago
    h.run("block_storage_problems")
    state = h.store.sources()["volumes"]
    assert not state.last_ok
    assert "updated_at filter was not applied" in (state.last_error or "")
    assert h.value("openstack_exporter_collector_success", collector="block_storage_problems") == 0
    assert h.series(VOL)  # the last good data stays served


def test_a_cinder_without_the_filters_is_listed_fully(harness, cloud: DemoCloud):
    h = harness(sources={"volumes": {"resync": 3600}})
    h.run("block_storage_problems")
    cloud.set_fault(PATH, status=406, count=1)  # Cinder < 3.60: "Version 3.60 is not supported"
    before = cloud.requests_by_path[PATH]
    h.run("block_storage_problems")
    assert h.store.sources()["volumes"].last_ok
    assert cloud.requests_by_path[PATH] - before == 2  # the refused delta, then a full page
    before = cloud.requests_by_path[PATH]
    h.run("block_storage_problems")
    assert h.store.sources()["volumes"].last_ok
    assert cloud.requests_by_path[PATH] - before == 1  # no second try until the next resync
    assert len(h.runner.sources["volumes"].data) == len(cloud.volumes)


def test_delta_follows_changes_and_the_count_reveals_deleted_volumes(harness, cloud: DemoCloud):
    h = harness(sources={"volumes": {"resync": 3600}})
    h.run("block_storage_problems")
    errored = next(v for v in cloud.volumes if v.status == "error")
    errored.status, errored.updated = "available", time.time()
    orphan = next(v for v in cloud.volumes if v.name == "orphan-data")
    cloud.volumes.remove(orphan)
    h.run("block_storage_problems")
    assert h.store.sources()["volumes"].last_ok
    got = {(s["resource_type"], s["problem"]) for s in h.series(VOL)}
    assert ("volume", "error") not in got
    # No filter lists a deleted volume; the summary's count, one short, makes the sync list
    # everything, and the deleted orphan is gone at once.
    assert ("volume", "attached_to_deleted_server") not in got
    assert len(h.runner.sources["volumes"].data) == len(cloud.volumes)
    h.run("block_storage_problems")  # nothing changed since: a delta of 3 calls
    state = h.store.sources()["volumes"]
    assert state.last_delta == state.last_success
