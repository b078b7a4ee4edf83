"""Load balancers an admin must act on: provisioning ``ERROR``, or stuck in ``PENDING_*``.

Ages come from ``updated_at`` (``created_at`` for one never updated: Octavia leaves updated_at
null until the first change). Threshold ``stuck`` (seconds, default 1800): Octavia finishes a
create, update or delete in seconds to a few minutes (an amphora boot included); a load
balancer still ``PENDING_*`` after 30 minutes lost its controller-worker flow (a worker
restarted without jobboard), and Octavia refuses every change to it until an admin steps in.
``ERROR`` counts at any age. Each finding's ``detail`` carries the VIP and the provider.

Reads the load_balancers source (one listing per sync).

    openstack_load_balancer_problems{age="1h_1d",problem="stuck_pending_update",
        project_id="…",resource_type="load_balancer"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.load_balancers import LoadBalancer, LoadBalancers

PENDING = ("PENDING_CREATE", "PENDING_UPDATE", "PENDING_DELETE")


@collector(
    "load_balancer_problems",
    interval=300,
    help="Load balancers in ERROR or stuck in PENDING_*",
    options={"stuck": 1800, **DETAIL_OPTION},
    reads=(LoadBalancers,),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    found = classify(model[LoadBalancers], settings.options["stuck"], time.time())
    return problem_result(
        "openstack_load_balancer_problem",
        "Load balancers with a problem, by project, problem and time since the load balancer "
        "last changed (Octavia; collected in background).",
        found,
        settings.options["detail_metrics"],
    )


def problem_of(lb: LoadBalancer, stuck: float, now: float) -> str | None:
    if lb.provisioning_status == "ERROR":
        return "error"
    if lb.provisioning_status in PENDING and lb.changed is not None and now - lb.changed > stuck:
        return f"stuck_{lb.provisioning_status.lower()}"
    return None


def classify(lbs: Iterable[LoadBalancer], stuck: float, now: float) -> list[Finding]:
    found = []
    for lb in lbs:
        problem = problem_of(lb, stuck, now)
        if problem:
            found.append(
                Finding(
                    "load_balancer",
                    lb.id,
                    lb.project_id,
                    problem,
                    f"{lb.provisioning_status}/{lb.operating_status}",
                    lb.changed,
                    resource_name=lb.name,
                    detail=f"VIP {lb.vip_address or '-'}, provider {lb.provider or '-'}",
                )
            )
    return found
