"""Shared by the Cinder listing sources (volumes, snapshots, backups): the checked listing of
all projects and the fields every record keeps; snapshots and backups, copies of a volume
kept alike, share their record (``VolumeCopy``) and their source (``VolumeCopies``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed
from exporter.sources.block_storage_services import SERVICE_TYPES

# Backups name their project from 3.18; volumes and snapshots always do.
# https://docs.openstack.org/api-ref/block-storage/v3/#list-backups-with-detail
MICROVERSION = "3.18"
# Where each list body names the owning project.
PROJECT_KEYS = {
    "volume": "os-vol-tenant-attr:tenant_id",
    "snapshot": "os-extended-snapshot-attributes:project_id",
    "backup": "os-backup-project-attr:project_id",
}
# Cinder's osapi_max_limit default: the largest page it returns.
PAGE_SIZE = 1000


def listing(
    ctx: SyncContext,
    kind: str,
    params: Mapping[str, Any] | None = None,
    microversion: str = MICROVERSION,
) -> Iterator[dict[str, Any]]:
    """Every volume, snapshot or backup (``kind`` plural) of all projects, page by page, each
    with a string id."""
    path = f"/{kind}/detail"
    for item in ctx.api.pages(
        "block-storage",
        path,
        kind,
        {"all_tenants": "True", **(params or {})},
        page_size=ctx.options["page_size"],
        microversion=microversion,
    ):
        if not isinstance(item.get("id"), str) or not item["id"]:
            raise ApiError("block-storage", path, f"an item of {kind!r} without an id")
        yield item


def text(value: Any) -> str:
    """A field as a string, interned: 100,000 volumes share a few projects, types, statuses."""
    return sys.intern(str(value or ""))


def size(value: Any, kind: str) -> int:
    """A size in GiB (``kind`` plural names the listing); a missing one counts as 0."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(
            "block-storage", f"/{kind}/detail", f"an item of {kind!r} has no numeric size"
        )
    return int(value)


def times(item: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """``created_at`` and ``updated_at`` as unix seconds (None when absent or unreadable)."""
    return timestamp(item.get("created_at")), timestamp(item.get("updated_at"))


@dataclass(frozen=True, slots=True)
class VolumeCopy:
    """A snapshot or a backup of a volume."""

    id: str
    name: str
    project_id: str
    status: str
    size: int  # GiB
    volume_id: str
    created: float | None
    updated: float | None


class VolumeCopies(Source[tuple[VolumeCopy, ...]]):
    """The snapshots or backups of all projects: the listing ``/<kind>/detail``, each item's
    project under ``project_key``."""

    services = SERVICE_TYPES
    options: ClassVar[Mapping[str, Any]] = {"page_size": PAGE_SIZE}
    kind: ClassVar[str]  # the listing, plural: snapshots, backups
    project_key: ClassVar[str]  # the PROJECT_KEYS entry

    def record(self, item: Mapping[str, Any]) -> VolumeCopy:
        created, updated = times(item)
        return VolumeCopy(
            id=str(item["id"]),
            name=str(item.get("name") or ""),
            project_id=text(item.get(self.project_key)),
            status=text(item.get("status")),
            size=size(item.get("size"), self.kind),
            volume_id=str(item.get("volume_id") or ""),
            created=created,
            updated=updated,
        )

    def full(self, ctx: SyncContext) -> tuple[VolumeCopy, ...]:
        copies = {c.id: c for c in map(self.record, listing(ctx, self.kind))}
        previous: tuple[VolumeCopy, ...] | None = ctx.previous
        old = None if previous is None else {c.id: c for c in previous}
        ctx.count_changed(changed(old, copies))
        return tuple(copies.values())
