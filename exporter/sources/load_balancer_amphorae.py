"""Octavia amphorae (the VMs of the amphora provider): status, role, load balancer, server.

Full sync only: ⌈amphorae / page_size⌉ calls of ``GET /v2.0/octavia/amphorae`` with
``fields=``. Admin-only (403 otherwise, whatever the role: Octavia's ``load-balancer:admin``
rules); deleted amphorae are not listed. A cloud using only other providers (OVN) lists none.

The server names the load balancer ``loadbalancer_id`` (``octavia/api/v2/types/amphora.py``);
the api-ref samples write ``load_balancer_id``, which is read when the other is absent.
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

PATH = "/octavia/amphorae"
FIELDS = (
    "id",
    "loadbalancer_id",
    "compute_id",
    "status",
    "role",
    "lb_network_ip",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class Amphora:
    id: str
    loadbalancer_id: str  # "" for a spare
    compute_id: str  # the Nova server; "" before it is booted
    status: str  # BOOTING, ALLOCATED, READY, PENDING_*, ERROR, FAILOVER_STOPPED
    role: str  # MASTER, BACKUP, STANDALONE; "" for spares
    lb_network_ip: str
    changed: float | None  # updated_at, else created_at


def amphora(item: Mapping[str, Any]) -> Amphora:
    key = "loadbalancer_id" if "loadbalancer_id" in item else "load_balancer_id"
    return Amphora(
        id=ident(item, PATH),
        loadbalancer_id=optional(item, key, PATH),
        compute_id=optional(item, "compute_id", PATH),
        status=word(item, "status", PATH),
        role=optional(item, "role", PATH),
        lb_network_ip=optional(item, "lb_network_ip", PATH),
        changed=changed_at(item),
    )


class LoadBalancerAmphorae(OctaviaListing[Amphora]):
    name = "load_balancer_amphorae"
    access = ((SERVICE, f"{PREFIX}{PATH}"),)
    path, key, fields = PATH, "amphorae", FIELDS

    def record(self, item: Mapping[str, Any]) -> Amphora:
        return amphora(item)
