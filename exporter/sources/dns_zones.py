"""Designate zones of all projects, kept as slim records.

Full sync only: ⌈zones / 1000⌉ calls of ``GET /v2/zones?limit=1000`` with
``X-Auth-All-Projects: true`` (one call up to 999 zones; Designate adds a ``next`` link to an
exactly full page, so exactly 1,000 zones take two). Designate filters zones by name, type,
status, email, description and ttl only — no ``updated_at`` filter, no changes-since — so
there is no delta; every sync re-reads the list, and a zone created, changed or deleted shows
at the next sync. Every 300 s: 12 requests an hour per 1,000 zones.

Deleted zones are not listed (soft-deleted rows are filtered out); a zone being deleted is
``PENDING`` with action ``DELETE`` until the back ends confirm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._designate import PAGE_SIZE, SERVICE, SERVICE_TYPES, listing, text
from exporter.sources._diff import changed

PATH = "/zones"


@dataclass(frozen=True, slots=True)
class Zone:
    id: str
    name: str
    project_id: str
    status: str  # ACTIVE, PENDING, ERROR (designate objects/zone.py)
    action: str  # CREATE, UPDATE, DELETE, NONE: what PENDING or ERROR was doing
    type: str  # PRIMARY, SECONDARY, CATALOG
    serial: int | None
    created: float | None
    updated: float | None  # null until the zone first changes


def zone(item: Mapping[str, Any]) -> Zone:
    serial = item.get("serial")
    if serial is not None and (isinstance(serial, bool) or not isinstance(serial, int)):
        raise ApiError(SERVICE, PATH, "a zone's serial is not an integer")
    return Zone(
        id=item["id"],
        name=str(item.get("name") or ""),
        project_id=text(item.get("project_id")),
        status=text(item.get("status")).upper(),
        action=text(item.get("action")).upper(),
        type=text(item.get("type")).upper(),
        serial=serial,
        created=timestamp(item.get("created_at")),
        updated=timestamp(item.get("updated_at")),
    )


class DnsZones(Source[tuple[Zone, ...]]):
    name = "dns_zones"
    services = SERVICE_TYPES
    access = ((SERVICE, "/v2/zones"),)
    options: ClassVar[Mapping[str, Any]] = {"page_size": PAGE_SIZE}

    def full(self, ctx: SyncContext) -> tuple[Zone, ...]:
        zones = {
            z.id: z
            for z in map(zone, listing(ctx.api, PATH, "zones", page_size=ctx.options["page_size"]))
        }
        previous: tuple[Zone, ...] | None = ctx.previous
        old = None if previous is None else {z.id: z for z in previous}
        ctx.count_changed(changed(old, zones))
        return tuple(zones.values())
