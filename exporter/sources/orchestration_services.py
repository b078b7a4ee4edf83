"""Heat engines: one service record per heat-engine worker, with the status Heat computes.

Full sync only, 1 call (``GET /v1/{project}/services``, policy ``service:index``: admin in the
token's project) whatever the cloud's size: an engine going down must show within one
interval, and the list is one small page. Heat offers no delta for it.

Heat computes ``status`` when asked, from the database heartbeat: ``up`` while ``updated_at``
(else ``created_at``) is within 2 × ``report_interval`` (``heat/common/service_utils.py``
``format_service``), so a killed engine reads ``down`` after two missed reports — unlike
Manila, nothing stale is stored. Each worker (``num_engine_workers`` per host) has its own
record and ``engine_id``; a worker that died keeps its record, ``down``, until an engine
starts again on that host (``service_manage_cleanup``) or ``heat-manage service clean`` runs.

``SERVICE_TYPES`` are the catalog types under which clouds register Heat; the stacks source
imports them from here.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext

SERVICE_TYPES = ("orchestration",)
PATH = "/services"
STATUSES = frozenset({"up", "down"})


@dataclass(frozen=True, slots=True)
class Engine:
    """One heat-engine worker's record."""

    engine_id: str
    binary: str
    host: str
    up: bool
    # Its last heartbeat, ``updated_at`` (``created_at`` before the first report).
    last_seen: float | None


def engine(item: Mapping[str, Any]) -> Engine:
    status = item.get("status")
    if status not in STATUSES:
        raise ApiError("orchestration", PATH, f"a service with status {status!r}, not up/down")
    host = item.get("host")
    if not isinstance(host, str) or not host:
        raise ApiError("orchestration", PATH, "a service without a host")
    return Engine(
        engine_id=str(item.get("engine_id") or item.get("id") or ""),
        binary=sys.intern(str(item.get("binary") or "heat-engine")),
        host=sys.intern(host),
        up=status == "up",
        last_seen=timestamp(item.get("updated_at") or item.get("created_at")),
    )


class OrchestrationServices(Source[tuple[Engine, ...]]):
    name = "orchestration_services"
    services = SERVICE_TYPES
    access = (("orchestration", "/v1/*/services"),)

    def full(self, ctx: SyncContext) -> tuple[Engine, ...]:
        items = ctx.api.get("orchestration", PATH, "services")
        if not all(isinstance(i, dict) for i in items):
            raise ApiError("orchestration", PATH, "a service is not an object")
        return tuple(engine(i) for i in items)
