"""Manila back-end pools with their capabilities (capacity, provisioning, driver facts).

Full sync only, 1 call (``GET /v2/scheduler-stats/pools/detail``): one small answer per pool,
from the scheduler's cache of the share services' periodic reports; there is no delta.

The scheduler lists only the pools of share services that are up and enabled (manila
``scheduler/host_manager.py`` ``_update_host_state_map``): the pools of a dead or disabled
back end leave the list, and their series vanish with them.
"""

from __future__ import annotations

from typing import Any

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._manila import SERVICE, SERVICE_TYPES, access_for

PATH = "/scheduler-stats/pools/detail"
# The body is the same at every microversion (2.23 only adds a share_type filter, unused);
# pinned so that what is read does not depend on the cloud's default.
MICROVERSION = "2.7"


class SharedFileSystemPools(Source[tuple[dict[str, Any], ...]]):
    name = "shared_file_system_pools"
    services = SERVICE_TYPES
    access = access_for(PATH)

    def full(self, ctx: SyncContext) -> tuple[dict[str, Any], ...]:
        pools = tuple(ctx.api.get(SERVICE, PATH, "pools", microversion=MICROVERSION))
        for pool in pools:
            if not isinstance(pool, dict) or not isinstance(pool.get("name"), str):
                raise ApiError(SERVICE, PATH, "a pool without a name")
            if not isinstance(pool.get("capabilities") or {}, dict):
                raise ApiError(SERVICE, PATH, "a pool's capabilities are not an object")
        return pools
