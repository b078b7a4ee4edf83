"""Equality guard: after any sequence of changes, the exposition built incrementally (deltas,
rolling resync) equals the exposition of a fresh full read of the same cloud.

Two runners watch one demo cloud: ``incremental`` with default settings (full sync first, then
deltas), ``full`` with every source set to ``resync: 0`` (every sync reads everything). After
each sequence of random changes both sync and their data families must be identical. Changes a
delta reveals must match at once; for the one kind no delta reveals (allocations deleted
directly in Placement by a non-Nova consumer) the test forces the affected source's resync, as
the rolling resync would within ``resync``. Seeded: a failure names its seed and the changes.

The demo cloud models what the deltas rely on (changes-since lists deleted servers, Placement
generations do not move on deletes), or this would prove nothing.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

import pytest
from freezegun import freeze_time

from exporter.contract import Source, all_sources, sources_of
from exporter.demo import DemoCloud
from exporter.demo.capacity import Volume as DemoVolume
from tests.conftest import Harness

SEQUENCES = int(os.environ.get("GUARD_SEQUENCES", "200"))


def _findings(h: Harness) -> dict[str, list[Any]]:
    return {
        name: sorted(state.findings, key=lambda f: (f.resource_type, f.resource_id, f.problem))
        for name, state in h.store.states().items()
    }


class Changes:
    """The changes an admin's cloud goes through, applied at random."""

    def __init__(self, cloud: DemoCloud, rng: random.Random) -> None:
        self.cloud, self.rng = cloud, rng
        self.log: list[str] = []
        self.pending: list[str] = []  # unfinished migrations and resizes
        self.added = 0

    def hosts(self) -> list[str]:
        return sorted({s.host for s in self.cloud.compute_services if s.binary == "nova-compute"})

    def placed(self) -> list[Any]:
        return [s for s in self.cloud.servers if s.host and s.status == "ACTIVE"]

    def boot(self) -> None:
        flavor = self.rng.choice(["m1.tiny", "m1.small", "m1.medium", "m1.large", "c1.pinned"])
        host = self.rng.choice(self.hosts())
        project = self.rng.choice(self.cloud.projects).id
        server = self.cloud.boot(flavor, host, project)
        self.log.append(f"boot {flavor} on {host}: {server and server.id}")

    def delete(self) -> None:
        if self.cloud.servers:
            server = self.rng.choice(self.cloud.servers)
            self.cloud.delete_server(server.id)
            self.log.append(f"delete {server.id} on {server.host}")

    def migrate(self) -> None:
        servers = self.placed()
        if servers:
            server = self.rng.choice(servers)
            dest = self.rng.choice([h for h in self.hosts() if h != server.host] or [server.host])
            finish = self.rng.random() < 0.6
            m = self.cloud.migrate(server.id, dest, finish=finish)
            if m is not None and not finish:
                self.pending.append(m.uuid)
            self.log.append(f"migrate {server.id} {server.host}->{dest} finish={finish}")

    def resize(self) -> None:
        servers = self.placed()
        if servers:
            server = self.rng.choice(servers)
            flavor = self.rng.choice(["m1.small", "m1.medium", "m1.large"])
            dest = self.rng.choice(self.hosts())
            m = self.cloud.migrate(server.id, dest, flavor_name=flavor, finish=False)
            if m is not None:
                self.pending.append(m.uuid)
            self.log.append(f"resize {server.id} to {flavor} on {dest}")

    def confirm(self) -> None:
        if self.pending:
            uuid = self.pending.pop(self.rng.randrange(len(self.pending)))
            self.cloud.confirm(uuid)
            self.log.append(f"confirm {uuid}")

    def inventory(self) -> None:
        host = self.rng.choice(self.hosts())
        if self.rng.random() < 0.5:
            ratio = self.rng.choice([1.0, 2.0, 4.0, 8.0])
            self.cloud.set_inventory(host, "VCPU", allocation_ratio=ratio)
            self.log.append(f"{host} VCPU ratio {ratio}")
        else:
            total = self.rng.choice([131072, 262144, 524288])
            self.cloud.set_inventory(host, "MEMORY_MB", total=total)
            self.log.append(f"{host} MEMORY_MB total {total}")

    def service(self) -> None:
        host = self.rng.choice(self.hosts())
        change = self.rng.choice(
            [{"status": "disabled"}, {"status": "enabled"}, {"state": "down"}, {"state": "up"}]
        )
        self.cloud.set_compute_service(host, **change)
        self.log.append(f"{host} {change}")

    def error(self) -> None:
        if self.cloud.servers:
            server = self.rng.choice(self.cloud.servers)
            self.cloud.set_server(server.id, status="ERROR", vm_state="error")
            self.log.append(f"error {server.id}")

    def add_host(self) -> None:
        self.added += 1
        host = f"new-{self.added:03d}"
        self.cloud.add_host(host, self.rng.choice(["az1", "az2"]))
        self.log.append(f"add host {host}")

    def remove_host(self) -> None:
        hosts = self.hosts()
        if len(hosts) > 4:
            host = self.rng.choice(hosts)
            self.cloud.remove_host(host)
            self.log.append(f"remove host {host}")

    def volume(self) -> None:
        """A volume created, deleted, or changing state (each writes updated_at, as Cinder
        does)."""
        now = self.cloud.now()
        if self.rng.random() < 0.2 and self.cloud.volumes:
            gone = self.cloud.volumes.pop(self.rng.randrange(len(self.cloud.volumes)))
            self.log.append(f"delete volume {gone.id}")
        elif self.rng.random() < 0.4:
            project = self.rng.choice(self.cloud.projects).id
            vid = f"{self.rng.getrandbits(128):032x}"
            size = self.rng.choice([1, 10, 100])
            self.cloud.volumes.append(
                DemoVolume(vid, "v", project, size, "lvm", created=now, updated=now)
            )
            self.log.append(f"create volume {vid}")
        else:
            vol = self.rng.choice(self.cloud.volumes)
            vol.status = self.rng.choice(["available", "error", "extending", "creating"])
            vol.size, vol.updated = vol.size + 1, now
            self.log.append(f"volume {vol.id} {vol.status}")

    def apply(self, n: int) -> None:
        kinds: list[tuple[Callable[[], None], int]] = [
            (self.boot, 6),
            (self.delete, 5),
            (self.migrate, 3),
            (self.resize, 2),
            (self.confirm, 3),
            (self.inventory, 2),
            (self.service, 2),
            (self.error, 1),
            (self.add_host, 1),
            (self.remove_host, 1),
            (self.volume, 3),
        ]
        fns, weights = zip(*kinds, strict=True)
        for fn in self.rng.choices(fns, weights, k=n):
            fn()


# Quota limits are rate-limited to spare Keystone-sized clouds; the demo needs no such care.
UNLIMITED = {"quota_limits": {"max_rate": 0}}


def _full_settings() -> dict[str, Any]:
    return {"sources": {name: {"resync": 0} for name in all_sources()} | UNLIMITED}


@pytest.fixture
def pair(harness: Callable[..., Harness]) -> tuple[Harness, Harness]:
    return harness(sources=UNLIMITED), harness(**_full_settings())


# Full-read sources the changes below touch (a service disabled, a host added to a zone).
ALSO_CHANGED = {"compute_services", "aggregates"}


def sync_all(h: Harness) -> None:
    """Sync every source with a delta (and those it uses), plus the full-read sources the
    changes touch, one after the other on this thread (freezegun's clock is not seen by other
    threads). The other sources, read once at first, hold the same unchanged data in both
    runners: re-reading them would only cost time."""
    if not h.store.sources()["servers"].syncs:  # the first time: every source
        for name in h.runner.sources:
            h.runner.sync(name)
        return
    deltas = {n for n, cls in all_sources().items() if cls.delta is not Source.delta}
    wanted = set(sources_of([_Reads(deltas | ALSO_CHANGED)]))
    for name in h.runner.sources:  # dependencies first
        if name in wanted:
            h.runner.sync(name)


class _Reads:
    """Stands for a collector reading ``sources``, for ``sources_of``."""

    def __init__(self, sources: set[str]) -> None:
        self.sources = tuple(sorted(sources))


def _check(incremental: Harness, full: Harness, what: str) -> None:
    sync_all(full)
    sync_all(incremental)
    assert incremental.state_exposition() == full.state_exposition(), what
    assert _findings(incremental) == _findings(full), what


def test_incremental_equals_full_read_after_random_changes(pair, cloud: DemoCloud):
    incremental, full = pair
    with freeze_time("2026-11-25 10:00:00") as clock:
        sync_all(incremental)
        sync_all(full)
        for seed in range(SEQUENCES):
            clock.tick(37)
            changes = Changes(cloud, random.Random(seed))
            changes.pending = getattr(cloud, "_guard_pending", [])
            changes.added = getattr(cloud, "_guard_added", 0)
            changes.apply(random.Random(seed).randint(1, 4))
            cloud._guard_pending, cloud._guard_added = changes.pending, changes.added
            _check(incremental, full, f"seed {seed}: {changes.log}")
    # Every collector took part, and is healthy in both runners.
    for h in (incremental, full):
        assert all(st.last_ok for st in h.store.states().values()), h.store.states()
        assert set(h.store.states()) == set(h.settings.enabled)
    sources = incremental.store.sources()
    # The guard exercised the deltas, not full syncs in disguise.
    assert sources["servers"].last_delta is not None
    assert sources["resource_providers"].last_delta is not None
    assert sources["resource_providers"].syncs > SEQUENCES
    assert sources["volumes"].last_delta is not None


def test_a_change_no_delta_reveals_shows_after_the_forced_resync(harness, cloud: DemoCloud):
    # A year between resyncs: the rolling resync stays out of the way until it is forced.
    slow = {"resource_providers": {"resync": "1y"}}
    incremental, full = harness(sources=UNLIMITED | slow), harness(**_full_settings())
    with freeze_time("2026-11-25 10:00:00") as clock:
        sync_all(incremental)
        sync_all(full)
        leaked = next(
            consumer
            for consumer in cloud.allocations
            if all(s.id != consumer for s in cloud.servers)
        )
        clock.tick(37)
        cloud.delete_allocation(leaked)  # Placement keeps the generation: no delta sees it
        sync_all(full)
        sync_all(incremental)
        assert incremental.state_exposition() != full.state_exposition()
        incremental.runner.resync("resource_providers")
        _check(incremental, full, "after the forced resync")
        # Cinder lists no deleted volume, but its count gives the delete away at once.
        clock.tick(37)
        cloud.volumes.remove(cloud.volumes[0])
        _check(incremental, full, "after a volume delete")
