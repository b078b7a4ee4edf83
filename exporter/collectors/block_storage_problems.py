"""Volumes, snapshots and backups an admin must clean up: in an error state, stuck in a
transitional one, or attached ("in-use") to a server that no longer exists.

Ages come from ``updated_at``. Threshold ``stuck`` (seconds, default 3600): creating, attaching
or deleting takes seconds to minutes even for large volumes on busy back ends; an hour in one
of these states means the volume service lost track of the operation. Error states count at
any age.

Cost per run: volumes, snapshots and backups of all projects (a page each unless the cloud caps
pages), plus ⌈servers / 1000⌉ pages of ``GET /servers?all_tenants=1`` to find attachments
to deleted servers.

    openstack_block_storage_problems{age="gt_7d",problem="error",project_id="…",
        resource_type="volume"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from exporter.collectors import Api, CollectorSettings, Finding, Findings, collector
from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.collectors._servers import servers
from exporter.collectors.block_storage_services import SERVICE_TYPES
from exporter.connection import timestamp

# Transitional states per cinder's api-ref (volumes, snapshots, backups).
TRANSITIONAL = {
    "volume": {
        "creating",
        "attaching",
        "detaching",
        "deleting",
        "extending",
        "downloading",
        "uploading",
        "retyping",
        "reserved",
        "backing-up",
        "restoring-backup",
        "awaiting-transfer",
        "maintenance",
    },
    "snapshot": {"creating", "deleting", "unmanaging", "restoring", "backing-up"},
    "backup": {"creating", "deleting", "restoring"},
}


@collector(
    "block_storage_problems",
    interval=300,
    help="Volumes, snapshots, backups in error or stuck; volumes attached to deleted servers",
    options={"stuck": 3600, **DETAIL_OPTION},
    access=(
        ("block-storage", "/v3/*/volumes/detail"),
        ("block-storage", "/v3/*/snapshots/detail"),
        ("block-storage", "/v3/*/backups/detail"),
        ("compute", "/v2.1/servers"),
    ),
)
def collect(api: Api, settings: CollectorSettings) -> Findings:
    api.require_service(SERVICE_TYPES)
    volumes, snapshots, backups = (
        list(cinder_list(api, kind)) for kind in ("volumes", "snapshots", "backups")
    )
    existing = {s["id"] for s in servers(api, detail=False)}
    found = classify(volumes, snapshots, backups, existing, settings.options["stuck"], time.time())
    return problem_result(
        "openstack_block_storage_problem",
        "Volumes, snapshots and backups with a problem, by project, problem and time since the "
        "resource last changed (Cinder; collected in background).",
        found,
        settings.options["detail_metrics"],
    )


# Where each list body names the owning project (backups from 3.18).
# https://docs.openstack.org/api-ref/block-storage/v3/#backups-backups
PROJECT_KEYS = {
    "volume": "os-vol-tenant-attr:tenant_id",
    "snapshot": "os-extended-snapshot-attributes:project_id",
    "backup": "os-backup-project-attr:project_id",
}
CINDER_MICROVERSION = "3.18"


def cinder_list(api: Api, kind: str) -> Iterator[dict[str, Any]]:
    """Every volume, snapshot or backup (``kind`` plural) of all projects, page by page."""
    return api.pages(
        "block-storage",
        f"/{kind}/detail",
        kind,
        {"all_tenants": "True"},
        microversion=CINDER_MICROVERSION,
    )


def _state(kind: str, item: dict[str, Any], stuck: float, now: float) -> str | None:
    status = str(item.get("status") or "").lower()
    since = timestamp(item.get("updated_at"))
    if status.startswith("error"):
        return status  # error, error_deleting, error_extending, error_restoring, ...
    if status in TRANSITIONAL[kind] and since is not None and now - since > stuck:
        return f"stuck_{status.replace('-', '_')}"
    return None


def classify(
    volumes: list[dict[str, Any]],
    snapshots: list[dict[str, Any]],
    backups: list[dict[str, Any]],
    servers: set[str],
    stuck: float,
    now: float,
) -> list[Finding]:
    found = []
    for kind, items in (("volume", volumes), ("snapshot", snapshots), ("backup", backups)):
        for item in items:
            problem = _state(kind, item, stuck, now)
            if problem is None and kind == "volume" and item.get("status") == "in-use":
                gone = [
                    a.get("server_id")
                    for a in item.get("attachments") or []
                    if a.get("server_id") and a.get("server_id") not in servers
                ]
                problem = "attached_to_deleted_server" if gone else None
            if problem:
                found.append(
                    Finding(
                        kind,
                        str(item["id"]),
                        str(item.get(PROJECT_KEYS[kind]) or ""),
                        problem,
                        str(item.get("status") or ""),
                        timestamp(item.get("updated_at")),
                        resource_name=str(item.get("name") or ""),
                    )
                )
    return found
