"""Manila services (manila-share, -scheduler, -data): stored state, status, heartbeat.

Full sync only, 1 call (``GET /v2/services``) whatever the cloud's size: a service going down
must show within one interval, and the list is one small answer (Manila does not page it).

Manila *stores* a service's ``state``: each service writes ``up`` into its own row at every
heartbeat (``report_interval``, 10 s), ``down`` while starting and ``stopped`` when it stops
cleanly (manila ``service.py``). Nothing else writes it, so a killed service keeps ``up`` for
ever. Whether it lives is judged by the collector from ``updated_at``, against the time of the
read kept here (``read_at``), as manila ``utils.service_is_up`` does.

``disabled_reason`` is in the body from 2.83 (Manila 18, 2024.1). The call asks 2.83; a Manila
that refuses it (406) is asked 2.7 (where ``/services`` begins) and then again at 2.7 for an
hour before 2.83 is tried once more: an upgrade shows within the hour, for one refused call an
hour (61 calls an hour instead of 60).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._manila import SERVICE, SERVICE_TYPES, access_for

# https://docs.openstack.org/api-ref/shared-file-system/#list-services
MICROVERSION = "2.83"  # disabled_reason
LEGACY_MICROVERSION = "2.7"  # /services (before: /os-services)
RETRY_SECONDS = 3600.0
PATH = "/services"


@dataclass(frozen=True, slots=True)
class ServiceList:
    services: tuple[dict[str, Any], ...]
    # Unix time the list was read, by the scheduler's clock: heartbeats are aged against it.
    read_at: float
    # False when Manila is older than 2.83: it reports no disabled_reason.
    reasons: bool = True
    # When 2.83 was last refused; None while it is accepted.
    refused_at: float | None = None


class SharedFileSystemServices(Source[ServiceList]):
    name = "shared_file_system_services"
    services = SERVICE_TYPES
    access = access_for(PATH)

    def full(self, ctx: SyncContext) -> ServiceList:
        previous: ServiceList | None = ctx.previous
        refused = previous.refused_at if previous is not None else None
        if refused is not None and ctx.now - refused < RETRY_SECONDS:
            return ServiceList(_read(ctx, LEGACY_MICROVERSION), ctx.now, False, refused)
        try:
            return ServiceList(_read(ctx, MICROVERSION), ctx.now)
        except ApiError as exc:
            if exc.status != 406:
                raise
        return ServiceList(_read(ctx, LEGACY_MICROVERSION), ctx.now, False, ctx.now)


def _read(ctx: SyncContext, microversion: str) -> tuple[dict[str, Any], ...]:
    services = tuple(ctx.api.get(SERVICE, PATH, "services", microversion=microversion))
    if not all(isinstance(s, dict) for s in services):
        raise ApiError(SERVICE, PATH, "a service is not an object")
    return services
