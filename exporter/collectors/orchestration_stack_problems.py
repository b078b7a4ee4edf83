"""Heat stacks an admin must look at: failed (``*_FAILED``), or stuck in ``*_IN_PROGRESS``.

Ages come from ``updated_time`` (Heat writes it with every status change), else
``creation_time``. Threshold ``stuck`` (seconds, default 7200): a stack action times out after
``timeout_mins``, by default Heat's ``stack_action_timeout`` of an hour, and Heat then marks it
FAILED itself; twice that in progress means the engine running it died or lost it (a restarted
engine resets only the stacks it held in legacy mode). Failed stacks count at any age, with
Heat's ``stack_status_reason`` as the finding's detail (/problems only, never a label).

Reads the orchestration_stacks source: top-level stacks of all projects (a nested stack's
failure is its parent's). Problem names: ``<action>_failed`` and ``stuck_<action>``
(``create_failed``, ``delete_failed``, ``stuck_update``…).

    openstack_orchestration_stack_problems{age="1d_7d",problem="update_failed",project_id="…",
        resource_type="stack"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.orchestration_stacks import OrchestrationStacks, Stack


@collector(
    "orchestration_stack_problems",
    interval=300,
    help="Heat stacks failed, or stuck in progress past a threshold",
    options={"stuck": 7200, **DETAIL_OPTION},
    reads=(OrchestrationStacks,),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    found = classify(model[OrchestrationStacks].values(), settings.options["stuck"], time.time())
    return problem_result(
        "openstack_orchestration_stack_problem",
        "Stacks failed or stuck in progress, by project, problem and time since the stack last "
        "changed (Heat stacks; collected in background).",
        found,
        settings.options["detail_metrics"],
    )


def problem(s: Stack, stuck: float, now: float) -> str | None:
    if s.status == "FAILED":
        return f"{s.action.lower()}_failed"
    if s.status == "IN_PROGRESS" and s.since is not None and now - s.since > stuck:
        return f"stuck_{s.action.lower()}"
    return None


def classify(stacks: Iterable[Stack], stuck: float, now: float) -> list[Finding]:
    found = []
    for s in stacks:
        name = problem(s, stuck, now)
        if name:
            found.append(
                Finding(
                    "stack",
                    s.id,
                    s.project_id,
                    name,
                    f"{s.action}_{s.status}",
                    s.since,
                    resource_name=s.name,
                    detail=s.reason,
                )
            )
    return sorted(found, key=lambda f: (f.project_id, f.problem, f.resource_id))
