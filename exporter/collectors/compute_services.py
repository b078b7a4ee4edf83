"""nova-compute, -conductor, -scheduler... : up/down, enabled/disabled, forced down, heartbeat.

Reads the compute_services source: 1 API call per sync (``GET /os-services``).

    openstack_compute_service_up{binary="nova-compute",host="cmp-001",zone="nova"} 1.0
    openstack_compute_service_enabled{binary="nova-compute",host="cmp-001",zone="nova"} 0.0
    openstack_compute_service_disabled_reason_info{...,disabled_reason="maint",...} 1.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from exporter.collectors._service_state import families, row
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.compute_services import ComputeServices


@collector(
    "compute_services",
    interval=60,
    help="Nova services: state, status, forced_down",
    reads=(ComputeServices,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    rows = [row(svc) for svc in model[ComputeServices]]
    return families("openstack_compute_service", "Nova os-services", rows)
