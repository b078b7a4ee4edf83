"""heat-engine per host: up, engine workers up and down, last heartbeat.

Reads the orchestration_services source: 1 API call per sync (``GET /services``). A cloud
without Heat is normal: the collector is reported as absent, not failed.

Heat keeps one record per engine worker (several per host, a new ``engine_id`` at each
start), so the series are per host, not per record: a host is up while one of its workers
reports; the count of records per status shows a worker that died beside live ones (its record
stays ``down`` until the next engine start on that host or ``heat-manage service clean``).

    openstack_orchestration_service_up{binary="heat-engine",host="ctl-01"} 1.0
    openstack_orchestration_service_engines{binary="heat-engine",host="ctl-02",status="down"} 1.0
    openstack_orchestration_service_last_seen_timestamp_seconds{binary="heat-engine",
        host="ctl-03"} 1.7956068e+09
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.orchestration_services import STATUSES, Engine, OrchestrationServices

LABELS = ["binary", "host"]
BG = "(Heat services; collected in background)"


@collector(
    "orchestration_services",
    interval=60,
    help="heat-engine per host: up, workers up and down",
    reads=(OrchestrationServices,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return families(model[OrchestrationServices])


def families(engines: Iterable[Engine]) -> list[Metric]:
    up = GaugeMetricFamily(
        "openstack_orchestration_service_up",
        f"Whether at least one heat-engine worker of the host reports status=up {BG}.",
        labels=LABELS,
    )
    counts = GaugeMetricFamily(
        "openstack_orchestration_service_engines",
        f"heat-engine worker records of the host, by the status Heat computes from their "
        f"heartbeat {BG}.",
        labels=[*LABELS, "status"],
    )
    seen = GaugeMetricFamily(
        "openstack_orchestration_service_last_seen_timestamp_seconds",
        f"Unix time of the newest heartbeat among the host's heat-engine workers {BG}.",
        labels=LABELS,
    )
    by_status: Counter[tuple[str, str, str]] = Counter()
    last: dict[tuple[str, str], float] = {}
    hosts: set[tuple[str, str]] = set()
    for e in engines:
        key = (e.binary, e.host)
        hosts.add(key)
        by_status[(*key, "up" if e.up else "down")] += 1
        if e.last_seen is not None:
            last[key] = max(e.last_seen, last.get(key, e.last_seen))
    for key in sorted(hosts):
        up.add_metric(list(key), float(by_status[(*key, "up")] > 0))
        for status in sorted(STATUSES):
            counts.add_metric([*key, status], by_status[(*key, status)])
        if key in last:
            seen.add_metric(list(key), last[key])
    return [up, counts, seen]
