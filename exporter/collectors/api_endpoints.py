"""API endpoint availability: does each catalog endpoint answer, and how fast.

Reads the endpoints source: one unauthenticated ``GET`` of each selected catalog endpoint's URL
per sync, at most 8 at a time, each bounded by ``api_timeout``. An endpoint is up when it
answers with an HTTP status below 500: a 401 from an endpoint that wants a token is an API that
is alive.

    openstack_api_endpoint_up{interface="public",region_id="RegionOne",service_type="compute"} 1.0
    openstack_api_endpoint_response_seconds{interface="public",...,service_type="compute"} 0.012
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.endpoints import ENDPOINT_OPTIONS, Endpoints, Probe, key, select

LABELS = ["service_type", "interface", "region_id"]
_BG = "(Keystone catalog; probed in background)"


@collector(
    "api_endpoints",
    interval=60,
    help="Whether each Keystone catalog endpoint answers, and how fast",
    options=ENDPOINT_OPTIONS,
    reads=(Endpoints,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    probes = model[Endpoints]
    wanted = {key(ep) for ep in select((p.endpoint for p in probes), settings.options)}
    return endpoint_families(p for p in probes if key(p.endpoint) in wanted)


def endpoint_families(probes: Iterable[Probe]) -> list[Metric]:
    up = GaugeMetricFamily(
        "openstack_api_endpoint_up",
        f"Whether the endpoint answered with an HTTP status below 500 {_BG}.",
        labels=LABELS,
    )
    seconds = GaugeMetricFamily(
        "openstack_api_endpoint_response_seconds",
        f"Time the endpoint took to answer, or to fail {_BG}.",
        labels=LABELS,
    )
    code = GaugeMetricFamily(
        "openstack_api_endpoint_http_status_code",
        f"HTTP status of the endpoint's answer; absent when it did not answer {_BG}.",
        labels=LABELS,
    )
    info = InfoMetricFamily(
        "openstack_api_endpoint",
        f"Catalog entry of a probed endpoint, for joins {_BG}.",
        labels=LABELS,
    )
    for p in sorted(probes, key=lambda p: (p.endpoint.service_type, p.endpoint.region_id)):
        ep = p.endpoint
        labels = [ep.service_type, ep.interface, ep.region_id]
        up.add_metric(labels, float(p.up))
        seconds.add_metric(labels, p.seconds)
        if p.status is not None:
            code.add_metric(labels, p.status)
        info.add_metric(
            labels, {"service_name": ep.service_name, "url": ep.url, "endpoint_id": ep.endpoint_id}
        )
    return [up, seconds, code, info]
