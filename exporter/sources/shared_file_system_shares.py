"""Manila shares of all projects, as slim records with the time their status last changed.

Full sync only: Manila has no changes-since filter for shares. ⌈shares / page_size⌉ calls of
``GET /v2/shares/detail?all_tenants=1`` (paged by offset, see ``_manila``; one more when the
count is an exact multiple of the page) and 1 call of ``GET /v2/share_instances`` (admin, all
projects, not paged by Manila): 2 calls for up to 999 shares.

Why the instances: a share body has ``created_at`` but no ``updated_at`` at any microversion
(manila ``api/views/shares.py``). Its status is the status of its instance (the active replica
when replicated), and an instance has ``updated_at`` from 2.71 (Manila 15, Zed): the time the
share entered its status is the latest ``updated_at`` among its instances in that status. A
share whose instance list does not hold its status (it changed between the two calls) has no
known time and is not judged stuck until the next sync.

Pinned 2.71 for both calls: ``updated_at`` of instances, and ``creating_from_snapshot``
reported as itself (from 2.54, ``creating`` below). Manila hides soft-deleted shares (in the
recycle bin, 2.69) from both listings unless asked; they are left out.

A token whose policy denies ``share:list_all_projects`` gets only its own project's shares,
silently (manila ``share/api.py``): the exporter's credential needs the admin role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed
from exporter.sources._manila import (
    PAGE_SIZE,
    SERVICE,
    SERVICE_TYPES,
    access_for,
    offset_pages,
    text,
)

# https://docs.openstack.org/api-ref/shared-file-system/#list-share-instances
MICROVERSION = "2.71"
SHARES = "/shares/detail"
INSTANCES = "/share_instances"


@dataclass(frozen=True, slots=True)
class Share:
    id: str
    name: str
    project_id: str
    status: str
    # Set during migrations (migration_in_progress, migration_error, data_copying_error...).
    task_state: str
    host: str  # host@backend#pool; "" while the scheduler has not placed it
    created: float | None
    # When the share entered its status: its instance's updated_at (None: unknown).
    since: float | None


@dataclass(frozen=True, slots=True)
class ShareSet:
    shares: Mapping[str, Share]

    def __len__(self) -> int:
        return len(self.shares)

    def owners(self) -> set[str]:
        """The projects that own at least one share."""
        return {s.project_id for s in self.shares.values()}


class SharedFileSystemShares(Source[ShareSet]):
    name = "shared_file_system_shares"
    services = SERVICE_TYPES
    access = access_for(SHARES) + access_for(INSTANCES)
    options: ClassVar[Mapping[str, Any]] = {"page_size": PAGE_SIZE}

    def full(self, ctx: SyncContext) -> ShareSet:
        items = list(
            offset_pages(
                ctx,
                SHARES,
                "shares",
                {"all_tenants": "1", "sort_key": "id", "sort_dir": "asc"},
                microversion=MICROVERSION,
                page_size=ctx.options["page_size"],
            )
        )
        since = entered(_instances(ctx))
        shares = {}
        for item in items:
            status = text(item.get("status"))
            shares[item["id"]] = Share(
                id=item["id"],
                name=str(item.get("name") or ""),
                project_id=text(item.get("project_id")),
                status=status,
                task_state=text(item.get("task_state")),
                host=text(item.get("host")),
                created=timestamp(item.get("created_at")),
                since=since.get((item["id"], status)),
            )
        previous: ShareSet | None = ctx.previous
        ctx.count_changed(changed(None if previous is None else previous.shares, shares))
        return ShareSet(shares)


def _instances(ctx: SyncContext) -> list[dict[str, Any]]:
    instances = ctx.api.get(SERVICE, INSTANCES, "share_instances", microversion=MICROVERSION)
    for inst in instances:
        if not isinstance(inst, dict) or not isinstance(inst.get("share_id"), str):
            raise ApiError(SERVICE, INSTANCES, "a share instance without a share_id")
    return instances


def entered(instances: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], float]:
    """(share ID, status) → the latest ``updated_at`` of the share's instances in that status."""
    out: dict[tuple[str, str], float] = {}
    for inst in instances:
        when = timestamp(inst.get("updated_at"))
        if when is None:
            continue
        key = (str(inst["share_id"]), str(inst.get("status") or ""))
        out[key] = max(when, out.get(key, when))
    return out
