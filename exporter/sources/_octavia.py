"""Shared by the Octavia (load-balancer) sources: checked listings and the fields of records.

Octavia has no delta a source could follow (its lists filter by value, not by time of change),
so a source reads its whole listing at each sync, asking with ``fields=`` for what its readers
use (an Octavia with ``[api_settings] allow_field_selection = false`` answers whole bodies,
which parse the same). Lists page by ``limit``/``marker`` with ``<key>_links``; a page holds at
most ``[api_settings] pagination_max_limit`` items (1,000 by default).

Paths are relative to ``<catalog URL>/v2.0``: openstacksdk skips version discovery for
load-balancer and appends ``v2.0`` itself (``openstack/config/cloud_region.py``), and Octavia
serves its API under both ``/v2.0`` and ``/v2``. Octavia answers a wrong path (``/v2.0/v2/...``)
with 200 and a plausible body — an empty list, or a list of empty objects — so checking the
shape is not enough: every item must carry a non-empty ``id`` and each field a record is made
of, with its type, or the sync fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeVar

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed

SERVICE = "load-balancer"
SERVICE_TYPES = (SERVICE,)
PAGE_OPTIONS: Mapping[str, Any] = MappingProxyType({"page_size": 1000})
# The prefix openstacksdk puts before our paths, for access rules (what Octavia sees).
PREFIX = "/v2.0"


def listing(
    ctx: SyncContext, path: str, key: str, fields: Iterable[str]
) -> Iterator[dict[str, Any]]:
    """Every item of the listing ``path`` (list key ``key``), asked for ``fields`` alone:
    ⌈items / page_size⌉ calls."""
    return ctx.api.pages(
        SERVICE, path, key, {"fields": list(fields)}, page_size=ctx.options["page_size"]
    )


def ident(item: Mapping[str, Any], path: str) -> str:
    value = item.get("id")
    if not isinstance(value, str) or not value:
        raise ApiError(SERVICE, path, "an item without an id")
    return value


def word(item: Mapping[str, Any], key: str, path: str) -> str:
    """A field every item has, a non-empty string (a status, an owner), interned."""
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise ApiError(SERVICE, path, f"an item without {key}")
    return sys.intern(value)


def optional(item: Mapping[str, Any], key: str, path: str) -> str:
    """A field that may be null or absent ("" then), else a string."""
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(SERVICE, path, f"an item whose {key} is not a string")
    return sys.intern(value)


def ids(item: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    """The IDs of a ``[{"id": ...}]`` list (a pool's members, a listener's L7 policies)."""
    value = item.get(key) or []
    if not isinstance(value, list) or not all(
        isinstance(v, dict) and isinstance(v.get("id"), str) for v in value
    ):
        raise ApiError(SERVICE, path, f"an item whose {key} are not objects with an id")
    return tuple(v["id"] for v in value)


def changed_at(item: Mapping[str, Any]) -> float | None:
    """When the object last changed: ``updated_at``, or ``created_at`` for one never updated
    (Octavia leaves updated_at null until the first change)."""
    return timestamp(item.get("updated_at")) or timestamp(item.get("created_at"))


class HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=HasId)


class OctaviaListing(Source[tuple[R, ...]]):
    """An Octavia kind read whole at each sync: the listing ``/v2.0<path>`` (list key
    ``key``) asked for ``fields`` alone, each item checked and made a record by ``record``."""

    services = SERVICE_TYPES
    options: ClassVar[Mapping[str, Any]] = PAGE_OPTIONS
    path: ClassVar[str]
    key: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]

    def record(self, item: Mapping[str, Any]) -> R:
        raise NotImplementedError

    def full(self, ctx: SyncContext) -> tuple[R, ...]:
        found = tuple(map(self.record, listing(ctx, self.path, self.key, self.fields)))
        old = None if ctx.previous is None else {r.id: r for r in ctx.previous}
        ctx.count_changed(changed(old, {r.id: r for r in found}))
        return found
