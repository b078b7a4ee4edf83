"""Volumes, snapshots and backups an admin must clean up: in an error state, stuck in a
transitional one, or attached ("in-use") to a server that no longer exists.

Ages come from ``updated_at``. Threshold ``stuck`` (seconds, default 3600): creating, attaching
or deleting takes seconds to minutes even for large volumes on busy back ends; an hour in one
of these states means the volume service lost track of the operation. Error states count at
any age.

Reads the volumes, snapshots and backups sources (full listings of all projects; volumes also
follow ``updated_at`` deltas where Cinder offers them) and the servers source, for attachments
to deleted servers.

    openstack_block_storage_problems{age="gt_7d",problem="error",project_id="…",
        resource_type="volume"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources._cinder import VolumeCopy
from exporter.sources.backups import Backups
from exporter.sources.servers import Servers
from exporter.sources.snapshots import Snapshots
from exporter.sources.volumes import Volume, Volumes

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
    reads=(Volumes, Snapshots, Backups, Servers),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    found = classify(
        model[Volumes].volumes.values(),
        model[Snapshots],
        model[Backups],
        model[Servers].servers.keys(),
        model[Servers].synced_at,
        settings.options["stuck"],
        time.time(),
    )
    return problem_result(
        "openstack_block_storage_problem",
        "Volumes, snapshots and backups with a problem, by project, problem and time since the "
        "resource last changed (Cinder; collected in background).",
        found,
        settings.options["detail_metrics"],
    )


def _state(kind: str, status: str, since: float | None, stuck: float, now: float) -> str | None:
    status = status.lower()
    if status.startswith("error"):
        return status  # error, error_deleting, error_extending, error_restoring, ...
    if status in TRANSITIONAL[kind] and since is not None and now - since > stuck:
        return f"stuck_{status.replace('-', '_')}"
    return None


def classify(
    volumes: Iterable[Volume],
    snapshots: Iterable[VolumeCopy],
    backups: Iterable[VolumeCopy],
    servers: Collection[str],
    servers_as_of: float,
    stuck: float,
    now: float,
) -> list[Finding]:
    """The problem resources; ``servers`` holds the IDs of the servers that existed at
    ``servers_as_of``. Servers and volumes sync apart, so a volume attached since then may name
    a server booted since: only a volume that last changed before it counts as attached to a
    deleted server."""
    found = []
    items: list[tuple[str, Iterable[Volume | VolumeCopy]]] = [
        ("volume", volumes),
        ("snapshot", snapshots),
        ("backup", backups),
    ]
    for kind, records in items:
        for r in records:
            problem = _state(kind, r.status, r.updated, stuck, now)
            if (
                problem is None
                and isinstance(r, Volume)
                and r.status == "in-use"
                and (r.updated is None or r.updated < servers_as_of)
                and any(sid not in servers for sid in r.server_ids)
            ):
                problem = "attached_to_deleted_server"
            if problem:
                found.append(
                    Finding(
                        kind, r.id, r.project_id, problem, r.status, r.updated, resource_name=r.name
                    )
                )
    return found
