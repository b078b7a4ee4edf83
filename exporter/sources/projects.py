"""Keystone projects and domains, and the project selection the per-project collectors share.

Full sync only, 2 calls (``GET /projects``, ``GET /domains``): Keystone lists without paging
(a cut list says ``truncated``, which fails the sync) and has no delta.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed

# Collector options that narrow the projects reported (each a list of IDs or names).
PROJECT_OPTIONS: dict[str, Any] = {"projects": [], "exclude_projects": [], "domains": []}


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: str
    name: str
    domain_id: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class ProjectSet:
    projects: tuple[ProjectRow, ...]
    domain_names: Mapping[str, str]


class Projects(Source[ProjectSet]):
    name = "projects"
    access = (("identity", "/v3/projects"), ("identity", "/v3/domains"))

    def full(self, ctx: SyncContext) -> ProjectSet:
        domains = {d["id"]: str(d.get("name") or "") for d in _listed(ctx, "/domains", "domains")}
        rows = [
            ProjectRow(
                p["id"],
                str(p.get("name") or ""),
                str(p.get("domain_id") or ""),
                bool(p.get("enabled")),
            )
            for p in _listed(ctx, "/projects", "projects")
            if not p.get("is_domain")
        ]
        out = ProjectSet(tuple(sorted(rows, key=lambda r: r.id)), domains)
        previous: ProjectSet | None = ctx.previous
        ctx.count_changed(
            changed(
                None if previous is None else {p.id: p for p in previous.projects},
                {p.id: p for p in out.projects},
            )
        )
        return out


def _listed(ctx: SyncContext, path: str, key: str) -> list[dict[str, Any]]:
    items = ctx.api.get("identity", path, key)
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise ApiError("identity", path, f"an item of {key!r} without an id")
    return items


def select_projects(projects: ProjectSet, options: Mapping[str, Any]) -> list[ProjectRow]:
    """The projects narrowed by ``projects``, ``exclude_projects`` and ``domains`` (each a list
    of IDs or names; empty means no restriction); a missing option does not restrict."""
    include = set(options.get("projects") or ())
    exclude = set(options.get("exclude_projects") or ())
    domains = set(options.get("domains") or ())
    out = []
    for p in projects.projects:
        if include and p.id not in include and p.name not in include:
            continue
        if p.id in exclude or p.name in exclude:
            continue
        if (
            domains
            and p.domain_id not in domains
            and projects.domain_names.get(p.domain_id) not in domains
        ):
            continue
        out.append(p)
    return out
