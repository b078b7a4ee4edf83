"""Nova services (nova-compute, -conductor, -scheduler...): state, status, forced down.

Full sync only, 1 call (``GET /os-services``) whatever the cloud's size: a service going down
must show within one interval, and the list is one small page.
"""

from __future__ import annotations

from typing import Any

from exporter.contract import Source, SyncContext

# forced_down is in the body from 2.11; nothing later changes what is read here.
# https://docs.openstack.org/api-ref/compute/#list-compute-services
MICROVERSION = "2.11"


class ComputeServices(Source[tuple[dict[str, Any], ...]]):
    name = "compute_services"
    # Compute is the one service every cloud has: no catalog entry for it is a misconfigured
    # credential, and that must fail loudly rather than be skipped.
    access = (("compute", "/v2.1/os-services"),)

    def full(self, ctx: SyncContext) -> tuple[dict[str, Any], ...]:
        return tuple(ctx.api.get("compute", "/os-services", "services", microversion=MICROVERSION))
