"""Bulk listings as plain dicts, page by page, through the SDK's service proxies.

openstacksdk builds a Resource object per item, which costs milliseconds each: 100,000 servers
took minutes. Collectors that only count read the JSON through the same proxies (same session,
authentication, discovery and timeouts) and keep the dicts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from openstack.connection import Connection

# Servers carry their flavor's vcpus and ram from 2.47; the rest of what we read is older.
# https://docs.openstack.org/api-ref/compute/#list-servers-detailed
SERVER_MICROVERSION = "2.47"


def pages(
    proxy: Any,
    path: str,
    key: str,
    params: Mapping[str, Any] | None = None,
    *,
    page_size: int = 1000,
    microversion: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Every item of a paged list API. Follows ``<key>_links`` rel=next (Nova, Cinder, Neutron)
    using only its query, since a misconfigured proxy can put the wrong host in the link."""
    query: dict[str, Any] = {**(params or {}), "limit": page_size}
    seen: set[str] = set()
    while True:
        body = proxy.get(path, params=query, microversion=microversion).json()
        items = body.get(key) or []
        yield from items
        href = next(
            (
                link.get("href")
                for link in body.get(f"{key}_links") or []
                if link.get("rel") == "next"
            ),
            None,
        )
        if not href or not items:
            return
        if href in seen:
            raise RuntimeError(f"{path}: the next page link repeats itself")
        seen.add(href)
        query = {k: v[-1] for k, v in parse_qs(urlsplit(href).query).items()}


def servers(conn: Connection, page_size: int = 1000, *, detail: bool = True) -> Iterator[dict]:
    """All servers of all projects: ⌈servers / page_size⌉ calls (Nova caps pages at max_limit)."""
    path = "/servers/detail" if detail else "/servers"
    return pages(
        conn.compute,
        path,
        "servers",
        {"all_tenants": "True"},
        page_size=page_size,
        microversion=SERVER_MICROVERSION,
    )
