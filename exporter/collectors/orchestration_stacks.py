"""Heat stacks of all projects by action and status: counts, never one series per stack.

Reads the orchestration_stacks source (a full listing of every project's top-level stacks each
sync; its docstring says why all projects at once, and the Heat policy override that needs).
Every action Heat has × its three statuses is exported, at 0 when no stack is in it, so a
status that empties reads 0 rather than vanishing; a pair Heat adds later is counted as read.

    openstack_orchestration_stacks{action="CREATE",status="COMPLETE"} 312.0
    openstack_orchestration_stacks{action="UPDATE",status="FAILED"} 2.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.orchestration_stacks import OrchestrationStacks, Stack

# heat/engine/stack.py Stack.ACTIONS and Stack.STATUSES.
ACTIONS = (
    "CREATE",
    "DELETE",
    "UPDATE",
    "ROLLBACK",
    "SUSPEND",
    "RESUME",
    "ADOPT",
    "SNAPSHOT",
    "CHECK",
    "RESTORE",
)
STATUSES = ("IN_PROGRESS", "FAILED", "COMPLETE")


@collector(
    "orchestration_stacks",
    interval=300,
    help="Heat stacks of all projects by action and status (counts)",
    reads=(OrchestrationStacks,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return [stack_family(model[OrchestrationStacks].values())]


def stack_family(stacks: Iterable[Stack]) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_orchestration_stacks",
        "Top-level stacks of all projects by action and status, stack_status split in two "
        "(Heat stacks; collected in background).",
        labels=["action", "status"],
    )
    counts = Counter({(a, s): 0 for a in ACTIONS for s in STATUSES})
    counts.update((s.action, s.status) for s in stacks)
    for (action, status), n in sorted(counts.items()):
        fam.add_metric([action, status], n)
    return fam
