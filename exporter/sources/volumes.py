"""Volumes of all projects, kept as slim records, followed by Cinder's time filters.

Full sync: ⌈volumes / page_size⌉ calls of ``GET /volumes/detail?all_tenants=1`` (Cinder caps a
page at osapi_max_limit, 1,000 by default): 100 calls for 100,000 volumes.

Delta (Cinder ≥ 3.60, Ussuri): the same listing twice, filtered on ``updated_at=gt:<T>`` and
``created_at=gt:<T>``, T = the start of the previous sync minus ``OVERLAP_SECONDS`` (clock skew,
and whole-second timestamps): 2 calls unless more than a page changed. Every state change,
attachment, resize and retype writes ``updated_at``; the second filter catches volumes created
and never updated since (one the scheduler never picked up keeps ``updated_at`` null, which no
``gt`` matches). Cinder lists no deleted volumes, so the filters never reveal a deletion: one
more call, ``GET /volumes/summary?all_tenants=1`` (3.12), counts the volumes, and when the
count is not the number held, some were deleted and the sync lists everything instead. A delta
is thus 3 calls, and a delete costs one full listing at the next sync. A create and a delete
within one interval still differ from the count (the create is listed), so nothing deleted is
counted for longer than one interval. The full resync every 30 minutes (``DELTA_RESYNC``)
bounds what the filters could miss (a volume whose timestamps went backwards).

A Cinder older than 3.60 refuses the microversion (406); one that refuses the filter answers
400. Either way the sync lists fully and the following ones do too, until the next scheduled
full resync tries the delta again. An answer holding a volume the filter should have excluded
(a proxy that strips the microversion header, a non-admin token whose filter Cinder drops)
fails the sync: set ``sources.volumes.resync: 0`` for such a cloud.

Memory: a frozen slotted record per volume, never the raw JSON, with the project, type and
status strings interned: about 420 bytes a volume, 42 MB for 100,000 (measured with
tracemalloc, 60 % of them attached).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.logs import get_logger
from exporter.sources._cinder import (
    PAGE_SIZE,
    PROJECT_KEYS,
    listing,
    size,
    text,
    times,
)
from exporter.sources._diff import changed
from exporter.sources.block_storage_services import SERVICE_TYPES
from exporter.sources.servers import OVERLAP_SECONDS

# Time comparison filters on the volume list, from 3.60 (Ussuri). Below it Cinder silently
# drops them. https://docs.openstack.org/api-ref/block-storage/v3/#list-accessible-volumes-with-details
DELTA_MICROVERSION = "3.60"
DELTA_FIELDS = ("updated_at", "created_at")
# Answers that mean "this Cinder cannot filter": microversion above its maximum, filter refused.
UNSUPPORTED = frozenset({400, 406})
DELTA_RESYNC = 1800.0
# The volume summary (count and size of all volumes) exists from 3.12.
# https://docs.openstack.org/api-ref/block-storage/v3/#get-volumes-summary
SUMMARY_MICROVERSION = "3.12"


@dataclass(frozen=True, slots=True)
class Volume:
    id: str
    name: str
    project_id: str
    status: str
    size: int  # GiB
    volume_type: str  # the type's name; "" when Cinder has none
    server_ids: tuple[str, ...]  # of the servers it is attached to
    created: float | None
    updated: float | None


@dataclass(frozen=True, slots=True)
class VolumeSet:
    volumes: Mapping[str, Volume]
    # False once Cinder refused the time filters: deltas list fully until the next resync.
    delta: bool = True

    def __len__(self) -> int:
        return len(self.volumes)


def volume(item: Mapping[str, Any]) -> Volume:
    attachments = item.get("attachments") or []
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        raise ApiError("block-storage", "/volumes/detail", "a volume's attachments are not objects")
    created, updated = times(item)
    return Volume(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        project_id=text(item.get(PROJECT_KEYS["volume"])),
        status=text(item.get("status")),
        size=size(item.get("size"), "volumes"),
        volume_type=text(item.get("volume_type")),
        server_ids=tuple(str(a["server_id"]) for a in attachments if a.get("server_id")),
        created=created,
        updated=updated,
    )


class Volumes(Source[VolumeSet]):
    name = "volumes"
    services = SERVICE_TYPES
    access = (
        ("block-storage", "/v3/*/volumes/detail"),
        ("block-storage", "/v3/*/volumes/summary"),
    )
    options: ClassVar[Mapping[str, Any]] = {"page_size": PAGE_SIZE}
    resync = DELTA_RESYNC

    def full(self, ctx: SyncContext) -> VolumeSet:
        return self._full(ctx, delta=True)

    def _full(self, ctx: SyncContext, *, delta: bool) -> VolumeSet:
        volumes = {}
        for item in listing(ctx, "volumes"):
            v = volume(item)
            volumes[v.id] = v
        previous: VolumeSet | None = ctx.previous
        ctx.count_changed(changed(None if previous is None else previous.volumes, volumes))
        return VolumeSet(volumes, delta)

    def delta(self, ctx: SyncContext, previous: VolumeSet) -> VolumeSet:
        if not previous.delta:
            return self._full(ctx, delta=False)
        assert ctx.since is not None
        found: dict[str, Volume] = {}
        try:
            for field in DELTA_FIELDS:
                for item in _changed(ctx, field, ctx.since - OVERLAP_SECONDS):
                    v = volume(item)
                    found[v.id] = v
        except ApiError as exc:
            if exc.status not in UNSUPPORTED:
                raise
            get_logger().warning("volumes_delta_unsupported", status=exc.status, error=str(exc))
            return self._full(ctx, delta=False)
        volumes = dict(previous.volumes)
        n = 0
        for v in found.values():
            if volumes.get(v.id) != v:
                volumes[v.id] = v
                n += 1
        if _count(ctx) != len(volumes):
            # Fewer volumes than we hold: some were deleted, which no filter lists. Read them
            # all now rather than count a deleted volume, or its gone server, for a resync.
            return self._full(ctx, delta=True)
        ctx.count_changed(n)
        return VolumeSet(volumes) if n else previous


def _count(ctx: SyncContext) -> int:
    """How many volumes all projects have: ``GET /volumes/summary?all_tenants=1`` (3.12), one
    call whatever their number."""
    summary = ctx.api.get(
        "block-storage",
        "/volumes/summary",
        "volume-summary",
        dict,
        params={"all_tenants": "True"},
        microversion=SUMMARY_MICROVERSION,
    )
    count = summary.get("total_count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ApiError("block-storage", "/volumes/summary", "no total_count")
    return count


def _changed(ctx: SyncContext, field: str, since: float) -> Iterator[dict[str, Any]]:
    """The volumes whose ``field`` is later than ``since``; fails on one that is not, as a
    Cinder that ignored the filter would list it."""
    stamp = datetime.fromtimestamp(since, UTC).replace(microsecond=0)
    after = stamp.timestamp()
    params = {field: f"gt:{stamp.strftime('%Y-%m-%dT%H:%M:%SZ')}"}
    for item in listing(ctx, "volumes", params, DELTA_MICROVERSION):
        when = times(item)[0 if field == "created_at" else 1]
        if when is None or when <= after:
            raise ApiError(
                "block-storage",
                "/volumes/detail",
                f"the {field} filter was not applied: a volume {field} before it",
            )
        yield item
