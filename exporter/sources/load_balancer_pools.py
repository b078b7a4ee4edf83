"""Octavia pools of all projects: statuses, their members' IDs, their health monitor.

Full sync only: ⌈pools / page_size⌉ calls of ``GET /v2.0/lbaas/pools`` with ``fields=``.
A pool lists the IDs of its members and of its health monitor (one at most, and every health
monitor belongs to one pool), so members and health monitors are counted per project (quota
usage) from this one listing: Octavia has no listing of all members, and the health-monitor
listing would tell nothing more. The member statuses come from the load_balancer_members
source, which reads this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.sources._octavia import (
    PREFIX,
    SERVICE,
    OctaviaListing,
    changed_at,
    ident,
    ids,
    optional,
    word,
)

PATH = "/lbaas/pools"
FIELDS = (
    "id",
    "project_id",
    "provisioning_status",
    "operating_status",
    "members",
    "healthmonitor_id",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class Pool:
    id: str
    project_id: str
    provisioning_status: str
    operating_status: str
    member_ids: tuple[str, ...]
    healthmonitor_id: str  # "" when it has none
    changed: float | None  # updated_at, else created_at


def pool(item: Mapping[str, Any]) -> Pool:
    return Pool(
        id=ident(item, PATH),
        project_id=word(item, "project_id", PATH),
        provisioning_status=word(item, "provisioning_status", PATH),
        operating_status=word(item, "operating_status", PATH),
        member_ids=ids(item, "members", PATH),
        healthmonitor_id=optional(item, "healthmonitor_id", PATH),
        changed=changed_at(item),
    )


class LoadBalancerPools(OctaviaListing[Pool]):
    name = "load_balancer_pools"
    access = ((SERVICE, f"{PREFIX}{PATH}"),)
    path, key, fields = PATH, "pools", FIELDS

    def record(self, item: Mapping[str, Any]) -> Pool:
        return pool(item)
