"""Octavia provider drivers the API offers (``[api_settings] enabled_provider_drivers``).

Full sync only: 1 call (``GET /v2.0/lbaas/providers``, not paged). The list is the API's
configuration, not the drivers' health: it changes when octavia-api restarts with another
configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed
from exporter.sources._octavia import PREFIX, SERVICE, SERVICE_TYPES, optional, word

PATH = "/lbaas/providers"


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    description: str


class LoadBalancerProviders(Source[tuple[Provider, ...]]):
    name = "load_balancer_providers"
    services = SERVICE_TYPES
    access = ((SERVICE, f"{PREFIX}{PATH}"),)

    def full(self, ctx: SyncContext) -> tuple[Provider, ...]:
        found = []
        for item in ctx.api.get(SERVICE, PATH, "providers"):
            if not isinstance(item, dict):
                raise ApiError(SERVICE, PATH, "a provider is not an object")
            found.append(Provider(word(item, "name", PATH), optional(item, "description", PATH)))
        old = None if ctx.previous is None else {p.name: p for p in ctx.previous}
        ctx.count_changed(changed(old, {p.name: p for p in found}))
        return tuple(found)
