"""Designate zones of all projects by status and action: how many are served (``ACTIVE``),
on their way to the DNS servers (``PENDING``) or failed there (``ERROR``), and doing what.

The action says what a ``PENDING`` or ``ERROR`` zone was doing (``CREATE``, ``UPDATE``,
``DELETE``); an ``ACTIVE`` zone has ``NONE`` (older releases left ``CREATE``). The statuses and
actions Designate produces are always exported, at 0 when no zone has them; any other pair
only when a zone has it.

Reads the dns_zones source: ⌈zones / 1000⌉ calls per sync (``GET /v2/zones`` with
``X-Auth-All-Projects: true``). A cloud without Designate is reported as skipped.

    openstack_dns_zones{action="NONE",status="ACTIVE"} 6.0
    openstack_dns_zones{action="UPDATE",status="PENDING"} 2.0
    openstack_dns_zones{action="DELETE",status="ERROR"} 1.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.dns_zones import DnsZones, Zone

# What designate central's update_status leaves a listed zone in (designate central/service.py
# _update_zone_or_record_status): served, or pending or failed while creating, updating or
# deleting.
KNOWN = (
    ("ACTIVE", "NONE"),
    *((s, a) for s in ("PENDING", "ERROR") for a in ("CREATE", "UPDATE", "DELETE")),
)


@collector(
    "dns_zones",
    interval=300,
    help="Designate zones of all projects by status and action",
    reads=(DnsZones,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return [zone_family(model[DnsZones])]


def zone_family(zones: Iterable[Zone]) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_dns_zones",
        "Designate zones of all projects by status and action, the operation a PENDING or "
        "ERROR zone was doing (Designate zones; collected in background).",
        labels=["status", "action"],
    )
    counts: Counter[tuple[str, str]] = Counter({pair: 0 for pair in KNOWN})
    counts.update((z.status, z.action) for z in zones)
    for (status, action), n in sorted(counts.items()):
        fam.add_metric([status, action], n)
    return fam
