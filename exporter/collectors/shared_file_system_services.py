"""manila-share, -scheduler, -data: alive or not, enabled or not, heartbeat, stored state.

Reads the shared_file_system_services source: 1 API call per sync (``GET /v2/services``). A
cloud without Manila is normal: the collector is reported as absent, not failed.

Manila stores each service's ``state`` and only the service itself updates it, so a killed
manila-share (OOM, host crash, ``kill -9``) keeps ``state: up`` for ever. ``..._up`` is
therefore Manila's own liveness rule (manila ``utils.service_is_up``): 1 when the stored state
is ``up`` and the last heartbeat (``updated_at``) is at most ``service_down_time`` seconds
(option, Manila's default 60) older than the read. ``..._state`` shows the stored value
(``up``, ``down``, ``stopped``), so that "says up, silent for minutes" is told apart from a
clean stop.

    openstack_shared_file_system_service_up{binary="manila-share",host="shr-04@generic",
        zone="nova"} 0.0
    openstack_shared_file_system_service_state{binary="manila-share",host="shr-04@generic",
        state="up",zone="nova"} 1.0
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.collectors._service_state import LABELS, families, row
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.shared_file_system_services import ServiceList, SharedFileSystemServices

# The states a Manila service writes into its own row (manila service.py).
STATES = ("up", "down", "stopped")
_BG = "(Manila services; collected in background)"


@collector(
    "shared_file_system_services",
    interval=60,
    help="Manila services: alive by heartbeat, status, stored state",
    options={"service_down_time": 60},
    reads=(SharedFileSystemServices,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return service_families(model[SharedFileSystemServices], settings.options["service_down_time"])


def alive(svc: dict[str, Any], read_at: float, down_time: float) -> bool:
    """Manila's rule: stored state up and a heartbeat at most ``down_time`` old at the read.
    A heartbeat later than the read (the exporter's clock behind Manila's) counts as fresh:
    our clock, not the service, would be at fault."""
    last = row(svc).last_seen
    return (
        str(svc.get("state") or "").lower() == "up"
        and last is not None
        and read_at - last <= down_time
    )


def service_families(listed: ServiceList, down_time: float) -> list[Metric]:
    rows = [replace(row(s), up=alive(s, listed.read_at, down_time)) for s in listed.services]
    out = families(
        "openstack_shared_file_system_service",
        "Manila services",
        rows,
        up_help=(
            "Whether the service is alive: stored state up and a heartbeat (updated_at) within "
            "service_down_time of the read"
        ),
        reasons=listed.reasons,
    )
    state = GaugeMetricFamily(
        "openstack_shared_file_system_service_state",
        f"The state the service last wrote into its row, one series per state, 1 for the "
        f"current one; a killed service keeps up {_BG}.",
        labels=[*LABELS, "state"],
    )
    stored: dict[tuple[str, str, str], str] = {}
    for svc, r in zip(listed.services, rows, strict=True):
        stored.setdefault(r.key, str(svc.get("state") or "").lower())
    for key, current in sorted(stored.items()):
        for value in sorted({*STATES, current} - {""}):
            state.add_metric([*key, value], float(value == current))
    return [*out, state]
