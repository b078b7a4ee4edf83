"""Probes of the catalog's API endpoints: does each answer, and how fast. The probe is the data.

Full sync only: one unauthenticated ``GET`` of each selected catalog endpoint's URL (the
version document most services serve there), at most 8 at a time, each bounded by
``api_timeout`` and the sync's deadline. The endpoints probed are the union of the selections
(interface, region, service types) of the enabled readers; the catalog comes from the catalog
source (the token, no call). An outage is data, not a failed sync: a probe that is refused,
reset or times out records no status.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import Api, CatalogEndpoint
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed

# Collector options that choose the endpoints probed.
ENDPOINT_OPTIONS: dict[str, Any] = {"interface": "public", "region": "", "service_types": []}
_MAX_PARALLEL = 8

Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Probe:
    endpoint: CatalogEndpoint
    # The HTTP status of the answer; None when the endpoint did not answer.
    status: int | None
    # Time the endpoint took to answer, or to fail.
    seconds: float

    @property
    def up(self) -> bool:
        """Any answer below 500 is an API alive: a 401 from an endpoint wanting a token too."""
        return self.status is not None and self.status < 500


class Endpoints(Source[tuple[Probe, ...]]):
    name = "endpoints"
    uses = ("catalog",)

    def full(self, ctx: SyncContext) -> tuple[Probe, ...]:
        catalog: tuple[CatalogEndpoint, ...] = ctx.used["catalog"]
        chosen: dict[Key, CatalogEndpoint] = {}
        for options in ctx.readers or (ENDPOINT_OPTIONS,):
            for ep in select(catalog, options):
                chosen.setdefault(key(ep), ep)
        api = ctx.api
        probes = tuple(api.parallel(lambda ep: probe(api, ep), chosen.values(), _MAX_PARALLEL))
        previous: tuple[Probe, ...] | None = ctx.previous
        ctx.count_changed(
            changed(
                None if previous is None else {key(p.endpoint): _state(p) for p in previous},
                {key(p.endpoint): _state(p) for p in probes},
            )
        )
        return probes


def key(ep: CatalogEndpoint) -> Key:
    """An endpoint's identity in the metrics."""
    return (ep.service_type, ep.interface, ep.region_id)


def select(
    endpoints: Iterable[CatalogEndpoint], options: Mapping[str, Any]
) -> list[CatalogEndpoint]:
    """The endpoints of ``options``' interface, region (empty: any) and service types (empty:
    any); of two endpoints with one identity (duplicate series) the first one wins."""
    types = set(options.get("service_types") or [])
    chosen: dict[Key, CatalogEndpoint] = {}
    for ep in endpoints:
        if ep.interface != options.get("interface", "public"):
            continue
        if options.get("region") and ep.region_id != options["region"]:
            continue
        if types and ep.service_type not in types:
            continue
        chosen.setdefault(key(ep), ep)
    return list(chosen.values())


def probe(api: Api, ep: CatalogEndpoint) -> Probe:
    """Not a checked read: any answer is data, whatever its body."""
    start = time.perf_counter()
    status = api.probe(ep.service_type, ep.url)
    return Probe(ep, status, time.perf_counter() - start)


def _state(p: Probe) -> tuple[CatalogEndpoint, int | None]:
    return p.endpoint, p.status
