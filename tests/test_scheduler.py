import threading

from freezegun import freeze_time

from exporter.clouds import cloud_region
from exporter.contract import all_collectors
from exporter.demo import DemoCloud
from exporter.scheduler import MAX_JITTER_SECONDS, Runner, build_scheduler
from exporter.snapshot import SnapshotStore

CMP1 = {"binary": "nova-compute", "host": "cmp-001", "zone": "az1"}


def test_failed_run_keeps_last_good_data_and_others_stay_fresh(harness, cloud: DemoCloud):
    h = harness()
    with freeze_time("2026-11-25 10:00:00"):
        h.run("compute_services", "network_agents")
    first = h.value(
        "openstack_exporter_collector_last_success_timestamp_seconds", collector="compute_services"
    )
    assert first == 1795600800.0

    cloud.set_fault("/compute", status=500)
    with freeze_time("2026-11-25 10:01:00"):
        h.run("compute_services", "network_agents")

    # The failed collector: success 0, one failure, old data still served with its old age.
    assert h.value("openstack_exporter_collector_success", collector="compute_services") == 0
    assert h.value("openstack_exporter_collector_failures_total", collector="compute_services") == 1
    assert h.value("openstack_exporter_collector_runs_total", collector="compute_services") == 2
    assert h.value("openstack_compute_service_up", **CMP1) == 1
    assert (
        h.value(
            "openstack_exporter_collector_last_success_timestamp_seconds",
            collector="compute_services",
        )
        == first
    )
    # The other collector ran at the new time and is fresh.
    assert h.value("openstack_exporter_collector_success", collector="network_agents") == 1
    assert (
        h.value(
            "openstack_exporter_collector_last_success_timestamp_seconds",
            collector="network_agents",
        )
        == first + 60
    )
    error = h.store.states()["compute_services"].last_error
    assert "500" in error

    cloud.clear_faults()
    h.run("compute_services")
    assert h.value("openstack_exporter_collector_success", collector="compute_services") == 1


def test_hanging_api_is_cut_by_the_timeout(harness, cloud: DemoCloud):
    cloud.set_fault("/volume", delay=1.5)
    h = harness(api_timeout=0.3)
    h.run("block_storage_services", "compute_services")
    assert h.value("openstack_exporter_collector_success", collector="block_storage_services") == 0
    assert (
        h.value("openstack_exporter_collector_duration_seconds", collector="block_storage_services")
        < 1.5
    )
    assert h.value("openstack_exporter_collector_success", collector="compute_services") == 1


def test_keystone_failing_then_recovering(harness, cloud: DemoCloud):
    cloud.set_fault("/identity", status=503)
    h = harness()
    h.run()  # every collector fails, nothing raises
    for name in h.settings.enabled:
        assert h.value("openstack_exporter_collector_success", collector=name) == 0
        assert (
            h.value("openstack_exporter_collector_last_success_timestamp_seconds", collector=name)
            is None
        )
    assert h.store.ready()  # ready means "has run", not "succeeded"
    cloud.clear_faults()
    h.run()
    for name in h.settings.enabled:
        assert h.value("openstack_exporter_collector_success", collector=name) == 1


def test_collector_bug_is_caught(harness, cloud: DemoCloud, captured_logs):
    cloud.overrides[("GET", "/network/v2.0/agents")] = {"agents": "not a list"}
    h = harness()
    h.run("network_agents")
    assert h.value("openstack_exporter_collector_success", collector="network_agents") == 0
    line = next(e for e in captured_logs if e["event"] == "collector_run")
    assert line["collector"] == "network_agents"
    assert line["ok"] is False
    assert line["log_level"] == "warning"


def test_jobs_are_configured(make_settings):
    settings = make_settings(
        concurrency=2,
        collectors={"compute_services": {"interval": "5m"}, "api_endpoints": {"enabled": False}},
    )
    store = SnapshotStore()
    runner = Runner(settings, cloud_region(settings), all_collectors(), store)
    scheduler = build_scheduler(settings, runner)
    scheduler.start(paused=True)  # job defaults are applied when the scheduler starts
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    # One job per source the enabled collectors read: the endpoint probes are not among them.
    assert set(jobs) == set(runner.sources)
    assert "endpoints" not in jobs
    assert {"servers", "resource_providers", "compute_services"} <= set(jobs)
    # The compute_services source syncs as often as its most demanding reader (all at 5m now).
    job = jobs["compute_services"]
    assert job.trigger.interval.total_seconds() == 300
    assert job.trigger.jitter == MAX_JITTER_SECONDS
    assert jobs["network_agents"].trigger.jitter == 6.0
    assert job.max_instances == 1
    assert job.coalesce is True
    assert job.misfire_grace_time == 300
    assert job.args == ("compute_services",)
    assert job.kwargs == {"scheduled": True}
    # A source used by another syncs at least as often: servers feed the providers' deltas.
    assert runner.sources["servers"].interval <= runner.sources["resource_providers"].interval


def test_scheduler_runs_every_job_at_start_up(make_settings):
    settings = make_settings(concurrency=2)
    store = SnapshotStore()
    runner = Runner(settings, cloud_region(settings), all_collectors(), store)
    done = threading.Event()
    original = runner.sync

    def sync(name: str, **kwargs):
        synced = original(name, **kwargs)
        if store.ready():
            done.set()
        return synced

    runner.sync = sync  # observe the real wrapper, to know when every job ran once
    scheduler = build_scheduler(settings, runner)
    scheduler.start()
    try:
        assert done.wait(20), "not every collector ran at start-up"
    finally:
        scheduler.shutdown(wait=True)
    assert all(s.last_ok for s in store.states().values())


def test_a_failing_source_backs_off_then_resyncs_fully(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        runner = h.runner
        assert runner.sync("servers", scheduled=True)  # first: full
        clock.tick(120)
        assert runner.sync("servers", scheduled=True)  # then: a delta
        assert h.store.sources()["servers"].last_delta is not None
        cloud.set_fault("/compute/v2.1/servers", status=500)
        clock.tick(120)
        runner.sync("servers", scheduled=True)
        assert h.store.sources()["servers"].failures == 1
        # Backing off: one interval after the first failure, two after the second.
        clock.tick(60)
        assert not runner.sync("servers", scheduled=True)
        clock.tick(61)
        runner.sync("servers", scheduled=True)
        assert h.store.sources()["servers"].failures == 2
        clock.tick(200)
        assert not runner.sync("servers", scheduled=True)
        cloud.clear_faults()
        clock.tick(41)
        assert runner.sync("servers", scheduled=True)
        state = h.store.sources()["servers"]
    # After a failure the next success is a full read: a delta could have missed changes.
    assert state.last_ok
    assert state.last_full == state.last_success
    assert state.syncs == 5
    # Its readers failed meanwhile and recovered with it.
    assert h.value("openstack_exporter_collector_success", collector="compute_servers") == 1
    assert h.value("openstack_exporter_collector_failures_total", collector="compute_servers") == 2


def test_a_fresh_source_is_not_synced_again_by_a_scheduled_job(harness, cloud: DemoCloud):
    """A source another one uses is synced first when due: its own job, arriving soon after,
    finds it fresh and skips, so it is fetched once per interval."""
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.runner.sync("resource_providers", scheduled=True)  # syncs servers and migrations first
        clock.tick(10)
        assert not h.runner.sync("servers", scheduled=True)
        clock.tick(110)
        assert h.runner.sync("servers", scheduled=True)
    assert h.store.sources()["servers"].syncs == 2


def test_source_self_metrics(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.run("placement")
        clock.tick(120)
        cloud.boot("m1.small", "cmp-001", cloud.projects[2].id)
        h.run("placement")
    src = {"source": "resource_providers"}
    assert h.value("openstack_exporter_source_success", **src) == 1
    assert h.value("openstack_exporter_source_syncs_total", **src) == 2
    assert h.value("openstack_exporter_source_interval_seconds", **src) == 120
    assert h.value("openstack_exporter_source_resync_seconds", **src) == 6 * 3600
    assert h.value("openstack_exporter_source_last_full_sync_timestamp_seconds", **src) == (
        1795600800.0
    )
    assert h.value("openstack_exporter_source_last_delta_sync_timestamp_seconds", **src) == (
        1795600920.0
    )
    full = 1 + 3 * len(cloud.providers)
    requests = h.value("openstack_exporter_source_requests_total", **src)
    assert full < requests < 2 * full  # the delta cost a few calls, not another full read
    assert (
        h.value("openstack_exporter_source_changed_objects_total", **src)
        >= len(cloud.providers) + 1
    )


def test_a_first_sync_that_fails_fails_its_readers(harness, cloud: DemoCloud):
    cloud.set_fault("/compute/v2.1/os-services", status=500)
    h = harness()
    h.run("compute_services", "compute_aggregates")
    for name in ("compute_services", "compute_aggregates"):
        assert h.value("openstack_exporter_collector_success", collector=name) == 0
        assert "compute_services" in h.store.states()[name].last_error


def test_a_full_sync_may_outlast_the_interval(harness, cloud: DemoCloud):
    """The first read of a big cloud takes longer than a short interval; cutting it at the
    interval would fail it at every attempt."""
    h = harness(collectors={"placement": {"interval": 1}})
    cloud.set_fault("/placement/resource_providers/", delay=0.3)  # the per-provider calls
    h.run("placement")
    state = h.store.sources()["resource_providers"]
    assert state.last_ok, state.last_error
    assert state.last_duration > 1


def test_unchanged_data_is_not_derived_again_until_an_interval_passes(harness, cloud: DemoCloud):
    """Deriving 100,000 quota series again from data that did not change is CPU for nothing:
    the families stand and their data age moves on. What may depend on the time (ages,
    "stuck" thresholds) is derived again once an interval has passed."""
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.run("compute_flavors")
        first = h.store.states()["compute_flavors"]
        clock.tick(200)
        h.runner.sync("flavors", scheduled=True)
        same = h.store.states()["compute_flavors"]
        assert same.families is first.families  # not derived again...
        assert same.runs == first.runs + 1
        assert same.last_success == first.last_success + 200  # ...but known current
        clock.tick(1)
        h.runner.resync("flavors")
        h.runner.sync("flavors")  # a full read, same data, less than an interval since
        assert h.store.states()["compute_flavors"].families is first.families
        cloud.flavors[0].vcpus += 1
        h.runner.sync("flavors")
        changed = h.store.states()["compute_flavors"]
        assert changed.families is not first.families
        assert h.value("openstack_compute_flavor_vcpus", flavor_id=cloud.flavors[0].id) == (
            cloud.flavors[0].vcpus
        )
        clock.tick(300)
        h.runner.sync("flavors", scheduled=True)
        # Unchanged, but the last derivation is an interval old: derived again.
        assert h.store.states()["compute_flavors"].families is not changed.families
