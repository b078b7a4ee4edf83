"""Project selection shared by the per-project collectors, and a rate limit for their calls."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import Api

PROJECT_OPTIONS: dict[str, Any] = {"projects": [], "exclude_projects": [], "domains": []}


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: str
    name: str
    domain_id: str
    enabled: bool


def select_projects(api: Api, options: Mapping[str, Any]) -> list[ProjectRow]:
    """Keystone's projects (1 call), narrowed by ``projects``, ``exclude_projects`` and
    ``domains`` (each a list of IDs or names; empty means no restriction)."""
    include, exclude = set(options["projects"]), set(options["exclude_projects"])
    domains = set(options["domains"])
    rows = []
    domain_names = (
        {d["id"]: d.get("name") for d in api.get("identity", "/domains", "domains")}
        if domains
        else {}
    )
    for p in api.get("identity", "/projects", "projects"):
        pid, name, domain_id = str(p["id"]), str(p.get("name") or ""), p.get("domain_id") or ""
        if p.get("is_domain"):
            continue
        if include and pid not in include and name not in include:
            continue
        if pid in exclude or name in exclude:
            continue
        if domains and domain_id not in domains and domain_names.get(domain_id) not in domains:
            continue
        rows.append(ProjectRow(pid, name, str(domain_id), bool(p.get("enabled"))))
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

    def acquire(self, api: Api) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            api.sleep(wait)
