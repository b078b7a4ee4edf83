"""Servers an admin must look at: in ERROR, stuck mid-operation, resizes never confirmed, and
servers shut off for so long they are probably waste.

Ages come from the API's own ``updated_at``: the last time Nova changed the server. Thresholds
(seconds, in the config) and why the defaults:
- ``build``: 1800. A boot takes seconds to a few minutes; 30 minutes covers a large image copied
  to a cold host. Longer is a lost RPC or a dead compute.
- ``task``: 3600. Live migrations and resizes of large servers take tens of minutes; an hour
  with a task_state still set (migrating, resize_prep, rebuilding...) means stuck.
- ``deleting``: 900. Deletes finish in seconds; 15 minutes means the compute never answered.
- ``verify_resize``: 86400. A resize waits for the user to confirm; a day later it still holds
  capacity on two hosts.
- ``shutoff``: 2592000. Shut off for 30 days: probably forgotten, still holding its resources.
ERROR servers count at any age.

Reads the servers source (a full listing, then changes-since deltas).

    openstack_compute_server_problems{age="1h_1d",problem="error",project_id="…",
        resource_type="server"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.servers import Server, Servers

THRESHOLDS = {
    "build": 1800,
    "task": 3600,
    "deleting": 900,
    "verify_resize": 86400,
    "shutoff": 2592000,
}


@collector(
    "compute_server_problems",
    interval=300,
    help="Servers in ERROR, stuck, unconfirmed resizes, long shut off",
    options={**THRESHOLDS, **DETAIL_OPTION},
    reads=(Servers,),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    found = classify(model[Servers].servers.values(), settings.options, time.time())
    return problem_result(
        "openstack_compute_server_problem",
        "Servers with a problem, by project, problem and time since the server last changed "
        "(Nova servers; collected in background).",
        found,
        settings.options["detail_metrics"],
    )


def classify(servers: Iterable[Server], thresholds: dict, now: float) -> list[Finding]:
    found = []
    for s in servers:
        since = s.updated
        age = 0.0 if since is None else now - since
        status, task = s.status, s.task_state
        problem = None
        if status == "ERROR":
            problem = "error"
        elif task == "deleting" and age > thresholds["deleting"]:
            problem = "stuck_deleting"
        elif status == "BUILD" and age > thresholds["build"]:
            problem = "stuck_build"
        elif task and status != "BUILD" and age > thresholds["task"]:
            problem = "stuck_task"
        elif status == "VERIFY_RESIZE" and age > thresholds["verify_resize"]:
            problem = "resize_unconfirmed"
        elif status == "SHUTOFF" and age > thresholds["shutoff"]:
            problem = "shutoff_long"
        if problem:
            found.append(
                Finding(
                    "server",
                    s.id,
                    s.project_id,
                    problem,
                    f"{status}/{task}" if task else status,
                    since,
                    s.host,
                    s.name,
                )
            )
    return found
