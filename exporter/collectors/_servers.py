"""All servers of all projects, as the plain dicts of ``GET /servers[/detail]``.

openstacksdk builds a Resource object per item, which costs milliseconds each: 100,000 servers
took minutes. The collectors that only count read the checked JSON and keep the dicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from exporter.api import Api

# Servers carry their flavor's vcpus and ram from 2.47; the rest of what we read is older.
# https://docs.openstack.org/api-ref/compute/#list-servers-detailed
SERVER_MICROVERSION = "2.47"


def servers(api: Api, page_size: int = 1000, *, detail: bool = True) -> Iterator[dict[str, Any]]:
    """⌈servers / page_size⌉ calls (Nova caps pages at its max_limit, 1,000 by default)."""
    return api.pages(
        "compute",
        "/servers/detail" if detail else "/servers",
        "servers",
        {"all_tenants": "True"},
        page_size=page_size,
        microversion=SERVER_MICROVERSION,
    )
