"""Neutron security groups of all projects, only counted: ``project_id -> groups`` (quota
usage).

Full sync only: ⌈groups / page_size⌉ calls of ``GET /v2.0/security-groups?fields=project_id``
(without ``fields`` every group would carry all its rules). Neutron offers no delta that
reveals deletions (see ``_neutron``).
"""

from __future__ import annotations

from exporter.sources._neutron import ProjectCounts


class SecurityGroups(ProjectCounts):
    name = "security_groups"
    access = (("network", "/v2.0/security-groups"),)
    path = "/security-groups"
    key = "security_groups"
