"""Shares an admin must act on: in an error state, stuck in a transitional one, or left by a
failed migration.

- Error states count at any age: Manila names them ``error``, ``error_deleting``,
  ``error_deferred_deleting`` and ``<operation>_error`` (``extending_error``,
  ``shrinking_error``, ``manage_error``, ``unmanage_error``, ``reverting_error``,
  ``backup_restoring_error``, ``shrinking_possible_data_loss_error``...; manila
  ``common/constants.py``): any status with an ``error`` part is the problem of that name.
- Transitional states (``TRANSITIONAL``) past ``stuck`` seconds (default 3600) since the share
  entered them are ``stuck_<status>``: creating or deleting takes seconds to minutes; an hour
  means the share service lost the operation. Migrations copy data and may rightly take
  hours: ``migrating``, ``migrating_to`` and the share-server migration states use
  ``stuck_migration`` (default 1 day) instead. The time comes from the share's instance's
  ``updated_at`` (the share body has none; see the shares source); a share whose time is
  unknown is not judged stuck.
- A share whose migration failed goes back to ``available`` with ``task_state``
  ``migration_error`` (or ``data_copying_error``): the problem of that name, at any age.

Reads the shared_file_system_shares source (its docstring states the cost: 2 calls for up to
999 shares).

    openstack_shared_file_system_problems{age="1d_7d",problem="error",project_id="…",
        resource_type="share"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.shared_file_system_shares import Share, SharedFileSystemShares

# Statuses a share passes through, per manila common/constants.py (deferred_deleting: the
# share manager's periodic task deletes it within minutes; awaiting_transfer: a transfer
# expires after transfer_retention_time, 5 minutes by default).
TRANSITIONAL = frozenset(
    {
        "creating",
        "creating_from_snapshot",
        "deleting",
        "deferred_deleting",
        "extending",
        "shrinking",
        "manage_starting",
        "unmanage_starting",
        "reverting",
        "restoring",
        "replication_change",
        "awaiting_transfer",
        "backup_creating",
        "backup_restoring",
        "ensuring",
    }
)
MIGRATION = frozenset({"migrating", "migrating_to", "server_migrating", "server_migrating_to"})
TASK_ERRORS = frozenset({"migration_error", "data_copying_error"})


@collector(
    "shared_file_system_problems",
    interval=300,
    help="Shares in error, stuck in a transitional state, or left by a failed migration",
    options={"stuck": 3600, "stuck_migration": 86400, **DETAIL_OPTION},
    reads=(SharedFileSystemShares,),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    found = classify(
        model[SharedFileSystemShares].shares.values(),
        settings.options["stuck"],
        settings.options["stuck_migration"],
        time.time(),
    )
    return problem_result(
        "openstack_shared_file_system_problem",
        "Shares with a problem, by project, problem and time since the share entered its "
        "status (Manila; collected in background).",
        found,
        settings.options["detail_metrics"],
    )


def problem_of(share: Share, stuck: float, stuck_migration: float, now: float) -> str | None:
    status = share.status.lower()
    if "error" in status.split("_"):
        return status
    limit = stuck_migration if status in MIGRATION else stuck if status in TRANSITIONAL else None
    if limit is not None and share.since is not None and now - share.since > limit:
        return f"stuck_{status}"
    if share.task_state.lower() in TASK_ERRORS:
        return share.task_state.lower()
    return None


def classify(
    shares: Iterable[Share], stuck: float, stuck_migration: float, now: float
) -> list[Finding]:
    found = []
    for s in shares:
        problem = problem_of(s, stuck, stuck_migration, now)
        if problem:
            found.append(
                Finding(
                    "share",
                    s.id,
                    s.project_id,
                    problem,
                    s.status,
                    s.since,
                    host=s.host,
                    resource_name=s.name,
                    detail=f"task_state {s.task_state}" if s.task_state else "",
                )
            )
    return found
