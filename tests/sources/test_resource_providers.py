"""The resource provider source: generations for claims, the servers' and migrations' logs for
deletes (which leave generations alone), a rolling resync for the rest."""

from freezegun import freeze_time

from exporter.demo import DemoCloud


def usage(h, host: str, rc: str) -> float | None:
    return h.value(
        "openstack_placement_resource_usage", host=host, resource_provider=host, resource_class=rc
    )


def calls(cloud: DemoCloud, suffix: str) -> int:
    return sum(n for path, n in cloud.requests_by_path.items() if path.endswith(suffix))


def test_a_delete_shows_at_the_next_sync_though_the_generation_stays(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.run("placement")
        before = usage(h, "cmp-005", "MEMORY_MB")
        root = cloud.provider_by_name("cmp-005")
        server = next(s for s in cloud.servers if s.host == "cmp-005")
        generation = root.generation
        clock.tick(120)
        cloud.delete_server(server.id)
        assert root.generation == generation  # Placement does not bump it on a delete
        allocations, inventories = calls(cloud, "/allocations"), calls(cloud, "/inventories")
        h.run("placement")
    assert usage(h, "cmp-005", "MEMORY_MB") < before
    assert usage(h, "cmp-005", "MEMORY_MB") == cloud.usages(root.uuid)["MEMORY_MB"]
    # Only the touched host's allocations were read again, not every provider.
    assert calls(cloud, "/allocations") - allocations == 1
    assert calls(cloud, "/inventories") == inventories


def test_a_boot_moves_the_generation_and_only_that_provider_is_read(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness(sources={"resource_providers": {"resync": "1y"}})
        h.run("placement")
        clock.tick(120)
        cloud.boot("m1.large", "cmp-001", cloud.projects[2].id)
        inventories = calls(cloud, "/inventories")
        h.run("placement")
    root = cloud.provider_by_name("cmp-001")
    assert usage(h, "cmp-001", "MEMORY_MB") == cloud.usages(root.uuid)["MEMORY_MB"]
    assert calls(cloud, "/inventories") - inventories == 1


def test_a_confirmed_migration_frees_the_source_host(harness, cloud: DemoCloud):
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.run("placement", "placement_orphans")
        server = next(s for s in cloud.servers if s.host == "cmp-001" and s.status == "ACTIVE")
        clock.tick(120)
        migration = cloud.migrate(server.id, "cmp-005", flavor_name="m1.small", finish=False)
        assert migration is not None
        h.run("placement", "placement_orphans")
        # In progress: the migration holds the source allocations and is not an orphan.
        assert h.value("openstack_placement_orphan_allocations", host="cmp-001") is None
        clock.tick(120)
        cloud.confirm(migration.uuid)
        h.run("placement")
    for host in ("cmp-001", "cmp-005"):
        root = cloud.provider_by_name(host)
        assert usage(h, host, "VCPU") == cloud.usages(root.uuid)["VCPU"]


def test_the_rolling_resync_reads_every_provider_within_the_resync(harness, cloud: DemoCloud):
    providers = len(cloud.providers)
    with freeze_time("2026-11-25 10:00:00") as clock:
        # 120 s interval, 600 s resync: a fifth of the providers each sync.
        h = harness(sources={"resource_providers": {"resync": "10m"}})
        h.run("placement")
        inventories = calls(cloud, "/inventories")
        for _ in range(5):
            clock.tick(120)
            h.run("placement")
        data = h.runner.sources["resource_providers"].data
    assert calls(cloud, "/inventories") - inventories == providers
    assert all(p.read_at > data.providers[p.uuid].read_at - 600 for p in data)
    assert h.store.sources()["resource_providers"].syncs == 6


def test_a_server_that_lived_between_two_server_listings_leaves_nothing(harness, cloud):
    """Booted and deleted between two listings of the servers, it is never seen alive; the
    providers read its allocation meanwhile (the boot moved the generation). The delete's
    DELETED record still names its host, which is read again."""
    with freeze_time("2026-11-25 10:00:00") as clock:
        h = harness()
        h.run("placement", "placement_orphans")
        clock.tick(20)
        server = cloud.boot("m1.large", "cmp-005", cloud.projects[2].id)
        h.runner.sync("resource_providers", scheduled=False)  # servers still fresh: not relisted
        assert (
            server.id
            in next(
                p for p in h.runner.sources["resource_providers"].data if p.name == "cmp-005"
            ).allocations
        )
        clock.tick(20)
        cloud.delete_server(server.id)
        clock.tick(100)
        h.run("placement", "placement_orphans")
    root = cloud.provider_by_name("cmp-005")
    assert usage(h, "cmp-005", "MEMORY_MB") == cloud.usages(root.uuid)["MEMORY_MB"]
    assert server.id not in {f.resource_id for f in h.store.states()["placement_orphans"].findings}


def test_hosts_are_matched_by_hypervisor_name_too(harness, cloud: DemoCloud):
    """A provider is named after the hypervisor (Ironic: the node; elsewhere often an FQDN),
    not always after the service host the server reports."""
    from exporter.sources._changes import Touches
    from exporter.sources.resource_providers import ProviderSet, _roots_of_hosts

    h = harness()
    h.run("placement")
    data: ProviderSet = h.runner.sources["resource_providers"].data
    root = next(p for p in data if p.name == "cmp-003")
    assert _roots_of_hosts(data, {"cmp-003"}) == {root.uuid}
    assert _roots_of_hosts(data, {"cmp-003.example.org"}) == set()
    assert Touches().add(["host-a", "node-a", ""]).since(0) == {"host-a", "node-a"}
