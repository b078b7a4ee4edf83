"""Shared by the DNS (Designate) sources: the catalog types, the all-projects scope header and
Designate's paging.

Designate scopes a read by header, not by query: without ``X-Auth-All-Projects: true`` a zone
list holds the token's own project only — a silently partial answer — and another project's
quotas answer 403 (designate ``api/middleware.py``, ``central/service.py`` ``get_quotas``).

Its lists page by ``limit``/``marker`` with the next page in ``links.next`` (not Nova's
``<key>_links``); a page holds 20 items unless asked (``default_limit_v2``), and Designate adds
``next`` whenever a page is exactly full, even the last (designate
``objects/adapters/api_v2/base.py``): the page after it is empty.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from exporter.api import Api, ApiError

SERVICE_TYPES = ("dns",)
SERVICE = "dns"
ALL_PROJECTS = {"X-Auth-All-Projects": "true"}
# designate/conf/api.py max_limit_v2: the largest page Designate documents (it does not cap a
# numeric limit, but a proxy or an older release may).
PAGE_SIZE = 1000


def listing(
    api: Api,
    path: str,
    key: str,
    *,
    page_size: int = PAGE_SIZE,
    headers: Mapping[str, str] = ALL_PROJECTS,
) -> Iterator[dict[str, Any]]:
    """Every item of a Designate list, page by page, each an object with a string id.

    Only the marker of ``links.next`` is used (a proxy can put the wrong host in the link).
    Where the body says how many items match (``metadata.total_count``), a listing that ends
    with fewer — a server that cut the page below our limit, so that no ``next`` came — fails
    rather than publish part of the zones as all of them.
    """
    query: dict[str, Any] = {"limit": page_size}
    markers: set[str] = set()
    seen = 0
    for _ in range(api.max_pages):
        body = api.body(SERVICE, path, key, list, params=query, headers=headers)
        items = body[key]
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
                raise ApiError(SERVICE, path, f"an item of {key!r} without an id")
        seen += len(items)
        yield from items
        links = body.get("links") or {}
        if not isinstance(links, dict):
            raise ApiError(SERVICE, path, "links is not an object")
        href = links.get("next")
        if not href or not items:
            _check_total(body, seen, path)
            return
        marker = (parse_qs(urlsplit(str(href)).query).get("marker") or [""])[-1]
        if not marker or marker in markers:
            raise ApiError(SERVICE, path, "pagination loops: the next page repeats a marker")
        markers.add(marker)
        query = {"limit": page_size, "marker": marker}
    raise ApiError(SERVICE, path, f"more than {api.max_pages} pages: pagination never ends")


def _check_total(body: Mapping[str, Any], seen: int, path: str) -> None:
    meta = body.get("metadata")
    total = meta.get("total_count") if isinstance(meta, dict) else None
    if isinstance(total, int) and not isinstance(total, bool) and seen < total:
        raise ApiError(SERVICE, path, f"the list ends after {seen} of its {total} items")


def text(value: Any) -> str:
    """A field as a string, interned: thousands of zones share a few projects and statuses."""
    return sys.intern(str(value or ""))
