"""cinder-scheduler, -volume, -backup: up/down, enabled/disabled, heartbeat.

Cost: 1 API call per run (``GET /os-services``), plus a catalog look-up from the cached token.
A cloud without Cinder is normal: the run is reported as skipped, not failed.
"""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from exporter.collectors import Api, CollectorSettings, collector
from exporter.collectors._service_state import families, row

SERVICE_TYPES = ("block-storage", "volumev3", "volume", "block-store")


@collector(
    "block_storage_services",
    interval=60,
    help="Cinder services: state, status",
    access=(("block-storage", "/v3/*/os-services"),),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    api.require_service(SERVICE_TYPES)
    rows = [row(svc) for svc in api.get("block-storage", "/os-services", "services")]
    return families("openstack_block_storage_service", "Cinder os-services", rows)
