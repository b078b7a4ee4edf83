"""cinder-scheduler, -volume, -backup: up/down, enabled/disabled, heartbeat.

Reads the block_storage_services source: 1 API call per sync (``GET /os-services``). A cloud
without Cinder is normal: the collector is reported as absent, not failed.

    openstack_block_storage_service_up{binary="cinder-volume",host="stor-01@lvm",zone="nova"} 1.0
    openstack_block_storage_service_enabled{binary="cinder-volume",host="stor-02@ceph",...} 0.0
    openstack_block_storage_service_disabled_reason_info{binary="cinder-volume",
        disabled_reason="ceph cluster upgrade",host="stor-02@ceph",zone="nova"} 1.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from exporter.collectors._service_state import families, row
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.block_storage_services import BlockStorageServices


@collector(
    "block_storage_services",
    interval=60,
    help="Cinder services: state, status",
    reads=(BlockStorageServices,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    rows = [row(svc) for svc in model[BlockStorageServices]]
    return families("openstack_block_storage_service", "Cinder os-services", rows)
