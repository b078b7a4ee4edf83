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
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.capacity import PLACEMENT_MICROVERSION
from exporter.collectors import Api, CollectorSettings, Finding, Findings, collector
from exporter.collectors._servers import servers

# Migrations whose allocations are gone or moved back to the server (nova api-ref statuses).
FINISHED = {"completed", "confirmed", "reverted", "error", "failed", "cancelled", "done"}
# Migrations carry their uuid (the allocation consumer) and page by marker from 2.59.
# https://docs.openstack.org/api-ref/compute/#list-migrations
MIGRATION_MICROVERSION = "2.59"
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
def collect(api: Api, settings: CollectorSettings) -> Findings:
    api.require_service(("placement",))
    mv = PLACEMENT_MICROVERSION
    providers = api.get("placement", "/resource_providers", "resource_providers", microversion=mv)
    names = {p["uuid"]: p.get("name") or p["uuid"] for p in providers}
    roots = {p["uuid"]: names.get(p.get("root_provider_uuid"), names[p["uuid"]]) for p in providers}

    def allocations(rp_id: str) -> tuple[str, dict[str, Any]]:
        path = f"/resource_providers/{rp_id}/allocations"
        return rp_id, api.get("placement", path, "allocations", dict, microversion=mv)

    by_provider = api.parallel(
        allocations, [p["uuid"] for p in providers], settings.options["parallel"]
    )
    consumers = {s["id"] for s in servers(api, detail=False)}
    # Migration records name their allocation consumer by uuid (microversion 2.59).
    consumers |= {
        m["uuid"]
        for m in api.pages(
            "compute", "/os-migrations", "migrations", microversion=MIGRATION_MICROVERSION
        )
        if str(m.get("status") or "") not in FINISHED
    }

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
