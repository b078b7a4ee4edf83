"""nova-compute, -conductor, -scheduler... : up/down, enabled/disabled, forced down, heartbeat.

Cost: 1 API call per run (``GET /os-services``), whatever the cloud's size.

    openstack_compute_service_up{binary="nova-compute",host="cmp-001",zone="nova"} 1.0
    openstack_compute_service_enabled{binary="nova-compute",host="cmp-001",zone="nova"} 0.0
    openstack_compute_service_disabled_reason_info{...,disabled_reason="maint",...} 1.0
"""

from __future__ import annotations

from openstack.connection import Connection
from prometheus_client.metrics_core import Metric

from exporter.collectors import CollectorSettings, collector
from exporter.collectors._service_state import families, row


@collector(
    "compute_services",
    interval=60,
    help="Nova services: state, status, forced_down",
    access=(("compute", "/v2.1/os-services"),),
)
def collect(conn: Connection, settings: CollectorSettings) -> list[Metric]:
    # Compute is the one service every cloud has, so there is no absent case here: no catalog
    # entry for it is a misconfigured credential, and that must fail loudly.
    # The SDK asks for up to 2.69; forced_down appears from 2.11 and is left out below that.
    rows = [row(svc) for svc in conn.compute.services()]
    return families("openstack_compute_service", "Nova os-services", rows)
