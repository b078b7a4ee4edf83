"""Server groups of all projects, counted per project (the ``server_groups`` quota).

Full sync only: ⌈groups / page_size⌉ calls of ``GET /os-server-groups?all_projects=True``.
Nova pages this list by offset with no next link and cuts it at max_limit, so a full page
means there may be more. Nova has no delta for server groups; they are few.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, ClassVar

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed

# Server groups carry their project_id from 2.13.
# https://docs.openstack.org/api-ref/compute/#list-server-groups
MICROVERSION = "2.13"


class ServerGroups(Source[Mapping[str, int]]):
    name = "server_groups"
    access = (("compute", "/v2.1/os-server-groups"),)
    options: ClassVar[Mapping[str, Any]] = {"page_size": 1000}

    def full(self, ctx: SyncContext) -> Mapping[str, int]:
        page_size = ctx.options["page_size"]
        counts: Counter[str] = Counter()
        seen = 0
        while True:
            page = ctx.api.get(
                "compute",
                "/os-server-groups",
                "server_groups",
                params={"all_projects": "True", "limit": page_size, "offset": seen},
                microversion=MICROVERSION,
            )
            for group in page:
                if not isinstance(group, dict):
                    raise ApiError("compute", "/os-server-groups", "a group is not an object")
                counts[str(group.get("project_id") or "")] += 1
            seen += len(page)
            if len(page) < page_size:
                break
            if seen >= ctx.api.max_pages * page_size:
                raise ApiError("compute", "/os-server-groups", "pagination never ends")
        ctx.count_changed(changed(ctx.previous, counts))
        return dict(counts)
