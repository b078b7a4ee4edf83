"""API endpoint availability: does each catalog endpoint answer, and how fast.

Cost: one unauthenticated ``GET`` of each selected catalog endpoint's URL per run (the version
document most services serve there), at most 8 at a time, each bounded by ``api_timeout``.
An endpoint is up when it answers with an HTTP status below 500: a 401 from an endpoint that
wants a token is an API that is alive.

    openstack_api_endpoint_up{interface="public",region_id="RegionOne",service_type="compute"} 1.0
    openstack_api_endpoint_response_seconds{interface="public",...,service_type="compute"} 0.012
"""

from __future__ import annotations

import time

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.api import CatalogEndpoint
from exporter.collectors import Api, CollectorSettings, collector

LABELS = ["service_type", "interface", "region_id"]
_BG = "(Keystone catalog; probed in background)"
_MAX_PARALLEL = 8


@collector(
    "api_endpoints",
    interval=60,
    help="Whether each Keystone catalog endpoint answers, and how fast",
    options={"interface": "public", "region": "", "service_types": []},
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    endpoints = select(api.catalog(), settings)
    results = api.parallel(lambda ep: probe(api, ep), endpoints, _MAX_PARALLEL)
    return endpoint_families(results)


def select(endpoints: list[CatalogEndpoint], settings: CollectorSettings) -> list[CatalogEndpoint]:
    opts = settings.options
    types = set(opts.get("service_types") or [])
    chosen: dict[tuple[str, str, str], CatalogEndpoint] = {}
    for ep in endpoints:
        if ep.interface != opts.get("interface", "public"):
            continue
        if opts.get("region") and ep.region_id != opts["region"]:
            continue
        if types and ep.service_type not in types:
            continue
        # Two endpoints with one identity would be duplicate series; the first one wins.
        chosen.setdefault((ep.service_type, ep.interface, ep.region_id), ep)
    return list(chosen.values())


def probe(api: Api, ep: CatalogEndpoint) -> tuple[CatalogEndpoint, int | None, float]:
    """Not a checked read: any answer below 500 is an API alive, whatever its body."""
    timeout = min(api.api_timeout, api.remaining(ep.service_type, ep.url))
    start = time.perf_counter()
    try:
        resp = api.conn.session.get(
            ep.url, authenticated=False, raise_exc=False, timeout=timeout, connect_retries=0
        )
        status: int | None = resp.status_code
    except Exception:  # refused, reset, timed out: the endpoint did not answer
        status = None
    return ep, status, time.perf_counter() - start


def endpoint_families(results: list[tuple[CatalogEndpoint, int | None, float]]) -> list[Metric]:
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
    for ep, status, took in sorted(results, key=lambda r: (r[0].service_type, r[0].region_id)):
        labels = [ep.service_type, ep.interface, ep.region_id]
        up.add_metric(labels, float(status is not None and status < 500))
        seconds.add_metric(labels, took)
        if status is not None:
            code.add_metric(labels, status)
        info.add_metric(
            labels, {"service_name": ep.service_name, "url": ep.url, "endpoint_id": ep.endpoint_id}
        )
    return [up, seconds, code, info]
