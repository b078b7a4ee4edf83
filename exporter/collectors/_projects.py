"""Project selection shared by the per-project collectors, and a rate limit for their calls."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openstack.connection import Connection

PROJECT_OPTIONS: dict[str, Any] = {"projects": [], "exclude_projects": [], "domains": []}


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: str
    name: str
    domain_id: str
    enabled: bool


def select_projects(conn: Connection, options: Mapping[str, Any]) -> list[ProjectRow]:
    """Keystone's projects (1 call), narrowed by ``projects``, ``exclude_projects`` and
    ``domains`` (each a list of IDs or names; empty means no restriction)."""
    include, exclude = set(options["projects"]), set(options["exclude_projects"])
    domains = set(options["domains"])
    rows = []
    domain_names = {d.id: d.name for d in conn.identity.domains()} if domains else {}
    for p in conn.identity.projects():
        if p.is_domain:
            continue
        if include and p.id not in include and p.name not in include:
            continue
        if p.id in exclude or p.name in exclude:
            continue
        if domains and p.domain_id not in domains and domain_names.get(p.domain_id) not in domains:
            continue
        rows.append(ProjectRow(p.id, p.name or "", p.domain_id or "", bool(p.is_enabled)))
    return sorted(rows, key=lambda r: r.id)


class RateLimit:
    """At most ``per_second`` acquisitions a second across threads; 0 means no limit.

    Spreads per-project calls over time so a 10,000-project cloud sees a steady trickle
    instead of a burst at the start of every run.
    """

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            time.sleep(wait)
