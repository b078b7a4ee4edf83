"""Designate services (api, central, mdns, producer, worker, sink): alive or not, the status
they last wrote, their heartbeat.

Designate's status is pushed by the services themselves: a killed one keeps saying ``UP`` until
the producer's hourly check (30 minutes without a heartbeat) writes ``DOWN``. So a service
counts as up only when its status is ``UP`` *and* its heartbeat was at most
``heartbeat_max_age`` seconds old when the list was read (default 60: six missed heartbeats at
Designate's default 10 s interval). The status itself is exported as it is, one series per
value, so that a dashboard can tell a stale ``UP`` from a ``DOWN`` or a clean ``STOPPED``.

Reads the dns_service_statuses source: 1 API call per sync (``GET /v2/service_statuses``).
A cloud without Designate is reported as skipped (service absent), not failed.

    openstack_dns_service_up{hostname="ctl-02",service_name="worker"} 0.0
    openstack_dns_service_status{hostname="ctl-02",service_name="worker",status="UP"} 1.0
    openstack_dns_service_status{hostname="ctl-02",service_name="worker",status="DOWN"} 0.0
    openstack_dns_service_last_seen_timestamp_seconds{hostname="ctl-02",
        service_name="worker"} 1.7956071e+09
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.dns_service_statuses import DnsService, DnsServiceSet, DnsServiceStatuses

LABELS = ["service_name", "hostname"]
# designate objects/service_status.py: the values a status can take.
STATUSES = ("UP", "DOWN", "WARNING", "STOPPED")
_BG = "(Designate service_statuses; collected in background)"


@collector(
    "dns_services",
    interval=60,
    help="Designate services: alive by status and heartbeat age",
    options={"heartbeat_max_age": 60},
    reads=(DnsServiceStatuses,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return service_families(model[DnsServiceStatuses], settings.options["heartbeat_max_age"])


def alive(svc: DnsService, read_at: float, max_age: float) -> bool:
    """UP as written, with a heartbeat no older than ``max_age`` when it was read."""
    return svc.status == "UP" and svc.heartbeat is not None and read_at - svc.heartbeat <= max_age


def newest(services: Iterable[DnsService]) -> list[DnsService]:
    """One record per (service_name, hostname), the one with the newest heartbeat: Designate
    keys a status by the two, and Prometheus rejects duplicate series should a race have
    written two."""
    out: dict[tuple[str, str], DnsService] = {}
    for svc in services:
        key = (svc.service_name, svc.hostname)
        old = out.get(key)
        if old is None or (svc.heartbeat or 0.0) > (old.heartbeat or 0.0):
            out[key] = svc
    return [out[key] for key in sorted(out)]


def service_families(data: DnsServiceSet, max_age: float) -> list[Metric]:
    up = GaugeMetricFamily(
        "openstack_dns_service_up",
        f"Whether the Designate service is alive: status UP and a heartbeat at most "
        f"heartbeat_max_age seconds old when read {_BG}.",
        labels=LABELS,
    )
    status = GaugeMetricFamily(
        "openstack_dns_service_status",
        f"The status the Designate service last wrote, 1 for the current one; pushed by the "
        f"service itself, so a killed service can still say UP {_BG}.",
        labels=[*LABELS, "status"],
    )
    seen = GaugeMetricFamily(
        "openstack_dns_service_last_seen_timestamp_seconds",
        f"Unix time of the service's last heartbeat, its heartbeated_at {_BG}.",
        labels=LABELS,
    )
    for svc in newest(data.services):
        key = [svc.service_name, svc.hostname]
        up.add_metric(key, float(alive(svc, data.synced_at, max_age)))
        known = STATUSES if svc.status in STATUSES else (*STATUSES, svc.status)
        for value in known:
            status.add_metric([*key, value], float(svc.status == value))
        if svc.heartbeat is not None:
            seen.add_metric(key, svc.heartbeat)
    return [up, status, seen]
