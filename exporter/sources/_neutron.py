"""Shared by the Neutron sources: slim, checked listings and per-project counts.

Neutron has no delta a source could follow: its ``changed_since`` filter (timestamp extension)
lists resources updated since a time but never those deleted (their rows are gone), so a
count or a problem would outlive the resource. Every Neutron source therefore reads its whole
listing at each sync (``resync = 0``), asking with ``fields=`` for exactly the attributes its
readers use: an unfiltered port listing is what saturates Neutron in big clouds
(openstack-exporter issue #540). Neutron strips the fields it pages by (``id``) only after
computing the next link, so paging works whatever ``fields`` holds.

A kind only counted is a ``ProjectCounts``; a kind its readers look into item by item is a
``RecordSource``, whose data is a ``Listing`` of slim records with the same counts.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed

PAGE_OPTIONS: Mapping[str, Any] = MappingProxyType({"page_size": 1000})


def listing(
    ctx: SyncContext, path: str, key: str, fields: Iterable[str]
) -> Iterator[dict[str, Any]]:
    """Every item of the Neutron listing ``/v2.0<path>``, with only ``fields`` asked for
    (repeated ``fields=``), ⌈items / page_size⌉ calls."""
    return ctx.api.pages(
        "network",
        path,
        key,
        {"fields": list(fields)},
        page_size=ctx.options["page_size"],
    )


def ident(item: Mapping[str, Any], path: str) -> str:
    """The item's ``id``: a non-empty string, or the answer is not believed."""
    value = item.get("id")
    if not isinstance(value, str) or not value:
        raise ApiError("network", path, "an item without an id")
    return value


def owner(item: Mapping[str, Any], path: str) -> str:
    """The item's ``project_id`` (``tenant_id`` before Newton), interned: many items share one.

    Neutron leaves it empty on resources no project owns (an HA router's network ports); an
    item that carries neither key was not what we asked for.
    """
    for key in ("project_id", "tenant_id"):
        if key in item:
            value = item[key]
            if value is None:
                return ""
            if isinstance(value, str):
                return sys.intern(value)
            raise ApiError("network", path, f"an item whose {key} is not a string")
    raise ApiError("network", path, "an item without a project_id")


def text(item: Mapping[str, Any], key: str) -> str:
    """A free attribute as text, "" when absent or null (as the collectors always read it)."""
    return str(item.get(key) or "")


def per_project(owners: Iterable[str]) -> Mapping[str, int]:
    """Items per project: what quota usage counts."""
    return MappingProxyType(dict(Counter(owners)))


def changed_counts(previous: Mapping[str, int] | None, current: Mapping[str, int]) -> int:
    """The least number of objects that changed for the counts to move like this."""
    if previous is None:
        return sum(current.values())
    return sum(abs(current.get(p, 0) - previous.get(p, 0)) for p in set(previous) | set(current))


class ProjectCounts(Source[Mapping[str, int]]):
    """A Neutron kind only counted: ``project_id -> items``, from the listing asked for
    ``fields=project_id`` alone."""

    services = ("network",)
    options = PAGE_OPTIONS
    resync = 0.0
    path: ClassVar[str]
    key: ClassVar[str]

    def full(self, ctx: SyncContext) -> Mapping[str, int]:
        counts = per_project(
            owner(item, self.path) for item in listing(ctx, self.path, self.key, ("project_id",))
        )
        ctx.count_changed(changed_counts(ctx.previous, counts))
        return counts


class Record(Protocol):
    """What every Neutron record has: its ID and its owner ("" when no project owns it)."""

    @property
    def id(self) -> str: ...

    @property
    def project_id(self) -> str: ...


R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class Listing(Generic[R]):
    """A Neutron kind's records, and how many of them each project owns (quota usage)."""

    items: tuple[R, ...]
    per_project: Mapping[str, int]


class RecordSource(Source[Listing[R]]):
    """A Neutron kind kept record by record: the listing ``/v2.0<path>`` (list key ``key``)
    asked for ``fields`` alone, each item checked and made a record by ``record``."""

    services = ("network",)
    options = PAGE_OPTIONS
    resync = 0.0
    path: ClassVar[str]
    key: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]

    def record(self, item: Mapping[str, Any]) -> R:
        raise NotImplementedError

    def full(self, ctx: SyncContext) -> Listing[R]:
        items = tuple(map(self.record, listing(ctx, self.path, self.key, self.fields)))
        previous: Listing[R] | None = ctx.previous
        old = None if previous is None else {r.id: r for r in previous.items}
        ctx.count_changed(changed(old, {r.id: r for r in items}))
        return Listing(items, per_project(r.project_id for r in items))
