"""Cinder services (cinder-scheduler, -volume, -backup): state, status, heartbeat.

Full sync only, 1 call (``GET /os-services``) whatever the cloud's size: a service going down
must show within one interval, and the list is one small page. Cinder offers no delta for it.

``SERVICE_TYPES`` are the catalog types under which clouds register Cinder; every block-storage
source declares them, and the quota sources import them from here.
"""

from __future__ import annotations

from typing import Any

from exporter.api import ApiError
from exporter.contract import Source, SyncContext

SERVICE_TYPES = ("block-storage", "volumev3", "volume", "block-store")


class BlockStorageServices(Source[tuple[dict[str, Any], ...]]):
    name = "block_storage_services"
    services = SERVICE_TYPES
    access = (("block-storage", "/v3/*/os-services"),)

    def full(self, ctx: SyncContext) -> tuple[dict[str, Any], ...]:
        services = tuple(ctx.api.get("block-storage", "/os-services", "services"))
        if not all(isinstance(s, dict) for s in services):
            raise ApiError("block-storage", "/os-services", "a service is not an object")
        return services
