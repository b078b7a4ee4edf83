"""nova-compute, -conductor, -scheduler... : up/down, enabled/disabled, forced down, heartbeat.

Cost: 1 API call per run (``GET /os-services``), whatever the cloud's size.

    openstack_compute_service_up{binary="nova-compute",host="cmp-001",zone="nova"} 1.0
    openstack_compute_service_enabled{binary="nova-compute",host="cmp-001",zone="nova"} 0.0
    openstack_compute_service_disabled_reason_info{...,disabled_reason="maint",...} 1.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from exporter.collectors import Api, CollectorSettings, collector
from exporter.collectors._service_state import families, row

# forced_down is in the body from 2.11; nothing later changes what is read here.
# https://docs.openstack.org/api-ref/compute/#list-compute-services
MICROVERSION = "2.11"


@collector(
    "compute_services",
    interval=60,
    help="Nova services: state, status, forced_down",
    access=(("compute", "/v2.1/os-services"),),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    # Compute is the one service every cloud has, so there is no absent case here: no catalog
    # entry for it is a misconfigured credential, and that must fail loudly.
    services = api.get("compute", "/os-services", "services", microversion=MICROVERSION)
    rows = [row(svc) for svc in services]
    return families("openstack_compute_service", "Nova os-services", rows)
