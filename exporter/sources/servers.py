"""Servers of all projects, kept as slim records, followed by Nova's ``changes-since``.

Full sync: ⌈servers / page_size⌉ calls of ``GET /servers/detail?all_tenants=1`` (Nova caps a
page at its max_limit, 1,000 by default). Delta: the same listing with ``changes-since`` = the
start of the previous sync minus ``OVERLAP_SECONDS`` (clock skew, and Nova's whole-second
``updated_at``): one call unless more than a page changed. It returns every server changed
since, **deleted ones included** (status ``DELETED``, with their host), so deletes are applied
at once. Nothing a server does escapes it (every state change writes ``updated_at``); the full
resync (default 6 h) only bounds the effect of a missed delta.

The hosts of servers that appeared, changed or went are logged in ``touched``: the resource
provider source re-reads their allocations (Placement does not bump a provider's generation
when allocations are deleted).

openstacksdk's Server objects cost milliseconds each (minutes for 100,000): the checked JSON is
read directly and only the fields the collectors use are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._changes import Touches

# Servers carry their flavor's vcpus and ram from 2.47; the rest of what we read is older.
# https://docs.openstack.org/api-ref/compute/#list-servers-detailed
MICROVERSION = "2.47"
OVERLAP_SECONDS = 60.0
DELETED = "DELETED"


@dataclass(frozen=True, slots=True)
class Server:
    id: str
    name: str
    project_id: str
    status: str
    task_state: str | None
    host: str
    # The hypervisor (compute node) it runs on: what its Placement provider is named after.
    node: str
    flavor_id: str
    # The flavor's sizes as embedded in the server (2.47); None if Nova omitted them.
    vcpus: int | None
    ram: int | None
    updated: float | None


@dataclass(frozen=True, slots=True)
class ServerSet:
    servers: Mapping[str, Server]
    touched: Touches = field(default_factory=Touches)
    # Start of the sync this data is as of: a server booted since is not in it.
    synced_at: float = 0.0

    def __len__(self) -> int:
        return len(self.servers)


def server(item: Mapping[str, Any]) -> Server:
    flavor = item.get("flavor") or {}
    if not isinstance(flavor, dict):
        flavor = {}
    vcpus, ram = flavor.get("vcpus"), flavor.get("ram")
    return Server(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        project_id=str(item.get("tenant_id") or ""),
        status=str(item.get("status") or "UNKNOWN").upper(),
        task_state=item.get("OS-EXT-STS:task_state") or None,
        host=str(item.get("OS-EXT-SRV-ATTR:host") or ""),
        node=str(item.get("OS-EXT-SRV-ATTR:hypervisor_hostname") or ""),
        # Before 2.47 the flavor is a link with an id; from 2.47 its original name instead.
        flavor_id=str(flavor.get("id") or flavor.get("original_name") or ""),
        vcpus=None if vcpus is None else int(vcpus),
        ram=None if ram is None else int(ram),
        updated=timestamp(item.get("updated")),
    )


def changes_since(ctx: SyncContext) -> dict[str, str]:
    """Nova's ``changes-since`` filter: the previous sync's start, minus the overlap."""
    assert ctx.since is not None
    since = datetime.fromtimestamp(ctx.since - OVERLAP_SECONDS, UTC)
    return {"changes-since": since.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _places(server: Server) -> tuple[str, str]:
    """Where a server's allocations live, by both the names a provider may go by: the
    compute service's host and the hypervisor's (they differ for Ironic, VMware, FQDNs)."""
    return server.host, server.node


class Servers(Source[ServerSet]):
    name = "servers"
    access = (("compute", "/v2.1/servers/detail"),)
    options: ClassVar[Mapping[str, Any]] = {"page_size": 1000}
    resync = 6 * 3600.0

    def _list(self, ctx: SyncContext, params: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
        for item in ctx.api.pages(
            "compute",
            "/servers/detail",
            "servers",
            {"all_tenants": "True", **params},
            page_size=ctx.options["page_size"],
            microversion=MICROVERSION,
        ):
            if not isinstance(item.get("id"), str):
                raise ApiError("compute", "/servers/detail", "a server without an id")
            yield item

    def full(self, ctx: SyncContext) -> ServerSet:
        servers = {}
        for item in self._list(ctx, {}):
            s = server(item)
            if s.status != DELETED:
                servers[s.id] = s
        return self._diffed(ctx, servers)

    def _diffed(self, ctx: SyncContext, servers: dict[str, Server]) -> ServerSet:
        previous: ServerSet | None = ctx.previous
        if previous is None:
            ctx.count_changed(len(servers))
            return ServerSet(servers, synced_at=ctx.now)
        hosts: set[str] = set()
        changed = 0
        for sid, old in previous.servers.items():
            if servers.get(sid) != old:
                hosts.update(_places(old))
                changed += 1
        for sid, new in servers.items():
            if sid not in previous.servers:
                hosts.update(_places(new))
                changed += 1
            elif previous.servers[sid] != new:
                hosts.update(_places(new))
        ctx.count_changed(changed)
        return ServerSet(servers, previous.touched.add(hosts), ctx.now)

    def delta(self, ctx: SyncContext, previous: ServerSet) -> ServerSet:
        servers = dict(previous.servers)
        hosts: set[str] = set()
        changed = 0
        for item in self._list(ctx, changes_since(ctx)):
            new = server(item)
            old = servers.get(new.id)
            if new.status == DELETED:
                # Its host even when it was never seen alive: booted and deleted between two
                # syncs, its allocation may have been read by the providers in between.
                hosts.update(_places(new))
                if old is not None:
                    del servers[new.id]
                    hosts.update(_places(old))
                    changed += 1
                continue
            if old != new:
                servers[new.id] = new
                hosts.update(_places(new))
                if old is not None:
                    hosts.update(_places(old))
                changed += 1
        ctx.count_changed(changed)
        if not changed and not hosts:
            return replace(previous, synced_at=ctx.now)
        return ServerSet(servers, previous.touched.add(hosts), ctx.now)
