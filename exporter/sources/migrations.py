"""Migrations in progress (their uuid is a Placement allocation consumer), followed by Nova's
``changes-since``.

Full sync: ⌈migrations / page_size⌉ calls of ``GET /os-migrations`` (every migration Nova
still keeps, finished ones included). Delta: the same listing with ``changes-since``: one call
unless more than a page changed. Only unfinished migrations are kept. The source and
destination hosts of every migration that started, moved on or finished are logged in
``touched``: confirming a resize or finishing a live migration deletes allocations on the
source host, which does not bump its Placement generation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._changes import Touches
from exporter.sources.servers import changes_since

# Migrations carry their uuid (the allocation consumer) and page by marker from 2.59, which
# also accepts changes-since. https://docs.openstack.org/api-ref/compute/#list-migrations
MICROVERSION = "2.59"
# Statuses after which the migration holds no allocation (nova api-ref and objects).
FINISHED = frozenset({"completed", "confirmed", "reverted", "error", "failed", "cancelled", "done"})


@dataclass(frozen=True, slots=True)
class Migration:
    uuid: str
    server_id: str
    status: str
    source_host: str
    dest_host: str
    # The hypervisors, which name the Placement providers (the hosts may not).
    source_node: str = ""
    dest_node: str = ""

    @property
    def places(self) -> tuple[str, str, str, str]:
        return self.source_host, self.dest_host, self.source_node, self.dest_node


@dataclass(frozen=True, slots=True)
class MigrationSet:
    active: Mapping[str, Migration]
    touched: Touches = field(default_factory=Touches)


def migration(item: Mapping[str, Any]) -> Migration:
    return Migration(
        uuid=str(item["uuid"]),
        server_id=str(item.get("instance_uuid") or ""),
        status=str(item.get("status") or "").lower(),
        source_host=str(item.get("source_compute") or ""),
        dest_host=str(item.get("dest_compute") or ""),
        source_node=str(item.get("source_node") or ""),
        dest_node=str(item.get("dest_node") or ""),
    )


class Migrations(Source[MigrationSet]):
    name = "migrations"
    access = (("compute", "/v2.1/os-migrations"),)
    options: ClassVar[Mapping[str, Any]] = {"page_size": 1000}
    resync = 6 * 3600.0

    def _list(self, ctx: SyncContext, params: Mapping[str, Any]) -> Iterable[Migration]:
        for item in ctx.api.pages(
            "compute",
            "/os-migrations",
            "migrations",
            params,
            page_size=ctx.options["page_size"],
            microversion=MICROVERSION,
        ):
            if not isinstance(item.get("uuid"), str):
                raise ApiError("compute", "/os-migrations", "a migration without a uuid")
            yield migration(item)

    def full(self, ctx: SyncContext) -> MigrationSet:
        active = {m.uuid: m for m in self._list(ctx, {}) if m.status not in FINISHED}
        previous: MigrationSet | None = ctx.previous
        if previous is None:
            ctx.count_changed(len(active))
            return MigrationSet(active)
        hosts: set[str] = set()
        moved = set(active) ^ set(previous.active) | {
            u for u in active if previous.active.get(u) not in (None, active[u])
        }
        for uuid in moved:
            hosts.update((active.get(uuid) or previous.active[uuid]).places)
        ctx.count_changed(len(moved))
        return MigrationSet(active, previous.touched.add(hosts))

    def delta(self, ctx: SyncContext, previous: MigrationSet) -> MigrationSet:
        active = dict(previous.active)
        hosts: set[str] = set()
        changed = 0
        for m in self._list(ctx, changes_since(ctx)):
            old = active.get(m.uuid)
            if m.status in FINISHED:
                if old is None:
                    # Finished before we saw it run, or seen again in the overlap: its hosts
                    # may still have changed since the last sync.
                    hosts.update(m.places)
                    continue
                del active[m.uuid]
            elif old == m:
                continue
            else:
                active[m.uuid] = m
            hosts.update(m.places)
            changed += 1
        ctx.count_changed(changed)
        if not changed and not hosts:
            return previous
        return MigrationSet(active, previous.touched.add(hosts))
