"""load_balancer_components: listeners and pools by operating status; members in ERROR or
OFFLINE, equal to the demo's own count of every member — the OFFLINE one in an ONLINE pool
included — and following changes that Octavia signals through the pools listing."""

from collections import Counter

from exporter.demo import DemoCloud

LISTENERS = "openstack_load_balancer_listeners"
POOLS = "openstack_load_balancer_pools"
MEMBERS = "openstack_load_balancer_members"


def by_status(h, name: str) -> dict[str, float]:
    return {s["operating_status"]: h.value(name, **s) for s in h.series(name)}


def members_down(cloud: DemoCloud) -> dict[str, int]:
    every = Counter(m.operating_status for p in cloud.lb_pools for m in p.members)
    return {"ERROR": every["ERROR"], "OFFLINE": every["OFFLINE"]}


def test_counts_match_the_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancer_components")
    listeners = Counter(x.operating_status for x in cloud.lb_listeners)
    pools = Counter(p.operating_status for p in cloud.lb_pools)
    assert by_status(h, LISTENERS) == {"OFFLINE": 0, **listeners}
    assert by_status(h, POOLS) == dict(pools)
    assert set(pools) >= {"ONLINE", "DEGRADED", "ERROR", "OFFLINE"}
    assert by_status(h, MEMBERS) == members_down(cloud)
    # The disabled member of a healthy pool is counted: the first sync reads every pool.
    online = [p for p in cloud.lb_pools if p.operating_status == "ONLINE"]
    assert any(m.operating_status == "OFFLINE" for p in online for m in p.members)


def test_member_changes_show_at_the_next_run(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancer_components")
    healthy = [p for p in cloud.lb_pools if p.operating_status == "ONLINE" and p.healthmonitor_id]
    # An admin disables a member of an ONLINE pool (the pool goes through PENDING_UPDATE)...
    cloud.set_member_status(healthy[1].members[0].id, "OFFLINE", admin_state_up=False)
    # ...and a member fails its health checks: its pool turns DEGRADED.
    cloud.set_member_status(healthy[2].members[1].id, "ERROR")
    assert healthy[2].operating_status == "DEGRADED"
    h.run("load_balancer_components")
    assert by_status(h, MEMBERS) == members_down(cloud)
    # It recovers: the pool is ONLINE again and read once more.
    cloud.set_member_status(healthy[2].members[1].id, "ONLINE")
    h.run("load_balancer_components")
    assert by_status(h, MEMBERS) == members_down(cloud)


def test_cloud_without_octavia_is_absent(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "load-balancer")
    h = harness()
    h.run("load_balancer_components")
    assert (
        h.value("openstack_exporter_collector_service_absent", collector="load_balancer_components")
        == 1
    )
