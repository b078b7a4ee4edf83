"""Resource providers with inventories, traits and allocations, followed by generations.

Placement is the capacity truth (compute ≥ 2.88 dropped the hypervisor resource fields). Usage
is the sum of a provider's allocations, so one call per provider gives both the usage and the
consumers that leaked-allocation checks need.

Full sync: 1 + 3 × providers calls (``GET /resource_providers``, then per provider
``/inventories``, ``/traits``, ``/allocations``; Placement has no bulk form), ``parallel`` at a
time. Delta, every interval:
- 1 call lists every provider with its ``generation``, which Placement bumps when the
  provider's inventory, traits or aggregates change and when allocations are *claimed* against
  it: a new provider or a moved generation is read again (3 calls);
- allocations *deleted* (a server deleted, a resize confirmed, a migration finished) do not bump
  it (placement/objects/allocation.py): the hosts the servers and migrations sources saw change
  (by service host and by hypervisor name, which is what a provider is named after) are read
  again (1 call per provider of the host's tree), in this sync and the next one, since Nova
  frees the allocations shortly after it records the change; sharing providers
  (``MISC_SHARES_VIA_AGGREGATE``) belong to no host's tree and are read again every time;
- a rolling resync re-reads providers × interval / resync providers each time (the fraction
  carried over), the longest unread first, so each provider is read whole at least every
  ``resync`` (default 6 h) without a burst: this bounds what nothing else reveals
  (allocations of non-Nova consumers, changes missed while another source failed).
Providers gone from the list are dropped. If a log no longer reaches back to the last sync, the
sync is a full one. A failed sync changes nothing, so the next one can still be a delta from the
last good data: generations and the logs both reach back to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources.migrations import MigrationSet
from exporter.sources.servers import ServerSet

# A sharing provider (shared storage's DISK_GB) is in no host's tree: its few allocations are
# read again at every delta. https://docs.openstack.org/placement/latest/user/provider-tree.html
SHARING = "MISC_SHARES_VIA_AGGREGATE"
# root_provider_uuid and parent_provider_uuid are in the provider list from 1.14.
# https://docs.openstack.org/api-ref/placement/#resource-providers
MICROVERSION = "1.14"


@dataclass(frozen=True, slots=True)
class Inventory:
    total: int
    reserved: int = 0
    allocation_ratio: float = 1.0
    min_unit: int = 1
    max_unit: int | None = None
    step_size: int = 1

    @property
    def capacity(self) -> float:
        return max(0.0, (self.total - self.reserved) * self.allocation_ratio)


@dataclass(frozen=True, slots=True)
class Provider:
    uuid: str
    name: str
    parent_uuid: str | None
    root_uuid: str
    inventories: Mapping[str, Inventory]
    usages: Mapping[str, int]
    traits: frozenset[str] = frozenset()
    # consumer UUID -> resource class -> amount
    allocations: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    generation: int | None = None
    # When inventories and traits were last read (the rolling resync reads the oldest first).
    read_at: float = 0.0


@dataclass(frozen=True, slots=True)
class ProviderSet:
    providers: Mapping[str, Provider]
    servers_epoch: int = 0
    migrations_epoch: int = 0
    # Hosts read because of a logged change, read once more in the next sync.
    recheck: frozenset[str] = frozenset()
    # Providers the rolling resync owes but has not read yet (a fraction carried over).
    rolling_credit: float = 0.0

    def __iter__(self) -> Any:
        return iter(self.providers.values())

    def __len__(self) -> int:
        return len(self.providers)

    def host_of(self, provider: Provider) -> str:
        """The host a provider belongs to: its root provider's name (a compute node's)."""
        root = self.providers.get(provider.root_uuid)
        return root.name if root else provider.name


def usages(allocations: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for resources in allocations.values():
        for rc, amount in resources.items():
            out[rc] = out.get(rc, 0) + amount
    return out


def _inventory(inv: Mapping[str, Any]) -> Inventory:
    return Inventory(
        total=int(inv["total"]),
        reserved=int(inv.get("reserved") or 0),
        allocation_ratio=float(inv.get("allocation_ratio") or 1.0),
        min_unit=int(inv.get("min_unit") or 1),
        max_unit=None if inv.get("max_unit") is None else int(inv["max_unit"]),
        step_size=int(inv.get("step_size") or 1),
    )


def _allocations(body: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    out = {}
    for consumer, alloc in body.items():
        resources = alloc.get("resources") if isinstance(alloc, dict) else None
        if not isinstance(resources, dict):
            raise ApiError("placement", "/resource_providers/*/allocations", "bad allocation")
        out[str(consumer)] = {str(rc): int(n) for rc, n in resources.items()}
    return out


class ResourceProviders(Source[ProviderSet]):
    name = "resource_providers"
    services = ("placement",)
    access = (
        ("placement", "/resource_providers"),
        ("placement", "/resource_providers/*/inventories"),
        ("placement", "/resource_providers/*/traits"),
        ("placement", "/resource_providers/*/allocations"),
    )
    options: ClassVar[Mapping[str, Any]] = {"parallel": 4}
    resync = 6 * 3600.0
    rolling = True  # see "rolling resync" above
    uses = ("servers", "migrations")

    # -- reads ----------------------------------------------------------------------------

    def _list(self, ctx: SyncContext) -> list[dict[str, Any]]:
        listed = ctx.api.get(
            "placement", "/resource_providers", "resource_providers", microversion=MICROVERSION
        )
        for rp in listed:
            if not isinstance(rp, dict) or not isinstance(rp.get("uuid"), str):
                raise ApiError("placement", "/resource_providers", "a provider without a uuid")
        return listed

    def _get(self, ctx: SyncContext, uuid: str, what: str, kind: type) -> Any:
        path = f"/resource_providers/{uuid}/{what}"
        return ctx.api.get("placement", path, what, kind, microversion=MICROVERSION)

    def _read_whole(self, ctx: SyncContext, rp: Mapping[str, Any]) -> Provider:
        uuid = rp["uuid"]
        inventories = {
            str(rc): _inventory(inv)
            for rc, inv in self._get(ctx, uuid, "inventories", dict).items()
        }
        traits = frozenset(str(t) for t in self._get(ctx, uuid, "traits", list))
        allocations = _allocations(self._get(ctx, uuid, "allocations", dict))
        return Provider(
            uuid,
            rp.get("name") or uuid,
            rp.get("parent_provider_uuid"),
            rp.get("root_provider_uuid") or uuid,
            inventories,
            usages(allocations),
            traits,
            allocations,
            rp.get("generation"),
            ctx.now,
        )

    def _reread_allocations(self, ctx: SyncContext, old: Provider) -> Provider:
        allocations = _allocations(self._get(ctx, old.uuid, "allocations", dict))
        return Provider(
            old.uuid,
            old.name,
            old.parent_uuid,
            old.root_uuid,
            old.inventories,
            usages(allocations),
            old.traits,
            allocations,
            old.generation,
            old.read_at,
        )

    # -- syncs ----------------------------------------------------------------------------

    def _epochs(self, ctx: SyncContext) -> tuple[int, int]:
        servers: ServerSet = ctx.used["servers"]
        migrations: MigrationSet = ctx.used["migrations"]
        return servers.touched.epoch, migrations.touched.epoch

    def full(self, ctx: SyncContext) -> ProviderSet:
        listed = self._list(ctx)
        read = ctx.api.parallel(lambda rp: self._read_whole(ctx, rp), listed, self._parallel(ctx))
        providers = {p.uuid: p for p in read}
        previous: ProviderSet | None = ctx.previous
        # Hosts touched just before this read: Nova may free their allocations a moment later,
        # so read them once more next time.
        recheck: set[str] = set()
        if previous is not None:
            servers: ServerSet = ctx.used["servers"]
            migrations: MigrationSet = ctx.used["migrations"]
            recheck |= servers.touched.since(previous.servers_epoch) or set()
            recheck |= migrations.touched.since(previous.migrations_epoch) or set()
        ctx.count_changed(
            len(providers)
            if previous is None
            else sum(
                previous.providers.get(u) != _same_time(p, previous) for u, p in providers.items()
            )
            + len(set(previous.providers) - set(providers))
        )
        return ProviderSet(providers, *self._epochs(ctx), frozenset(recheck))

    def delta(self, ctx: SyncContext, previous: ProviderSet) -> ProviderSet:
        servers: ServerSet = ctx.used["servers"]
        migrations: MigrationSet = ctx.used["migrations"]
        touched_s = servers.touched.since(previous.servers_epoch)
        touched_m = migrations.touched.since(previous.migrations_epoch)
        if touched_s is None or touched_m is None:
            return self.full(ctx)
        touched = touched_s | touched_m
        listed = self._list(ctx)
        listed_ids = {rp["uuid"] for rp in listed}
        whole: list[Mapping[str, Any]] = []
        for rp in listed:
            old = previous.providers.get(rp["uuid"])
            if old is None or old.generation != rp.get("generation"):
                whole.append(rp)
        # Rolling resync: the providers read longest ago, enough to cover all within resync.
        chosen = {rp["uuid"] for rp in whole}
        credit = previous.rolling_credit
        if ctx.resync > 0:
            credit += len(listed) * ctx.interval / ctx.resync
            quota = math.floor(credit + 1e-9)  # 1.4 × 5 is 6.999… in floats
            credit -= quota
            oldest = sorted(
                (rp for rp in listed if rp["uuid"] not in chosen),
                key=lambda rp: previous.providers[rp["uuid"]].read_at,
            )
            whole.extend(oldest[:quota])
            chosen.update(rp["uuid"] for rp in oldest[:quota])
        hosts = touched | previous.recheck
        roots = _roots_of_hosts(previous, hosts)
        partial = [
            p
            for p in previous.providers.values()
            if (p.root_uuid in roots or SHARING in p.traits)
            and p.uuid not in chosen
            and p.uuid in listed_ids
        ]
        parallel = self._parallel(ctx)
        fresh = ctx.api.parallel(lambda rp: self._read_whole(ctx, rp), whole, parallel)
        fresh += ctx.api.parallel(lambda p: self._reread_allocations(ctx, p), partial, parallel)
        providers = {uuid: p for uuid, p in previous.providers.items() if uuid in listed_ids}
        changed = len(previous.providers) - len(providers)
        for p in fresh:
            if _same_time(p, previous) != previous.providers.get(p.uuid):
                changed += 1
            providers[p.uuid] = p
        ctx.count_changed(changed)
        return ProviderSet(
            providers, servers.touched.epoch, migrations.touched.epoch, frozenset(touched), credit
        )

    @staticmethod
    def _parallel(ctx: SyncContext) -> int:
        return int(ctx.options.get("parallel", 4))


def _same_time(p: Provider, previous: ProviderSet) -> Provider:
    """``p`` with the read time of its previous version, to compare contents only."""
    old = previous.providers.get(p.uuid)
    if old is None:
        return p
    return Provider(
        p.uuid,
        p.name,
        p.parent_uuid,
        p.root_uuid,
        p.inventories,
        p.usages,
        p.traits,
        p.allocations,
        p.generation,
        old.read_at,
    )


def _roots_of_hosts(providers: ProviderSet, hosts: set[str]) -> set[str]:
    """Root providers named after one of ``hosts`` (a compute node's provider is named after
    its hypervisor, the host's name or its FQDN)."""
    if not hosts:
        return set()
    out = set()
    for p in providers.providers.values():
        if p.parent_uuid is None and (p.name in hosts or p.name.split(".", 1)[0] in hosts):
            out.add(p.uuid)
    return out
