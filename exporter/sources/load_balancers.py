"""Octavia load balancers of all projects: statuses, provider, VIP, when they last changed.

Full sync only: ⌈load balancers / page_size⌉ calls of ``GET /v2.0/lbaas/loadbalancers`` with
``fields=`` (one for any cloud under 1,000 load balancers): Octavia offers no change filter.
An admin token lists every project's (Octavia's ``_auth_get_all``); deleted ones are not listed.
Read by load_balancers, load_balancer_problems, load_balancer_amphorae (the owner of each
amphora) and quota_usage.
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
    optional,
    word,
)

PATH = "/lbaas/loadbalancers"
FIELDS = (
    "id",
    "name",
    "project_id",
    "provisioning_status",
    "operating_status",
    "provider",
    "vip_address",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class LoadBalancer:
    id: str
    name: str
    project_id: str
    provisioning_status: str  # ACTIVE, ERROR, PENDING_CREATE, PENDING_UPDATE, PENDING_DELETE
    operating_status: str  # ONLINE, OFFLINE, DEGRADED, ERROR, DRAINING, NO_MONITOR
    provider: str
    vip_address: str
    changed: float | None  # updated_at, else created_at


def load_balancer(item: Mapping[str, Any]) -> LoadBalancer:
    return LoadBalancer(
        id=ident(item, PATH),
        name=optional(item, "name", PATH),
        project_id=word(item, "project_id", PATH),
        provisioning_status=word(item, "provisioning_status", PATH),
        operating_status=word(item, "operating_status", PATH),
        provider=optional(item, "provider", PATH),
        vip_address=optional(item, "vip_address", PATH),
        changed=changed_at(item),
    )


class LoadBalancers(OctaviaListing[LoadBalancer]):
    name = "load_balancers"
    access = ((SERVICE, f"{PREFIX}{PATH}"),)
    path, key, fields = PATH, "loadbalancers", FIELDS

    def record(self, item: Mapping[str, Any]) -> LoadBalancer:
        return load_balancer(item)
