"""A source stuck on a hung API delays no other: the real scheduler keeps syncing the others on
time while that sync is still in flight, and only its readers wait."""

from __future__ import annotations

import time

from exporter.clouds import cloud_region
from exporter.contract import all_collectors
from exporter.demo import DemoCloud
from exporter.scheduler import Runner, build_scheduler, stop
from exporter.snapshot import SnapshotStore


def test_a_hung_api_holds_only_its_own_collector(make_settings, cloud: DemoCloud):
    settings = make_settings(
        concurrency=1,  # one request in flight per service: the hung one holds Placement's only
        api_timeout=60,
        collectors={
            "placement": {"interval": 60, "timeout": 60},
            "compute_services": {"interval": 1},
            "network_agents": {"interval": 1},
        },
    )
    cloud.set_fault("/placement/resource_providers", hang=True)
    store = SnapshotStore()
    runner = Runner(settings, cloud_region(settings), all_collectors(), store)
    scheduler = build_scheduler(settings, runner)
    scheduler.start()
    try:
        until = time.monotonic() + 10
        while time.monotonic() < until and store.states()["compute_services"].runs < 4:
            time.sleep(0.05)
        states = store.states()
        assert "resource_providers" in runner.running(), "the hung sync should be in flight"
        assert states["compute_services"].runs >= 4
        assert states["network_agents"].runs >= 3
        assert states["compute_services"].last_ok
        assert states["network_agents"].last_ok
        assert not states["placement"].has_run
    finally:
        abandoned = stop(scheduler, runner, 2.0)
    assert "resource_providers" in abandoned
