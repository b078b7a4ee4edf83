"""The load_balancer_members source: every pool's members at the first sync, then only the
pools whose listing says their members may have changed, a rolling share, a cap; a pool
deleted meanwhile is dropped, a member list the server cannot find fails the sync."""

from __future__ import annotations

from dataclasses import replace

from freezegun import freeze_time

from exporter.demo import DemoCloud
from exporter.sources.load_balancer_members import PoolMembers, must_read
from exporter.sources.load_balancer_pools import Pool

MEMBERS = "/load-balancer/v2.0/lbaas/pools/{}/members"
T = 1795608000.0


def reads(cloud: DemoCloud) -> dict[str, int]:
    """Member-list requests so far, per pool."""
    return {
        p.id: cloud.requests_by_path[MEMBERS.format(p.id)]
        for p in cloud.lb_pools
        if cloud.requests_by_path[MEMBERS.format(p.id)]
    }


def test_first_sync_reads_every_pool_then_only_those_not_online(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.runner.sync("load_balancer_members")
        assert reads(cloud) == dict.fromkeys((p.id for p in cloud.lb_pools), 1)
        clock.tick(300)
        h.runner.sync("load_balancer_members")
    not_online = {p.id for p in cloud.lb_pools if p.operating_status != "ONLINE"}
    assert len(not_online) == 3  # the demo keeps these few, whatever its size
    assert {pid for pid, n in reads(cloud).items() if n == 2} == not_online
    state = h.store.sources()["load_balancer_members"]
    assert state.requests == len(cloud.lb_pools) + len(not_online)
    assert state.last_delta is not None


def test_a_changed_pool_is_read_again_and_once_more(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.runner.sync("load_balancer_members")
        pool = next(p for p in cloud.lb_pools if p.operating_status == "ONLINE")
        clock.tick(300)
        cloud.set_member_status(pool.members[0].id, "OFFLINE", admin_state_up=False)
        h.runner.sync("load_balancer_members")
        assert reads(cloud)[pool.id] == 2
        clock.tick(300)
        h.runner.sync("load_balancer_members")  # changed just before the last read: once more
        assert reads(cloud)[pool.id] == 3
        clock.tick(300)
        h.runner.sync("load_balancer_members")
        assert reads(cloud)[pool.id] == 3
    data = h.runner.sources["load_balancer_members"].data
    assert data.pools[pool.id].statuses[0] == "OFFLINE"


def test_rolling_share_and_cap(harness, cloud: DemoCloud):
    n = len(cloud.lb_pools)
    with freeze_time("2026-11-25 10:00:00") as clock:
        # resync = 4 intervals: a quarter of the pools a sync, those read longest ago first.
        h = harness(sources={"load_balancer_members": {"resync": 1200}})
        h.runner.sync("load_balancer_members")
        before = sum(reads(cloud).values())
        clock.tick(300)
        h.runner.sync("load_balancer_members")
        assert sum(reads(cloud).values()) - before == 3 + n * 300 // 1200
    # At most max_reads pools a sync after the first (3 are not ONLINE here).
    with freeze_time("2026-11-25 11:00:00") as clock:
        h = harness(sources={"load_balancer_members": {"max_reads": 1}})
        h.runner.sync("load_balancer_members")  # the first sync is never capped
        before = sum(reads(cloud).values())
        clock.tick(300)
        h.runner.sync("load_balancer_members")
        assert sum(reads(cloud).values()) - before == 1


def test_a_pool_deleted_meanwhile_is_dropped(harness, cloud: DemoCloud):
    h = harness()
    h.runner.sync("load_balancer_pools")
    gone = next(p for p in cloud.lb_pools if p.operating_status != "ONLINE")
    cloud.lb_pools.remove(gone)  # after the pools listing, before the members are read
    h.runner.sync("load_balancer_members")
    state = h.store.sources()["load_balancer_members"]
    assert state.last_ok
    assert gone.id not in h.runner.sources["load_balancer_members"].data.pools


def test_a_member_list_not_found_for_a_pool_that_exists_fails(harness, cloud: DemoCloud):
    pool = cloud.lb_pools[0]
    cloud.set_fault(MEMBERS.format(pool.id), status=404)
    h = harness()
    h.runner.sync("load_balancer_members")
    state = h.store.sources()["load_balancer_members"]
    assert not state.last_ok
    assert "HTTP 404" in (state.last_error or "")


def test_must_read():
    pool = Pool("p", "proj", "ACTIVE", "ONLINE", ("m1",), "", T - 3600)
    last = PoolMembers(pool, ("ONLINE",), T - 300)
    assert not must_read(pool, last)
    assert must_read(pool, None)
    assert must_read(
        replace(pool, operating_status="DEGRADED"),
        replace(last, pool=replace(pool, operating_status="DEGRADED")),
    )
    assert must_read(replace(pool, member_ids=("m1", "m2")), last)
    # Changed shortly before the last read: the member's own status may have followed.
    recent = replace(pool, changed=T - 330)
    assert must_read(recent, replace(last, pool=recent))
