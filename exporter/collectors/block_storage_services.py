"""cinder-scheduler, -volume, -backup: up/down, enabled/disabled, heartbeat.

Cost: 1 API call per run (``GET /os-services``), plus a catalog look-up from the cached token.
A cloud without Cinder is normal: the run is reported as skipped, not failed.
"""

from __future__ import annotations

from openstack.connection import Connection
from prometheus_client.metrics_core import Metric

from exporter.collectors import CollectorSettings, collector
from exporter.collectors._service_state import families, row
from exporter.connection import require_service

SERVICE_TYPES = ("block-storage", "volumev3", "volume", "block-store")


@collector(
    "block_storage_services",
    interval=60,
    help="Cinder services: state, status",
    access=(("block-storage", "/v3/*/os-services"),),
)
def collect(conn: Connection, settings: CollectorSettings) -> list[Metric]:
    require_service(conn, SERVICE_TYPES)
    rows = [row(svc) for svc in conn.block_storage.services()]
    return families("openstack_block_storage_service", "Cinder os-services", rows)
