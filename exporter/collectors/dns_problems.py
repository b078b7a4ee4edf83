"""Designate zones an admin must act on: in ``ERROR`` (a DNS server refused or never
confirmed the change) or stuck ``PENDING`` (the change never reached the servers).

Ages come from ``updated_at`` — every status change writes it — or ``created_at`` for a zone
never changed since it was created. Threshold ``stuck`` (seconds, default 1800): a change
normally reaches the DNS servers within seconds, and Designate's own recovery (the producer's
``worker_periodic_recovery``, every 2 minutes) retries a zone pending for longer than the
worker's propagation timeout, a few minutes; half an hour pending means the retries fail too.
An ``ERROR`` zone counts at any age. /problems shows each zone's action (what failed: create,
update or delete) and serial.

Reads the dns_zones source (⌈zones / 1000⌉ calls per sync, all projects).

    openstack_dns_problems{age="1d_7d",problem="error",project_id="…",resource_type="dns_zone"} 1.0
    openstack_dns_problems{age="1h_1d",problem="stuck_pending",project_id="…",
        resource_type="dns_zone"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.dns_zones import DnsZones, Zone


@collector(
    "dns_problems",
    interval=300,
    help="Designate zones in ERROR or stuck PENDING",
    options={"stuck": 1800, **DETAIL_OPTION},
    reads=(DnsZones,),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    return problem_result(
        "openstack_dns_problem",
        "Designate zones in ERROR or stuck PENDING, by project, problem and time since the zone "
        "last changed (Designate zones; collected in background).",
        classify(model[DnsZones], settings.options["stuck"], time.time()),
        settings.options["detail_metrics"],
    )


def classify(zones: Iterable[Zone], stuck: float, now: float) -> list[Finding]:
    found = []
    for z in zones:
        since = z.updated if z.updated is not None else z.created
        if z.status == "ERROR":
            problem = "error"
        elif z.status == "PENDING" and since is not None and now - since > stuck:
            problem = "stuck_pending"
        else:
            continue
        serial = "unknown" if z.serial is None else str(z.serial)
        found.append(
            Finding(
                "dns_zone",
                z.id,
                z.project_id,
                problem,
                z.status,
                since,
                resource_name=z.name,
                detail=f"action {z.action or 'unknown'}, serial {serial}",
            )
        )
    return found
