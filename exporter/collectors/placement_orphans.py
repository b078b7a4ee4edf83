"""Leaked capacity: Placement allocations whose consumer is neither an existing server nor a
migration in progress. The scheduler counts that capacity as used; nobody uses it.

Allocations are read before servers and migrations, so a server booted meanwhile cannot look
leaked; one deleted meanwhile can, for one run — alerts wait longer than that.

Cost per run: 1 + providers calls of ``GET /resource_providers/{uuid}/allocations``, plus
⌈servers / 1000⌉ pages of ``GET /servers?all_tenants=1`` and one ``GET /os-migrations``.

    openstack_placement_orphan_allocations{host="cmp-003"} 1.0
    openstack_placement_orphan_allocation_usage{host="cmp-003",resource_class="VCPU"} 4.0
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from openstack.connection import Connection
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter import listing
from exporter.collectors import CollectorSettings, Finding, Findings, collector
from exporter.connection import require_service

# Migrations whose allocations are gone or moved back to the server (nova api-ref statuses).
FINISHED = {"completed", "confirmed", "reverted", "error", "failed", "cancelled", "done"}
_BG = "(Placement allocations against Nova servers; collected in background)"


@collector(
    "placement_orphans",
    interval=900,
    help="Placement allocations whose consumer no longer exists (leaked capacity)",
    options={"parallel": 4},
    access=(
        ("placement", "/resource_providers"),
        ("placement", "/resource_providers/*/allocations"),
        ("compute", "/v2.1/servers"),
        ("compute", "/v2.1/os-migrations"),
    ),
)
def collect(conn: Connection, settings: CollectorSettings) -> Findings:
    require_service(conn, ("placement",))
    providers = list(conn.placement.resource_providers())
    names = {p.id: p.name for p in providers}
    roots = {p.id: names.get(p.root_provider_id, p.name) for p in providers}

    def allocations(rp_id: str) -> tuple[str, dict]:
        body = conn.placement.get(f"/resource_providers/{rp_id}/allocations").json()
        return rp_id, body.get("allocations") or {}

    with ThreadPoolExecutor(max_workers=max(1, settings.options["parallel"])) as pool:
        by_provider = list(pool.map(allocations, [p.id for p in providers]))
    consumers = {s["id"] for s in listing.servers(conn, detail=False)}
    # Migration records name their allocation consumer by uuid (microversion 2.59).
    consumers |= {m.id for m in conn.compute.migrations() if (m.status or "") not in FINISHED}

    count: Counter[str] = Counter()
    usage: Counter[tuple[str, str]] = Counter()
    found = []
    for rp_id, allocs in by_provider:
        host = roots.get(rp_id, rp_id)
        for consumer, alloc in allocs.items():
            if consumer in consumers:
                continue
            count[host] += 1
            for rc, amount in (alloc.get("resources") or {}).items():
                usage[(host, rc)] += amount
            found.append(
                Finding(
                    "allocation",
                    consumer,
                    "",
                    "orphan_allocation",
                    f"on {names.get(rp_id, rp_id)}",
                    None,
                    host,
                )
            )
    return Findings(orphan_families(count, usage), found)


def orphan_families(count: Counter, usage: Counter) -> list[Metric]:
    n = GaugeMetricFamily(
        "openstack_placement_orphan_allocations",
        f"Allocations on the host whose consumer does not exist {_BG}.",
        labels=["host"],
    )
    amount = GaugeMetricFamily(
        "openstack_placement_orphan_allocation_usage",
        f"Resources those allocations hold, in the class's own unit {_BG}.",
        labels=["host", "resource_class"],
    )
    for host, c in sorted(count.items()):
        n.add_metric([host], c)
    for (host, rc), value in sorted(usage.items()):
        amount.add_metric([host, rc], value)
    return [n, amount]
