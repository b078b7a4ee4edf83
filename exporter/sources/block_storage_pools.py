"""Cinder back-end pools with their capabilities (capacity, provisioning, driver facts).

Full sync only, 1 call (``GET /scheduler-stats/get_pools?detail=True``): one small answer per
back-end pool, refreshed by the schedulers' periodic capability reports; there is no delta.
"""

from __future__ import annotations

from typing import Any

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources.block_storage_services import SERVICE_TYPES

PATH = "/scheduler-stats/get_pools"


class BlockStoragePools(Source[tuple[dict[str, Any], ...]]):
    name = "block_storage_pools"
    services = SERVICE_TYPES
    access = (("block-storage", "/v3/*/scheduler-stats/get_pools"),)

    def full(self, ctx: SyncContext) -> tuple[dict[str, Any], ...]:
        pools = tuple(ctx.api.get("block-storage", PATH, "pools", params={"detail": True}))
        for pool in pools:
            if not isinstance(pool, dict) or not isinstance(pool.get("name"), str):
                raise ApiError("block-storage", PATH, "a pool without a name")
            if not isinstance(pool.get("capabilities") or {}, dict):
                raise ApiError("block-storage", PATH, "a pool's capabilities are not an object")
        return pools
