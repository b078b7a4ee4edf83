"""The operating status of Octavia pool members, read pool by pool where it can have changed.

Octavia has no listing of all members: they are read per pool, ``GET
/v2.0/lbaas/pools/{pool}/members`` (⌈members / page_size⌉ calls, one in practice). Reading every
pool at every sync would cost one call per pool per interval, so the source reads a pool's
members only where the pools listing (the load_balancer_pools source, which it uses) says they
may have changed since they were last read:

- a pool not ONLINE (DEGRADED, ERROR, OFFLINE): its members' health moves without the pool's
  row changing (a second member failing in a DEGRADED pool), so it is read at every sync;
- a pool new, or whose listing differs from when its members were read (status, members,
  ``updated_at``), or changed within ``OVERLAP_SECONDS`` before that read: read once more.

An ONLINE pool needs nothing else, because of how Octavia writes statuses
(``octavia/controller/healthmanager/health_drivers/update_db.py``): a member failing its health
checks (ERROR) turns its pool DEGRADED, or ERROR when none answers; a member turns OFFLINE
inside an ONLINE pool only when an admin disables it (``admin_state_up=false``, an API update
that takes the pool through PENDING_UPDATE, so its ``updated_at`` moves — the health manager
marks the member a few seconds later, hence the overlap) or when an amphora stops reporting
it. That last case, and anything else the listing cannot reveal, is bounded by a rolling
re-read: pools × interval / ``resync`` pools a sync (default 24 h), those read longest ago.

Cost: the first sync reads every pool (one call each, ``parallel`` at a time); then each sync
reads the pools not ONLINE, the pools changed, and the rolling share — at most ``max_reads``
pools (default 25). A cloud whose pools are mostly not ONLINE (no health manager, or many
disabled load balancers) would otherwise pay a call per pool per sync: with the cap, the pools
read longest ago go first (new ones before all), and the others keep their last read, so their
members' statuses lag by up to ⌈pools due / max_reads⌉ intervals. A member list answering 404
costs one more call, ``GET /v2.0/lbaas/pools/{pool}``: a pool deleted since the listing (404
again) is dropped; a pool still there fails the sync (its member list cannot be read).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._octavia import PREFIX, SERVICE, SERVICE_TYPES, ident, listing, word
from exporter.sources.load_balancer_pools import Pool
from exporter.sources.servers import OVERLAP_SECONDS

FIELDS = ("id", "operating_status")
RESYNC = 86400.0


@dataclass(frozen=True, slots=True)
class PoolMembers:
    """One read of a pool's member list, and the pool as the listing showed it then."""

    pool: Pool
    statuses: tuple[str, ...]  # operating_status of each member
    read_at: float  # when the sync that read it started


@dataclass(frozen=True, slots=True)
class MemberSet:
    pools: Mapping[str, PoolMembers]  # pool ID -> its last read; pools never read are absent
    # Pools the rolling re-read owes but has not read yet (a fraction carried over).
    credit: float = 0.0

    def statuses(self) -> Counter[str]:
        """Members per operating status, over every pool read."""
        return Counter(s for read in self.pools.values() for s in read.statuses)


class LoadBalancerMembers(Source[MemberSet]):
    name = "load_balancer_members"
    services = SERVICE_TYPES
    access = (
        (SERVICE, f"{PREFIX}/lbaas/pools/*/members"),
        (SERVICE, f"{PREFIX}/lbaas/pools/*"),  # only after a 404: is the pool gone?
    )
    options: ClassVar[Mapping[str, Any]] = {"page_size": 1000, "parallel": 4, "max_reads": 25}
    uses = ("load_balancer_pools",)
    resync = RESYNC
    rolling = True  # see "rolling re-read" above: never a burst after the first sync

    def full(self, ctx: SyncContext) -> MemberSet:
        pools: tuple[Pool, ...] = ctx.used["load_balancer_pools"]
        return self._read(ctx, pools, list(pools), {}, 0.0)

    def delta(self, ctx: SyncContext, previous: MemberSet) -> MemberSet:
        pools: tuple[Pool, ...] = ctx.used["load_balancer_pools"]
        held = previous.pools
        due = [p for p in pools if must_read(p, held.get(p.id))]
        credit = previous.credit
        if ctx.resync > 0:
            credit += len(pools) * ctx.interval / ctx.resync
        owed = int(credit)
        chosen = {p.id for p in due}
        rest = sorted((p for p in pools if p.id not in chosen), key=lambda p: held[p.id].read_at)
        due += rest[:owed]
        credit -= owed
        cap = max(1, int(ctx.options["max_reads"]))
        if len(due) > cap:
            # New pools first (never read), then those read longest ago.
            due = sorted(due, key=lambda p: held[p.id].read_at if p.id in held else -1.0)[:cap]
        return self._read(ctx, pools, due, held, credit)

    def _read(
        self,
        ctx: SyncContext,
        pools: tuple[Pool, ...],
        due: list[Pool],
        held: Mapping[str, PoolMembers],
        credit: float,
    ) -> MemberSet:
        def one(pool: Pool) -> tuple[str, ...] | None:
            path = f"/lbaas/pools/{pool.id}/members"
            try:
                items = list(listing(ctx, path, "members", FIELDS))
            except ApiError as exc:
                if exc.status == 404 and gone(ctx, pool):
                    return None  # deleted since the pools listing
                raise
            for item in items:
                ident(item, path)  # each must be a member, not an empty object
            return tuple(word(item, "operating_status", path) for item in items)

        found = ctx.api.parallel(one, due, ctx.options["parallel"])
        read = {p.id: s for p, s in zip(due, found, strict=True)}
        out: dict[str, PoolMembers] = {}
        moved = 0
        for pool in pools:
            if pool.id in read:
                statuses = read[pool.id]
                if statuses is None:
                    continue
                old = held.get(pool.id)
                moved += old is None or sorted(old.statuses) != sorted(statuses)
                out[pool.id] = PoolMembers(pool, statuses, ctx.now)
            elif pool.id in held:
                out[pool.id] = held[pool.id]
        moved += sum(1 for pid in held if pid not in out)
        ctx.count_changed(moved)
        return MemberSet(out, credit)


def gone(ctx: SyncContext, pool: Pool) -> bool:
    """Whether a pool whose member list answered 404 is gone: one more call, so that a path
    Octavia does not know (which would 404 for every pool) fails the sync instead of reading
    as a cloud without members."""
    try:
        ctx.api.get(SERVICE, f"/lbaas/pools/{pool.id}", "pool", dict)
    except ApiError as exc:
        if exc.status == 404:
            return True
        raise
    return False


def must_read(pool: Pool, last: PoolMembers | None) -> bool:
    """Whether the pools listing says this pool's members may have changed since ``last``."""
    if last is None or pool.operating_status != "ONLINE" or pool != last.pool:
        return True
    return pool.changed is not None and pool.changed > last.read_at - OVERLAP_SECONDS
