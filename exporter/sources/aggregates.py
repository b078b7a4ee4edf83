"""Host aggregates with their hosts, zone and metadata.

Full sync only, 1 call (``GET /os-aggregates``): Nova has no delta for aggregates and the list
is small.
"""

from __future__ import annotations

from typing import Any

from exporter.contract import Source, SyncContext


class Aggregates(Source[tuple[dict[str, Any], ...]]):
    name = "aggregates"
    access = (("compute", "/v2.1/os-aggregates"),)

    def full(self, ctx: SyncContext) -> tuple[dict[str, Any], ...]:
        return tuple(ctx.api.get("compute", "/os-aggregates", "aggregates"))
