"""Which collectors read a path of the demo cloud: the fault matrix and bench/faults.py inject a
fault under a path and expect exactly these collectors to fail. Derived from the access rules
of the sources each collector reads (and the sources those use), so a new collector or a new GET
needs no list kept by hand."""

from __future__ import annotations

from collections.abc import Mapping

from exporter.contract import CollectorSpec, all_sources, sources_of

# Where the demo server serves each service type the access rules name.
SERVICE_ROOT = {
    "compute": "/compute",
    "placement": "/placement",
    "block-storage": "/volume",
    "network": "/network",
    "identity": "/identity",
    "image": "/image",
    "orchestration": "/heat-api",
    "dns": "/dns",
    "load-balancer": "/load-balancer",
    "shared-file-system": "/share",
}


def readers(specs: Mapping[str, CollectorSpec], prefix: str) -> set[str]:
    """Collectors whose sources' declared GETs fall under the demo path ``prefix``."""
    registry = all_sources()
    return {
        name
        for name, spec in specs.items()
        if any(
            f"{SERVICE_ROOT[svc]}{path}".startswith(prefix)
            for source in sources_of([spec])
            for svc, path in registry[source].access
        )
    }
