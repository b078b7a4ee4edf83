"""Leaked allocations: Placement allocations whose consumer is neither a server nor a migration."""

from exporter.demo import DemoCloud


def test_leaked_allocations(harness, cloud: DemoCloud):
    h = harness()
    h.run("placement_orphans")
    assert h.value("openstack_placement_orphan_allocations", host="cmp-005") == 1
    assert (
        h.value(
            "openstack_placement_orphan_allocation_usage",
            host="cmp-005",
            resource_class="MEMORY_MB",
        )
        == 8192
    )
    assert len(h.series("openstack_placement_orphan_allocations")) == 1  # servers' are fine
    finding = h.store.states()["placement_orphans"].findings[0]
    assert (finding.resource_type, finding.host) == ("allocation", "cmp-005")
    leaked = next(c for c in cloud.allocations if c not in {s.id for s in cloud.servers})
    cloud.delete_allocation(leaked)  # an admin deletes it: Placement keeps the generation
    h.runner.resync("resource_providers")  # only a resync reveals it (the rolling one, in time)
    h.run("placement_orphans")
    assert h.series("openstack_placement_orphan_allocations") == []


def test_a_server_booted_after_the_listing_is_not_an_orphan(harness, cloud: DemoCloud):
    h = harness()
    h.run("placement_orphans")
    cloud.boot("m1.small", "cmp-001", cloud.projects[2].id)
    h.run("placement_orphans")
    assert h.series("openstack_placement_orphan_allocations") == [{"host": "cmp-005"}]
