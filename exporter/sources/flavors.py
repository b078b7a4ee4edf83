"""Flavors, public and private, with their extra specs.

Full sync only: 1 call per 1,000 flavors (``GET /flavors/detail?is_public=None`` at 2.61, which
puts the extra specs in the body). Nova offers no delta for flavors, and they are few.
"""

from __future__ import annotations

from typing import Any

from exporter.contract import Source, SyncContext

# Extra specs are in the flavor body from 2.61 (Rocky).
# https://docs.openstack.org/api-ref/compute/#list-flavors-with-details
MICROVERSION = "2.61"


class Flavors(Source[tuple[dict[str, Any], ...]]):
    name = "flavors"
    access = (("compute", "/v2.1/flavors/detail"),)

    def full(self, ctx: SyncContext) -> tuple[dict[str, Any], ...]:
        # is_public=None is how an admin asks Nova for public and private flavors alike.
        return tuple(
            ctx.api.pages(
                "compute",
                "/flavors/detail",
                "flavors",
                {"is_public": "None"},
                microversion=MICROVERSION,
            )
        )
