"""Neutron subnets of all projects, only counted: ``project_id -> subnets`` (quota usage).

Full sync only: ⌈subnets / page_size⌉ calls of ``GET /v2.0/subnets?fields=project_id``.
Neutron offers no delta that reveals deletions (see ``_neutron``).
"""

from __future__ import annotations

from exporter.sources._neutron import ProjectCounts


class Subnets(ProjectCounts):
    name = "subnets"
    access = (("network", "/v2.0/subnets"),)
    path = "/subnets"
    key = "subnets"
