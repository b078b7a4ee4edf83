"""Servers per host and status: counts, never one series per server.

Reads the servers source (its docstring states the cost: a full listing, then changes-since
deltas). Series: hosts × the
statuses present (a few per host). Servers that never reached a host (``ERROR`` from
NoValidHost, ``BUILD`` before scheduling) count under ``host=""``.

    openstack_compute_servers{host="cmp-001",status="ACTIVE"} 9.0
    openstack_compute_servers{host="",status="ERROR"} 1.0
"""

from __future__ import annotations

from collections import Counter

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.servers import Servers


@collector(
    "compute_servers",
    interval=120,
    help="Servers per host and status (counts)",
    reads=(Servers,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    counts = Counter((s.host, s.status) for s in model[Servers].servers.values())
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
