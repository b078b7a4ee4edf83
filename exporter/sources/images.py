"""Glance images of every project, every visibility, hidden or not, kept as slim records.

Full sync, every sync: two listings of ``GET /v2/images?visibility=all&limit=1000``, one with
``os_hidden=false`` and one with ``os_hidden=true``, each ⌈images / 1000⌉ pages (at least one):
2 calls for up to 1,000 visible and 1,000 hidden images. Why two: Glance's list always filters
on ``os_hidden`` — false unless the query says true, and then only hidden images
(``glance/api/v2/images.py`` ``index``) — so no single query returns both. ``visibility=all``
is what brings in community images, which an admin's list otherwise leaves out unless the
admin's own project owns them (``glance/db/sqlalchemy/api.py`` ``_image_get_all``); for an
admin no other filter applies, so these two listings are every image Glance lists. Pages are
25 by default and at most ``api_limit_max`` (1,000 by default): we ask for ``page_size``
(1,000), follow the top-level ``next`` (its marker only) and fail on a repeated marker.

What Glance never lists: deleted images (the list filters ``deleted=False``; with
``delayed_delete`` a ``pending_delete`` image is already marked deleted) and ``killed`` ones
(``_make_conditions_from_filters`` drops that status whenever deleted ones are excluded, which
v2 always does). Glance v2 no longer kills an image — a failed upload goes back to ``queued`` —
so ``killed`` only survives from older releases and only ``GET /v2/images/{id}`` shows it.

No delta, on purpose. Glance v2 answers ``changes-since`` with 400; it has ``updated_at=gt:``,
which would list changes and new images, but never a deleted one, and there is no count or
summary to notice deletes by (``/v2/info/usage`` covers the caller's own project only). A
delta would keep counting a deleted image's bytes until the next full sync; at one page per
listing in most clouds, it would also save nothing. So every sync lists everything.

Between two pages a deleted marker image makes Glance answer 400 (``marker`` not found): the
sync fails and the next one starts over. An image hidden or unhidden between the two listings
can be missed (or, seen twice, is kept once) for one sync.

``size`` is kept as Glance gives it: ``None`` (JSON null) while there is no data — never
turned into 0 bytes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed

SERVICE_TYPES = ("image",)
PATH = "/images"
# Glance's api_limit_max default: the largest page it returns.
PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Image:
    id: str
    name: str
    project_id: str  # the image's owner; "" when Glance has none
    status: str
    visibility: str  # public, private, shared, community
    os_hidden: bool
    size: int | None  # bytes; None while Glance has no data for it (queued, saving)
    stores: tuple[str, ...]  # multi-store: the stores holding its data
    created: float | None
    updated: float | None
    # The import in flight, as Glance's reserved properties say (comma-separated store IDs).
    importing_to: str = ""
    failed_import: str = ""


@dataclass(frozen=True, slots=True)
class ImageSet:
    images: Mapping[str, Image]

    def __len__(self) -> int:
        return len(self.images)


def _text(value: Any) -> str:
    return sys.intern(str(value or ""))


def image(item: Mapping[str, Any]) -> Image:
    """A checked record of one list item."""
    size = item.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise ApiError("image", PATH, "an image's size is not a byte count or null")
    hidden = item.get("os_hidden", False)
    if not isinstance(hidden, bool):
        raise ApiError("image", PATH, "an image's os_hidden is not a boolean")
    for key in ("status", "visibility"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise ApiError("image", PATH, f"an image without a {key}")
    if not isinstance(item.get("owner"), str | None):
        raise ApiError("image", PATH, "an image's owner is not a project ID")
    stores = item.get("stores") or ""
    if not isinstance(stores, str):
        raise ApiError("image", PATH, "an image's stores are not a comma-separated string")
    return Image(
        id=str(item["id"]),
        name=str(item.get("name") or ""),
        project_id=_text(item.get("owner")),
        status=_text(item["status"]),
        visibility=_text(item["visibility"]),
        os_hidden=hidden,
        size=size,
        stores=tuple(sys.intern(s.strip()) for s in stores.split(",") if s.strip()),
        created=timestamp(item.get("created_at")),
        updated=timestamp(item.get("updated_at")),
        importing_to=str(item.get("os_glance_importing_to_stores") or ""),
        failed_import=str(item.get("os_glance_failed_import") or ""),
    )


def listing(ctx: SyncContext, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every image of one Glance listing, page by page, following the top-level ``next``."""
    api = ctx.api
    first = {**params, "limit": ctx.options["page_size"]}
    query: dict[str, Any] = first
    markers: set[str] = set()
    for _ in range(api.max_pages):
        body = api.body("image", PATH, "images", list, params=query)
        items = body["images"]
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
                raise ApiError("image", PATH, "an item of 'images' without an id")
        yield from items
        href = body.get("next")
        if href is None or not items:
            return
        if not isinstance(href, str):
            raise ApiError("image", PATH, "'next' is not a link")
        marker = (parse_qs(urlsplit(href).query).get("marker") or [""])[-1]
        if not marker or marker in markers:
            raise ApiError("image", PATH, "pagination loops: the next page repeats a marker")
        markers.add(marker)
        query = {**first, "marker": marker}
    raise ApiError("image", PATH, f"more than {api.max_pages} pages: pagination never ends")


class Images(Source[ImageSet]):
    name = "images"
    services = SERVICE_TYPES
    access = (("image", "/v2/images"),)
    options: ClassVar[Mapping[str, Any]] = {"page_size": PAGE_SIZE}

    def full(self, ctx: SyncContext) -> ImageSet:
        images: dict[str, Image] = {}
        for hidden in ("false", "true"):
            for item in listing(ctx, {"visibility": "all", "os_hidden": hidden}):
                record = image(item)
                images[record.id] = record
        previous: ImageSet | None = ctx.previous
        ctx.count_changed(changed(None if previous is None else previous.images, images))
        return ImageSet(images)
