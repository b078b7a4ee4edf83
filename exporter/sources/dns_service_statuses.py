"""Designate's service statuses (api, central, mdns, producer, worker, sink): the status each
service last wrote and its heartbeat.

Full sync only, 1 call (``GET /v2/service_statuses?limit=1000``; Designate pages this list at
20 by default, so the limit matters past four controllers). No delta exists, and the list is
small. Every 60 s: 60 requests an hour.

The status is pushed, not computed: each service's heartbeat writes ``UP`` every 10 s, a clean
stop writes ``STOPPED``, and only the producer's ``periodic_check_service_status`` turns a stale
``UP`` into ``DOWN`` — hourly, after 30 minutes without a heartbeat by default (designate
``heartbeat_emitter.py``, ``producer/tasks.py``, ``conf/producer.py``). A killed service thus
keeps saying ``UP`` for up to 90 minutes: the collector judges liveness by the heartbeat's age
at the moment of this read (``synced_at``), which is why the source keeps that moment.
"""

from __future__ import annotations

from dataclasses import dataclass

from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._designate import SERVICE, SERVICE_TYPES, listing, text
from exporter.sources._diff import changed

PATH = "/service_statuses"


@dataclass(frozen=True, slots=True)
class DnsService:
    id: str
    service_name: str
    hostname: str
    status: str  # as Designate stores it: UP, DOWN, WARNING, STOPPED
    heartbeat: float | None  # unix time of heartbeated_at


@dataclass(frozen=True, slots=True)
class DnsServiceSet:
    services: tuple[DnsService, ...]
    # Unix time the list was read, by the exporter's clock: heartbeat ages are measured to it.
    synced_at: float


class DnsServiceStatuses(Source[DnsServiceSet]):
    name = "dns_service_statuses"
    services = SERVICE_TYPES
    access = ((SERVICE, "/v2/service_statuses"),)

    def full(self, ctx: SyncContext) -> DnsServiceSet:
        services = tuple(
            DnsService(
                id=item["id"],
                service_name=text(item.get("service_name")),
                hostname=text(item.get("hostname")),
                status=text(item.get("status")).upper(),
                heartbeat=timestamp(item.get("heartbeated_at")),
            )
            # Service statuses are not per project: no scope header needed.
            for item in listing(ctx.api, PATH, "service_statuses", headers={})
        )
        previous: DnsServiceSet | None = ctx.previous
        old = None if previous is None else {s.id: s for s in previous.services}
        ctx.count_changed(changed(old, {s.id: s for s in services}))
        return DnsServiceSet(services, ctx.now)
