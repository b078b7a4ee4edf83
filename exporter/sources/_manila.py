"""Shared by the Manila sources: the catalog types, the access rules and the share listing's
paging, which is unlike every other listing the exporter reads.

Manila reads only ``X-OpenStack-Manila-API-Version`` (keystoneauth sends it beside
``OpenStack-API-Version`` for this service type) and answers as 2.0 without it; openstacksdk
pins no version for the resources read here, so every call pins its own, with the reason.

Paging: ``GET /shares/detail`` applies ``limit`` and ``offset`` and nothing else. Its
``shares_links`` next link carries a ``marker`` that the share listing ignores (manila
``db/sqlalchemy/api.py`` ``_share_get_all_with_filters``: ``limit``/``offset`` only), so a
client following it would read the first page forever; and without ``limit`` Manila returns
every share in one answer, whatever ``osapi_max_limit`` says. The listing here pages by offset
over a stable order (``sort_key=id``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from typing import Any

from exporter.api import ApiError
from exporter.contract import SyncContext

# The catalog types under which clouds register Manila's v2 API (devstack registers both).
SERVICE_TYPES = ("shared-file-system", "sharev2")
SERVICE = "shared-file-system"
# Manila's osapi_max_limit default: one page of shares.
PAGE_SIZE = 1000


def access_for(path: str) -> tuple[tuple[str, str], ...]:
    """Access rules for ``path`` under both endpoint forms Manila catalogs use: ``/v2`` (since
    2.60 the project is not in the URL) and the legacy ``/v2/{project_id}``; plus the version
    documents openstacksdk reads before the first call."""
    return (
        (SERVICE, "/"),
        (SERVICE, "/v2"),
        (SERVICE, f"/v2{path}"),
        (SERVICE, f"/v2/*{path}"),
    )


def text(value: Any) -> str:
    """A field as a string, interned: thousands of shares share a few projects and statuses."""
    return sys.intern(str(value or ""))


def offset_pages(
    ctx: SyncContext,
    path: str,
    key: str,
    params: Mapping[str, Any],
    *,
    microversion: str,
    page_size: int = PAGE_SIZE,
) -> Iterator[dict[str, Any]]:
    """Every item of a Manila listing paged by ``limit`` and ``offset``, each once, with a
    string ``id``.

    ``params`` must fix the order (``sort_key=id``): a share created between two pages then
    moves the later ones by one place, which shows as a repeated item and is skipped; a share
    deleted between two pages hides the one after it until the next sync.
    """
    seen: set[str] = set()
    offset = 0
    for _ in range(ctx.api.max_pages):
        query = {**params, "limit": page_size, "offset": offset}
        items = ctx.api.get(SERVICE, path, key, params=query, microversion=microversion)
        new = 0
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
                raise ApiError(SERVICE, path, f"an item of {key!r} without an id")
            if item["id"] in seen:
                continue
            seen.add(item["id"])
            new += 1
            yield item
        if len(items) < page_size or len(items) > page_size:
            # Short page: the end. A longer one: the server ignored limit and sent everything.
            return
        if not new:
            raise ApiError(SERVICE, path, "pagination loops: a full page repeats earlier items")
        offset += len(items)
    raise ApiError(SERVICE, path, f"more than {ctx.api.max_pages} pages: paging never ends")
