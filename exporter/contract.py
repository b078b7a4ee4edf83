"""The ground floor: what a source and a collector are, and how they are found.

A **source** owns one kind of OpenStack data: it is the only code that calls the APIs. It is
synced on a schedule (a full read, or the cheapest delta the API offers) and its result is kept,
immutable, in the model. A **collector** is a pure function from the model to metric families
(and findings for /problems): no HTTP. Both register where they are defined — a ``Source``
subclass by its ``name``, a collector by the ``collector`` decorator — and are discovered by
importing every module of ``exporter.sources`` and ``exporter.collectors``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from prometheus_client.metrics_core import Metric

from exporter.api import Api
from exporter.api import ServiceAbsent as ServiceAbsent

if TYPE_CHECKING:
    from exporter.model import Model

D = TypeVar("D")


# -- collectors ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CollectorSettings:
    """What one collector needs to know: its interval (how fresh its data must be), deadline
    and its own options."""

    interval: float
    api_timeout: float
    options: Mapping[str, Any] = field(default_factory=dict)
    # Seconds a sync may take before it is abandoned and counted as failed; 0 means the interval.
    timeout: float = 0.0

    @property
    def deadline(self) -> float:
        return self.timeout or self.interval


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
    # What the admin needs next to act, as the API words it: a load balancer's VIP, a node's
    # maintenance reason, a stack's status reason. Free text: /problems only, never a label.
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Findings:
    """A collector's result when it also has findings: low-cardinality families for /metrics,
    the concrete resources for /problems."""

    families: list[Metric]
    items: list[Finding]


CollectFn = Callable[["Model", CollectorSettings], "list[Metric] | Findings"]


@dataclass(frozen=True, slots=True)
class CollectorSpec:
    name: str
    fn: CollectFn
    interval: float
    default_enabled: bool
    help: str
    # option name -> default; the default's type is the option's type.
    options: Mapping[str, Any]
    # Sources the collector cannot do without: absent service -> the collector is skipped.
    reads: tuple[str, ...] = ()
    # Sources it uses when their service is deployed (quota usage of whichever services exist).
    reads_optional: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return self.reads + self.reads_optional


_COLLECTORS: dict[str, CollectorSpec] = {}


def collector(
    name: str,
    *,
    interval: float,
    help: str,
    reads: Iterable[type[Source[Any]]],
    reads_optional: Iterable[type[Source[Any]]] = (),
    enabled: bool = True,
    options: Mapping[str, Any] | None = None,
) -> Callable[[CollectFn], CollectFn]:
    def register(fn: CollectFn) -> CollectFn:
        if name in _COLLECTORS:
            raise RuntimeError(f"collector {name!r} registered twice")
        _COLLECTORS[name] = CollectorSpec(
            name,
            fn,
            interval,
            enabled,
            help,
            dict(options or {}),
            tuple(s.name for s in reads),
            tuple(s.name for s in reads_optional),
        )
        return fn

    return register


# -- sources ---------------------------------------------------------------------------------


@dataclass(slots=True)
class SyncContext:
    """What one sync of a source gets: checked API access, its options, the time of its previous
    successful sync (a delta asks for changes since then) and the data of the sources it
    ``uses``."""

    api: Api
    options: Mapping[str, Any]
    # Unix time the previous successful sync started; None for the first sync.
    since: float | None
    # The source's own interval: a rolling resync spreads its work over intervals.
    interval: float
    resync: float
    used: Mapping[str, Any] = field(default_factory=dict)
    # Options of the enabled collectors that read the source (e.g. their project selections).
    readers: tuple[Mapping[str, Any], ...] = ()
    # The data of the last good sync (None at first): a full sync diffs against it.
    previous: Any = None
    # Unix time the sync started, by the scheduler's clock.
    now: float = 0.0
    changed: int = 0

    def count_changed(self, n: int) -> None:
        """Objects found new, changed or gone by this sync (a self-metric of the source)."""
        self.changed += n


class Source(Generic[D]):
    """One kind of API data. Subclasses set the class attributes and implement ``full``; those
    whose API offers a delta implement ``delta`` too.

    ``full`` reads everything; ``delta`` starts from the previous data and reads only what
    changed. The scheduler runs a full sync first, after every failure, and whenever the last
    one is older than ``resync`` seconds (0: every sync is full); deltas in between.
    """

    name: ClassVar[str]
    # Catalog types, any of which provides the data; empty: always there (a missing catalog
    # entry is then a misconfigured credential and fails loudly).
    services: ClassVar[tuple[str, ...]] = ()
    # Every (service type, path) GET the source makes, for application-credential access rules.
    access: ClassVar[tuple[tuple[str, str], ...]] = ()
    # (service type, policy.yaml line) the service needs beyond its default policy for these
    # GETs to be allowed (Heat denies its all-projects stack list to everybody by default):
    # printed with the access rules, which cannot grant what the policy denies.
    policy: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Option name -> default, configurable under ``sources.<name>``.
    options: ClassVar[Mapping[str, Any]] = {}
    # Default seconds between full resyncs; 0 means every sync is a full one.
    resync: ClassVar[float] = 0.0
    # Sources whose latest data a sync reads (synced first when they are due).
    uses: ClassVar[tuple[str, ...]] = ()
    # True when the deltas themselves re-read a share of the data each time, so that all of
    # it is re-read within ``resync`` without the burst of a full sync.
    rolling: ClassVar[bool] = False
    # "system" when the API shows everything only to a system-scoped token (Ironic's default
    # policies): the source then connects with the config's ``system_cloud`` entry.
    scope: ClassVar[str] = "project"

    _registry: ClassVar[dict[str, type[Source[Any]]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name is None:
            return  # an abstract intermediate class
        if name in Source._registry:
            raise RuntimeError(f"source {name!r} registered twice")
        Source._registry[name] = cls

    def full(self, ctx: SyncContext) -> D:
        raise NotImplementedError

    def delta(self, ctx: SyncContext, previous: D) -> D:
        """Only what changed since ``ctx.since``; by default, everything."""
        return self.full(ctx)


# -- discovery -------------------------------------------------------------------------------


def _import_all(package: str) -> None:
    pkg = importlib.import_module(package)
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package}.{info.name}")


def all_sources() -> dict[str, type[Source[Any]]]:
    _import_all("exporter.sources")
    return dict(sorted(Source._registry.items()))


def all_collectors() -> dict[str, CollectorSpec]:
    sources = all_sources()
    _import_all("exporter.collectors")
    for spec in _COLLECTORS.values():
        unknown = set(spec.sources) - set(sources)
        if unknown:
            raise RuntimeError(f"collector {spec.name!r} reads unknown sources {sorted(unknown)}")
    return dict(sorted(_COLLECTORS.items()))


def sources_of(specs: Iterable[CollectorSpec]) -> list[str]:
    """The sources these collectors read, with the sources those use, dependencies first."""
    registry = all_sources()
    out: list[str] = []

    def add(name: str) -> None:
        if name in out:
            return
        for dep in registry[name].uses:
            add(dep)
        out.append(name)

    for spec in specs:
        for name in spec.sources:
            add(name)
    return out


# Version discovery: the SDK reads each service's version documents with its token.
DISCOVERY = {
    "identity": ("/v3",),
    "compute": ("/", "/v2.1"),
    "placement": ("/",),
    "block-storage": ("/", "/v3", "/v3/*"),
    "network": ("/", "/v2.0"),
}


def access_rules(specs: Iterable[CollectorSpec]) -> list[dict[str, str]]:
    """Keystone application-credential access rules allowing exactly the GETs the sources of
    these collectors make (``*`` stands for one path segment: a project or provider ID)."""
    registry = all_sources()
    pairs = {pair for name in sources_of(specs) for pair in registry[name].access}
    pairs |= {(svc, path) for svc, _ in pairs for path in DISCOVERY.get(svc, ())}
    return [{"service": svc, "method": "GET", "path": path} for svc, path in sorted(pairs)]


def policy_overrides(specs: Iterable[CollectorSpec]) -> list[tuple[str, str]]:
    """The (service type, policy.yaml line) pairs the sources of these collectors need beyond
    the services' default policies."""
    registry = all_sources()
    return sorted({pair for name in sources_of(specs) for pair in registry[name].policy})
