"""The Manila services source: asks 2.83 (disabled_reason); a Manila that refuses it (406) is
asked 2.7 for an hour before 2.83 is tried again."""

from freezegun import freeze_time

from exporter.demo import DemoCloud

PATH = "/share/v2/services"
NAME = "shared_file_system_services"


def test_an_older_manila_is_asked_once_an_hour(harness, cloud: DemoCloud):
    cloud.manila_max = (2, 82)
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        before = cloud.requests_by_path[PATH]
        h.runner.sync(NAME)
        data = h.runner.sources[NAME].data
        assert (cloud.requests_by_path[PATH] - before, data.reasons) == (2, False)
        clock.tick(60)
        before = cloud.requests_by_path[PATH]
        h.runner.sync(NAME)
        assert cloud.requests_by_path[PATH] - before == 1  # straight to 2.7
        # Manila is upgraded; within the hour the source still asks 2.7 ...
        cloud.manila_max = (2, 99)
        clock.tick(60)
        h.runner.sync(NAME)
        assert not h.runner.sources[NAME].data.reasons
        # ... and an hour after the refusal it tries 2.83 again, which now works.
        clock.tick(3600)
        before = cloud.requests_by_path[PATH]
        h.runner.sync(NAME)
        data = h.runner.sources[NAME].data
    assert (cloud.requests_by_path[PATH] - before, data.reasons) == (1, True)
    assert any("disabled_reason" in s for s in data.services)


def test_read_at_is_the_sync_start(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00"):
        h = harness()
        h.runner.sync(NAME)
    assert h.runner.sources[NAME].data.read_at == 1795600800.0


def test_other_errors_are_not_taken_for_an_old_manila(harness, cloud: DemoCloud):
    cloud.set_fault(PATH, status=500)
    h = harness()
    h.runner.sync(NAME)
    state = h.store.sources()[NAME]
    assert not state.last_ok
