"""Neutron security group rules of all projects, only counted: ``project_id -> rules`` (quota
usage).

Full sync only: ⌈rules / page_size⌉ calls of ``GET /v2.0/security-group-rules?fields=project_id``
(often the longest Neutron listing after ports). Neutron offers no delta that reveals deletions
(see ``_neutron``).
"""

from __future__ import annotations

from exporter.sources._neutron import ProjectCounts


class SecurityGroupRules(ProjectCounts):
    name = "security_group_rules"
    access = (("network", "/v2.0/security-group-rules"),)
    path = "/security-group-rules"
    key = "security_group_rules"
