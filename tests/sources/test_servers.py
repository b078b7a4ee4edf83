"""The servers source: a full listing first, then Nova's changes-since, deletes included."""

from freezegun import freeze_time

from exporter.demo import DemoCloud

PATH = "/compute/v2.1/servers/detail"


def test_deltas_apply_boots_changes_and_deletes(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.runner.sync("servers")
        first = h.runner.sources["servers"].data
        assert len(first) == len(cloud.servers)
        clock.tick(120)
        booted = cloud.boot("m1.small", "cmp-005", cloud.projects[2].id)
        gone = next(s for s in cloud.servers if s.host == "cmp-001")
        cloud.delete_server(gone.id)
        changed = cloud.set_server(cloud.servers[0].id, status="ERROR")
        before = cloud.requests_by_path[PATH]
        h.runner.sync("servers")
        data = h.runner.sources["servers"].data
        state = h.store.sources()["servers"]
    assert cloud.requests_by_path[PATH] - before == 1  # one small page, not the whole list
    assert state.last_delta is not None
    assert state.changed >= len(first) + 3
    assert set(data.servers) == {s.id for s in cloud.servers}
    assert data.servers[booted.id].host == "cmp-005"
    assert data.servers[changed.id].status == "ERROR"
    assert gone.id not in data.servers
    # The hosts whose allocations may have moved are logged for the resource providers.
    assert {"cmp-005", "cmp-001"} <= data.touched.since(first.touched.epoch)


def test_nothing_changed_keeps_the_same_data(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.runner.sync("servers")
        clock.tick(600)  # past the overlap: the delta is empty
        first = h.runner.sources["servers"].data
        h.runner.sync("servers")
    assert h.runner.sources["servers"].data.servers is first.servers


def test_a_full_resync_after_a_failure_finds_the_deletes_it_missed(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.runner.sync("servers")
        epoch = h.runner.sources["servers"].data.touched.epoch
        cloud.set_fault("/compute/v2.1/servers", status=500)
        clock.tick(120)
        h.runner.sync("servers")
        assert not h.store.sources()["servers"].last_ok
        gone = next(s for s in cloud.servers if s.host == "cmp-003")
        cloud.delete_server(gone.id)
        cloud.clear_faults()
        # Deleted servers leave the changes-since window once archived: only a full listing,
        # compared with what was known, reveals them.
        cloud.deleted_servers.clear()
        clock.tick(120)
        h.runner.sync("servers")
        data = h.runner.sources["servers"].data
        state = h.store.sources()["servers"]
    assert state.last_ok
    assert state.last_full == state.last_success
    assert gone.id not in data.servers
    assert "cmp-003" in data.touched.since(epoch)
