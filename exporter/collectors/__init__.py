"""Registry of collectors. Each module registers itself with the ``collector`` decorator."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.metrics_core import Metric

from exporter.api import Api
from exporter.api import ServiceAbsent as ServiceAbsent

CollectFn = Callable[[Api, "CollectorSettings"], "list[Metric] | Findings"]


@dataclass(frozen=True, slots=True)
class CollectorSettings:
    """What one collector run needs to know: its interval, deadline and its own options."""

    interval: float
    api_timeout: float
    options: Mapping[str, Any] = field(default_factory=dict)
    # Seconds a run may take before it is abandoned and counted as failed; 0 means the interval.
    timeout: float = 0.0

    @property
    def deadline(self) -> float:
        return self.timeout or self.interval


@dataclass(frozen=True, slots=True)
class CollectorSpec:
    name: str
    fn: CollectFn
    interval: float
    default_enabled: bool
    help: str
    # option name -> default; the default's type is the option's type.
    options: Mapping[str, Any]
    # (service type, path) of every GET the collector makes, for access rules.
    access: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One concrete resource a problems collector found: what the admin paged at night acts on."""

    resource_type: str  # server, volume, snapshot, backup, allocation, floating_ip, port, router
    resource_id: str
    project_id: str
    problem: str
    status: str
    since: float | None  # unix time the resource last changed (updated_at), if known
    host: str = ""
    # The resource's own name where the API has one (tenants' text: escape it wherever shown).
    resource_name: str = ""


@dataclass(frozen=True, slots=True)
class Findings:
    """A collector's result when it also has findings: low-cardinality families for /metrics,
    the concrete resources for /problems."""

    families: list[Metric]
    items: list[Finding]


_REGISTRY: dict[str, CollectorSpec] = {}


def collector(
    name: str,
    *,
    interval: float,
    help: str,
    enabled: bool = True,
    options: Mapping[str, Any] | None = None,
    access: tuple[tuple[str, str], ...] = (),
) -> Callable[[CollectFn], CollectFn]:
    def register(fn: CollectFn) -> CollectFn:
        if name in _REGISTRY:
            raise RuntimeError(f"collector {name!r} registered twice")
        _REGISTRY[name] = CollectorSpec(
            name, fn, interval, enabled, help, dict(options or {}), tuple(access)
        )
        return fn

    return register


_MODULES = (
    "compute_services",
    "block_storage_services",
    "network_agents",
    "api_endpoints",
    "placement",
    "compute_aggregates",
    "compute_flavors",
    "flavor_capacity",
    "compute_servers",
    "block_storage_pools",
    "network_ip_availability",
    "identity_projects",
    "identity_limits",
    "quota_limits",
    "quota_usage",
    "compute_server_problems",
    "block_storage_problems",
    "placement_orphans",
    "network_problems",
)


# Version discovery: the SDK reads each service's version documents with its token.
DISCOVERY = {
    "identity": ("/v3",),
    "compute": ("/", "/v2.1"),
    "placement": ("/",),
    "block-storage": ("/", "/v3", "/v3/*"),
    "network": ("/", "/v2.0"),
}


def access_rules(specs: Iterable[CollectorSpec]) -> list[dict[str, str]]:
    """Keystone application-credential access rules allowing exactly the GETs these collectors
    make (``*`` stands for one path segment: a project or provider ID)."""
    pairs = {pair for spec in specs for pair in spec.access}
    pairs |= {(svc, path) for svc, _ in pairs for path in DISCOVERY.get(svc, ())}
    return [{"service": svc, "method": "GET", "path": path} for svc, path in sorted(pairs)]


def all_collectors() -> dict[str, CollectorSpec]:
    for module in _MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return dict(sorted(_REGISTRY.items()))
