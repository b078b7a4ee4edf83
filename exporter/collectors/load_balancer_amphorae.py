"""Octavia amphorae by status and role, and those an admin must act on as findings.

An amphora in ``ERROR`` (its creation or failover failed: the load balancer it serves may be
down, or down to one amphora of two) or ``FAILOVER_STOPPED`` (Octavia's health manager stopped
failing amphorae over because too many failed at once, ``[health_manager]
failover_threshold``: an outage underneath, nothing will heal by itself) is a finding at any
age, counted by project — the project of its load balancer, "" for a spare — and listed on
/problems with its compute (Nova server) ID, load balancer, role and management IP in
``detail``. Ages come from ``updated_at``.

Reads the load_balancer_amphorae source (one admin-only listing per sync) and load_balancers
(each amphora's owner). A cloud whose only provider is OVN has no amphorae: every count is 0.

    openstack_load_balancer_amphorae{role="STANDALONE",status="ALLOCATED"} 180.0
    openstack_load_balancer_amphora_problems{age="1d_7d",problem="error",project_id="…",
        resource_type="amphora"} 1.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from prometheus_client.metrics_core import GaugeMetricFamily

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.load_balancer_amphorae import Amphora, LoadBalancerAmphorae
from exporter.sources.load_balancers import LoadBalancers

PROBLEMS = {"ERROR": "error", "FAILOVER_STOPPED": "failover_stopped"}


@collector(
    "load_balancer_amphorae",
    interval=300,
    help="Octavia amphorae by status and role; those in ERROR or FAILOVER_STOPPED",
    options={**DETAIL_OPTION},
    reads=(LoadBalancerAmphorae, LoadBalancers),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    amphorae = model[LoadBalancerAmphorae]
    owners = {lb.id: lb.project_id for lb in model[LoadBalancers]}
    found = classify(amphorae, owners)
    problems = problem_result(
        "openstack_load_balancer_amphora_problem",
        "Amphorae in ERROR or FAILOVER_STOPPED, by the project of their load balancer, problem "
        "and time since the amphora last changed (Octavia amphorae; collected in background).",
        found,
        settings.options["detail_metrics"],
    )
    return Findings([amphora_family(amphorae), *problems.families], problems.items)


def amphora_family(amphorae: Iterable[Amphora]) -> GaugeMetricFamily:
    fam = GaugeMetricFamily(
        "openstack_load_balancer_amphorae",
        'Amphorae by status and role ("" for spares and amphorae still booting) (Octavia '
        "amphorae, admin-only; collected in background).",
        labels=["status", "role"],
    )
    for (status, role), n in sorted(Counter((a.status, a.role) for a in amphorae).items()):
        fam.add_metric([status, role], n)
    return fam


def classify(amphorae: Iterable[Amphora], owners: Mapping[str, str]) -> list[Finding]:
    found = []
    for a in amphorae:
        problem = PROBLEMS.get(a.status)
        if problem:
            found.append(
                Finding(
                    "amphora",
                    a.id,
                    owners.get(a.loadbalancer_id, ""),
                    problem,
                    a.status,
                    a.changed,
                    detail=(
                        f"compute {a.compute_id or '-'}, load balancer "
                        f"{a.loadbalancer_id or '- (spare)'}, role {a.role or '-'}, "
                        f"lb_network_ip {a.lb_network_ip or '-'}"
                    ),
                )
            )
    return found
