"""The OpenStack services the demo cloud speaks, one module each.

A service module registers its routes (``@route``), declares its catalog entry and version
documents (``offer(Service(...))``) and holds its part of ``DemoCloud`` as a mixin. Adding a
service is one new module here and its name in ``MODULES``, which also orders the token's catalog.
"""

from __future__ import annotations

import importlib
import pkgutil

from exporter.demo.routes import CATALOG

MODULES = (
    "identity",
    "compute",
    "placement",
    "block_storage",
    "network",
    "image",
    "orchestration",
    "dns",
    "load_balancer",
    "shared_file_system",
)

for _name in MODULES:
    importlib.import_module(f"{__name__}.{_name}")

# A module left out of MODULES would be silently dead: no routes, no catalog entry.
_unlisted = {m.name for m in pkgutil.iter_modules(__path__)} - set(MODULES)
if _unlisted:
    raise ImportError(f"service modules missing from MODULES: {sorted(_unlisted)}")

STATES: tuple[type, ...] = tuple(service.state for service in CATALOG.values())

__all__ = ["CATALOG", "MODULES", "STATES"]
