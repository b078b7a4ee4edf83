"""Servers per host and status: counts, never one series per server.

Cost per run: ⌈servers / page_size⌉ calls of ``GET /servers/detail?all_tenants=1`` (Nova caps a
page at its max_limit, 1,000 by default): 100,000 servers cost 100 calls. Series: hosts × the
statuses present (a few per host). Servers that never reached a host (``ERROR`` from
NoValidHost, ``BUILD`` before scheduling) count under ``host=""``.

    openstack_compute_servers{host="cmp-001",status="ACTIVE"} 9.0
    openstack_compute_servers{host="",status="ERROR"} 1.0
"""

from __future__ import annotations

from collections import Counter

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.collectors import Api, CollectorSettings, collector
from exporter.collectors._servers import servers


@collector(
    "compute_servers",
    interval=120,
    help="Servers per host and status (counts)",
    options={"page_size": 1000},
    access=(("compute", "/v2.1/servers/detail"),),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    counts = Counter(
        (s.get("OS-EXT-SRV-ATTR:host") or "", s.get("status") or "UNKNOWN")
        for s in servers(api, settings.options["page_size"])
    )
    return [server_family(counts)]


def server_family(counts: Counter) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_compute_servers",
        "Servers by host and status, all projects (Nova servers; collected in background).",
        labels=["host", "status"],
    )
    for (host, status), n in sorted(counts.items()):
        fam.add_metric([host, status], n)
    return fam
