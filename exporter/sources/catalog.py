"""The token's service catalog: which services the cloud deploys, and their endpoints.

No API call of its own: it is read from the token keystoneauth already holds (authenticating
when needed, so a Keystone outage fails it).
"""

from __future__ import annotations

from exporter.api import CatalogEndpoint
from exporter.contract import Source, SyncContext


class Catalog(Source[tuple[CatalogEndpoint, ...]]):
    name = "catalog"

    def full(self, ctx: SyncContext) -> tuple[CatalogEndpoint, ...]:
        return tuple(ctx.api.catalog())
