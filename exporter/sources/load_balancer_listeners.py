"""Octavia listeners of all projects: statuses and how many L7 policies each holds.

Full sync only: ⌈listeners / page_size⌉ calls of ``GET /v2.0/lbaas/listeners`` with ``fields=``.
Read by load_balancer_components (listeners by operating status) and quota_usage: a listener
lists its L7 policies' IDs, so the policies of a project are counted without their own listing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exporter.sources._octavia import (
    PREFIX,
    SERVICE,
    OctaviaListing,
    ident,
    ids,
    word,
)

PATH = "/lbaas/listeners"
FIELDS = ("id", "project_id", "provisioning_status", "operating_status", "l7policies")


@dataclass(frozen=True, slots=True)
class Listener:
    id: str
    project_id: str
    provisioning_status: str
    operating_status: str
    l7policies: int  # how many L7 policies it holds


def listener(item: Mapping[str, Any]) -> Listener:
    return Listener(
        id=ident(item, PATH),
        project_id=word(item, "project_id", PATH),
        provisioning_status=word(item, "provisioning_status", PATH),
        operating_status=word(item, "operating_status", PATH),
        l7policies=len(ids(item, "l7policies", PATH)),
    )


class LoadBalancerListeners(OctaviaListing[Listener]):
    name = "load_balancer_listeners"
    access = ((SERVICE, f"{PREFIX}{PATH}"),)
    path, key, fields = PATH, "listeners", FIELDS

    def record(self, item: Mapping[str, Any]) -> Listener:
        return listener(item)
