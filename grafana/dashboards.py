"""Source of the Grafana dashboards in this folder: `python grafana/dashboards.py` rewrites them.

Dashboards are written here as data, the way monitoring mixins write them in jsonnet, so that
uid, tags, timezone, datasource variable, links and units stay consistent; the JSON files next to
this script are the output, importable as they are. tests/test_dashboards.py checks they match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TAG = "openstack-admin-exporter"
DS = {"type": "prometheus", "uid": "${datasource}"}
JOB = 'job=~"$job"'


def panel(
    kind: str,
    title: str,
    exprs: list[tuple[str, str]],
    unit: str,
    w: int = 12,
    h: int = 8,
    description: str = "",
    **options: Any,
) -> dict[str, Any]:
    targets = [
        {
            "datasource": DS,
            "expr": expr,
            "legendFormat": legend,
            "refId": chr(65 + i),
            **({"instant": True, "format": "table"} if kind == "table" else {}),
        }
        for i, (expr, legend) in enumerate(exprs)
    ]
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DS,
        "targets": targets,
        "gridPos": {"w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit, **options.pop("defaults", {})}, "overrides": []},
        "options": options,
    }


def stat(title: str, expr: str, unit: str, w: int = 6, **kw: Any) -> dict[str, Any]:
    return panel("stat", title, [(expr, "")], unit, w=w, h=4, **kw)


def row(title: str) -> dict[str, Any]:
    """A full-width heading that starts one service's panels."""
    heading = panel("row", title, [], "none", w=24, h=1)
    heading.update(collapsed=False, panels=[])
    return heading


def data_age() -> dict[str, Any]:
    return stat(
        "Data age",
        f"time() - min(openstack_exporter_collector_last_success_timestamp_seconds{{{JOB}}})",
        "s",
        description="Age of the oldest collector's last good data: when it grows, "
        "every panel here shows the past.",
    )


def variable(name: str, query: str, label: str, multi: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DS,
        "query": {"query": query, "refId": name},
        "definition": query,
        "refresh": 2,
        "includeAll": multi,
        "multi": multi,
        "allValue": ".*",
        "sort": 1,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
    }


def dashboard(
    uid: str,
    title: str,
    description: str,
    panels: list[dict[str, Any]],
    extra_vars: list[dict[str, Any]],
) -> dict[str, Any]:
    x = y = row_h = 0
    for i, p in enumerate(panels):
        p["id"] = i + 1
        w, h = p["gridPos"]["w"], p["gridPos"]["h"]
        if x + w > 24:
            x, y, row_h = 0, y + row_h, 0
        p["gridPos"].update({"x": x, "y": y})
        x, row_h = x + w, max(row_h, h)
    templating = [
        {
            "name": "datasource",
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "current": {},
            "hide": 0,
        },
        variable("job", "label_values(openstack_exporter_build_info, job)", "Exporter job"),
        *extra_vars,
    ]
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": [TAG],
        "timezone": "utc",
        "refresh": "1m",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "graphTooltip": 1,
        "time": {"from": "now-6h", "to": "now"},
        "links": [
            {
                "type": "dashboards",
                "tags": [TAG],
                "asDropdown": True,
                "title": "OpenStack dashboards",
                "includeVars": True,
                "keepTime": True,
            }
        ],
        "templating": {"list": templating},
        "panels": panels,
        "annotations": {"list": []},
    }


ZONE = variable("zone", f"label_values(openstack_compute_host_schedulable{{{JOB}}}, zone)", "Zone")
CLASS = variable(
    "resource_class",
    f"label_values(openstack_placement_resource_inventory{{{JOB}}}, resource_class)",
    "Resource class",
)
FLAVOR = variable(
    "flavor", f"label_values(openstack_compute_flavor_info{{{JOB}}}, flavor_name)", "Flavor"
)
AGGREGATE = variable(
    "aggregate",
    f"label_values(openstack_compute_aggregate_host_info{{{JOB}}}, aggregate)",
    "Aggregate",
)

Z = f'{JOB},zone=~"$zone"'
ZC = f'{Z},resource_class=~"$resource_class"'


def capacity() -> dict[str, Any]:
    panels = [
        data_age(),
        stat("Schedulable hosts", f"sum(openstack_compute_host_schedulable{{{Z}}})", "none"),
        stat(
            "Unschedulable hosts",
            f"count(openstack_compute_host_schedulable{{{Z}}} == 0)",
            "none",
            description="Compute hosts disabled, down or forced down.",
        ),
        stat(
            "Public flavors with no room anywhere",
            f"count(flavor:openstack_placement_flavor_free_instances:sum{{{JOB}}} == 0 "
            f'and on (instance, job, flavor_id) openstack_compute_flavor_info{{is_public="true"}})',
            "none",
        ),
        panel(
            "timeseries",
            "Allocated share of schedulable capacity",
            [
                (
                    f"zone_resource_class:openstack_placement_resource_used:ratio{{{ZC}}}",
                    "{{zone}} {{resource_class}}",
                )
            ],
            "percentunit",
            w=12,
            defaults={"min": 0, "max": 1},
        ),
        panel(
            "timeseries",
            "Free instances per flavor and zone",
            [
                (
                    f'zone_flavor:openstack_placement_flavor_free_instances:sum{{{Z},flavor_name=~"$flavor"}}',
                    "{{flavor_name}} in {{zone}}",
                )
            ],
            "none",
            w=12,
        ),
        panel(
            "bargauge",
            "Free instances per flavor (whole cloud, now)",
            [
                (
                    f'flavor:openstack_placement_flavor_free_instances:sum{{{JOB},flavor_name=~"$flavor"}}',
                    "{{flavor_name}}",
                )
            ],
            "none",
            w=12,
            h=10,
            displayMode="basic",
            orientation="horizontal",
        ),
        panel(
            "table",
            "Free instances per host",
            [(f'openstack_placement_flavor_free_instances{{{Z},flavor_name=~"$flavor"}}', "")],
            "none",
            w=12,
            h=10,
        ),
        panel(
            "timeseries",
            "vCPU: schedulable capacity and allocation",
            [
                (
                    f'zone_resource_class:openstack_placement_resource_schedulable_capacity:sum{{{Z},resource_class=~"VCPU|PCPU"}}',
                    "capacity {{zone}} {{resource_class}}",
                ),
                (
                    f'zone_resource_class:openstack_placement_resource_schedulable_usage:sum{{{Z},resource_class=~"VCPU|PCPU"}}',
                    "allocated {{zone}} {{resource_class}}",
                ),
            ],
            "none",
            w=8,
        ),
        panel(
            "timeseries",
            "Memory: schedulable capacity and allocation",
            [
                (
                    f'zone_resource_class:openstack_placement_resource_schedulable_capacity:sum{{{Z},resource_class="MEMORY_MB"}}',
                    "capacity {{zone}}",
                ),
                (
                    f'zone_resource_class:openstack_placement_resource_schedulable_usage:sum{{{Z},resource_class="MEMORY_MB"}}',
                    "allocated {{zone}}",
                ),
            ],
            "mbytes",
            w=8,
        ),
        panel(
            "timeseries",
            "Disk: schedulable capacity and allocation",
            [
                (
                    f'zone_resource_class:openstack_placement_resource_schedulable_capacity:sum{{{Z},resource_class="DISK_GB"}}',
                    "capacity {{zone}}",
                ),
                (
                    f'zone_resource_class:openstack_placement_resource_schedulable_usage:sum{{{Z},resource_class="DISK_GB"}}',
                    "allocated {{zone}}",
                ),
            ],
            "gbytes",
            w=8,
        ),
        panel(
            "table",
            "Hosts per aggregate",
            [(f'openstack_compute_aggregate_host_info{{{JOB},aggregate=~"$aggregate"}}', "")],
            "none",
            w=12,
        ),
        panel(
            "timeseries",
            "Servers per status",
            [(f"sum by (status) (openstack_compute_servers{{{JOB}}})", "{{status}}")],
            "none",
            w=12,
        ),
        panel(
            "bargauge",
            "Block-storage pools: share used",
            [(f"pool:openstack_block_storage_pool_used:ratio{{{JOB}}}", "{{pool}}")],
            "percentunit",
            w=12,
            displayMode="basic",
            orientation="horizontal",
            defaults={"min": 0, "max": 1},
        ),
        panel(
            "bargauge",
            "Block-storage pools: largest new volume",
            [(f"openstack_block_storage_pool_available_bytes{{{JOB}}} < +Inf", "{{pool}}")],
            "bytes",
            w=12,
            displayMode="basic",
            orientation="horizontal",
        ),
        panel(
            "bargauge",
            "External networks (floating IP pools): share used",
            [
                (
                    f"network:openstack_network_ip_used:ratio{{{JOB}}} * on (instance, job, network_id) "
                    f"group_left (network_name) openstack_network_external_network_info",
                    "{{network_name}}",
                )
            ],
            "percentunit",
            w=24,
            h=6,
            displayMode="basic",
            orientation="horizontal",
            defaults={"min": 0, "max": 1},
        ),
        *_images_capacity(),
        *_octavia_capacity(),
        *_inventory(),
    ]
    return dashboard(
        "openstack-admin-capacity",
        "OpenStack / Capacity",
        "How much more the cloud can take, where, and of which flavor.",
        panels,
        [ZONE, CLASS, FLAVOR, AGGREGATE],
    )


def availability() -> dict[str, Any]:
    panels = [
        data_age(),
        stat(
            "Nova services down",
            f"count(openstack_compute_service_up{{{JOB}}} == 0) or vector(0)",
            "none",
        ),
        stat(
            "Cinder services down",
            f"count(openstack_block_storage_service_up{{{JOB}}} == 0) or vector(0)",
            "none",
        ),
        stat(
            "Neutron agents not alive",
            f"count(openstack_network_agent_up{{{JOB}}} == 0) or vector(0)",
            "none",
        ),
        panel(
            "table",
            "Nova services that are down or disabled",
            [
                (
                    f"(openstack_compute_service_up{{{Z}}} == 0) or (openstack_compute_service_enabled{{{Z}}} == 0)",
                    "",
                )
            ],
            "none",
            w=12,
            h=8,
        ),
        panel(
            "table",
            "Why services were disabled",
            [
                (
                    f"openstack_compute_service_disabled_reason_info{{{JOB}}} or "
                    f"openstack_block_storage_service_disabled_reason_info{{{JOB}}}",
                    "",
                )
            ],
            "none",
            w=12,
            h=8,
        ),
        panel(
            "timeseries",
            "Nova services up, per binary",
            [(f"sum by (binary) (openstack_compute_service_up{{{JOB}}})", "{{binary}}")],
            "none",
            w=8,
        ),
        panel(
            "timeseries",
            "Cinder services up, per binary",
            [(f"sum by (binary) (openstack_block_storage_service_up{{{JOB}}})", "{{binary}}")],
            "none",
            w=8,
        ),
        panel(
            "timeseries",
            "Neutron agents alive, per type",
            [(f"sum by (agent_type) (openstack_network_agent_up{{{JOB}}})", "{{agent_type}}")],
            "none",
            w=8,
        ),
        panel(
            "timeseries",
            "Seconds since each compute host's last heartbeat",
            [
                (
                    f'time() - openstack_compute_service_last_seen_timestamp_seconds{{{Z},binary="nova-compute"}}',
                    "{{host}}",
                )
            ],
            "s",
            w=12,
        ),
        panel(
            "state-timeline",
            "API endpoints up",
            [(f"openstack_api_endpoint_up{{{JOB}}}", "{{service_type}} {{interface}}")],
            "none",
            w=12,
        ),
        panel(
            "timeseries",
            "API endpoint response time",
            [
                (
                    f"openstack_api_endpoint_response_seconds{{{JOB}}}",
                    "{{service_type}} {{interface}}",
                )
            ],
            "s",
            w=24,
        ),
        *_octavia_availability(),
        *_heat_availability(),
        *_designate_availability(),
        *_designate_quotas(),
    ]
    return dashboard(
        "openstack-admin-availability",
        "OpenStack / Service availability",
        "Which OpenStack services and agents are up, down or disabled, and whether "
        "every API endpoint answers.",
        panels,
        [ZONE],
    )


def exporter() -> dict[str, Any]:
    C = f'{JOB},collector=~"$collector"'  # noqa: N806
    panels = [
        data_age(),
        stat(
            "Collectors failing",
            f"count(openstack_exporter_collector_success{{{C}}} == 0) or vector(0)",
            "none",
        ),
        stat("Series served", f"sum(openstack_exporter_collector_series{{{C}}})", "none"),
        stat(
            "Exporter version",
            f"openstack_exporter_build_info{{{JOB}}}",
            "none",
            reduceOptions={"fields": "/^version$/", "values": False, "calcs": ["lastNotNull"]},
            textMode="name",
        ),
        panel(
            "state-timeline",
            "Collector success",
            [(f"openstack_exporter_collector_success{{{C}}}", "{{collector}}")],
            "none",
            w=12,
        ),
        panel(
            "timeseries",
            "Data age per collector",
            [
                (
                    f"time() - openstack_exporter_collector_last_success_timestamp_seconds{{{C}}}",
                    "{{collector}}",
                )
            ],
            "s",
            w=12,
        ),
        panel(
            "timeseries",
            "Run duration",
            [(f"openstack_exporter_collector_duration_seconds{{{C}}}", "{{collector}}")],
            "s",
            w=12,
        ),
        panel(
            "timeseries",
            "Failed runs per hour",
            [
                (
                    f"increase(openstack_exporter_collector_failures_total{{{C}}}[1h])",
                    "{{collector}}",
                )
            ],
            "none",
            w=12,
        ),
        panel(
            "timeseries",
            "Series per collector",
            [(f"openstack_exporter_collector_series{{{C}}}", "{{collector}}")],
            "none",
            w=12,
        ),
        panel(
            "timeseries",
            "Exporter memory",
            [(f"process_resident_memory_bytes{{{JOB}}}", "{{instance}}")],
            "bytes",
            w=12,
        ),
    ]
    collector_var = variable(
        "collector",
        f"label_values(openstack_exporter_collector_success{{{JOB}}}, collector)",
        "Collector",
    )
    return dashboard(
        "openstack-admin-exporter",
        "OpenStack / Exporter health",
        "Whether openstack-admin-exporter itself is healthy and its data fresh.",
        panels,
        [collector_var],
    )


def quotas() -> dict[str, Any]:
    Q = f'{JOB},service_type=~"$service_type",resource=~"$resource"'  # noqa: N806
    names = (
        "* on (instance, job, project_id) group_left (project_name) openstack_identity_project_info"
    )
    panels = [
        data_age(),
        stat("Projects", f"count(openstack_identity_project_info{{{JOB}}})", "none"),
        stat(
            "Project quotas above 90%",
            f"count(project_service_resource:openstack_quota_used:ratio{{{Q}}} > 0.9) or vector(0)",
            "none",
        ),
        stat(
            "Disabled projects",
            f"count(openstack_identity_project_enabled{{{JOB}}} == 0) or vector(0)",
            "none",
        ),
        panel(
            "bargauge",
            "Top 15 quota use (share of limit)",
            [
                (
                    f"topk(15, project_service_resource:openstack_quota_used:ratio{{{Q}}} {names})",
                    "{{project_name}} {{service_type}} {{resource}}",
                )
            ],
            "percentunit",
            w=12,
            h=12,
            displayMode="basic",
            orientation="horizontal",
            defaults={"min": 0, "max": 1},
        ),
        panel(
            "table",
            "Projects above 80% of a quota",
            [(f"project_service_resource:openstack_quota_used:ratio{{{Q}}} {names} > 0.8", "")],
            "percentunit",
            w=12,
            h=12,
        ),
        panel(
            "timeseries",
            "Quota use over time, top 10",
            [
                (
                    f"topk(10, project_service_resource:openstack_quota_used:ratio{{{Q}}} {names})",
                    "{{project_name}} {{service_type}} {{resource}}",
                )
            ],
            "percentunit",
            w=12,
        ),
        panel(
            "table",
            "Quotas granted but unused (in use 0, limit above 0)",
            [
                (
                    f"(openstack_quota_limit{{{Q}}} > 0 < +Inf) and on (instance, job, project_id, service_type, resource) "
                    f"(openstack_quota_in_use{{{Q}}} == 0) {names}",
                    "",
                )
            ],
            "none",
            w=12,
            description="Room that could be taken back, e.g. for a project that booted nothing.",
        ),
        panel(
            "timeseries",
            "vCPUs in use, per project (top 10)",
            [
                (
                    f'topk(10, openstack_quota_in_use{{{JOB},service_type="compute",resource="cores"}} {names})',
                    "{{project_name}}",
                )
            ],
            "none",
            w=12,
        ),
        panel(
            "timeseries",
            "Block storage in use, per project (top 10)",
            [
                (
                    f'topk(10, openstack_quota_in_use{{{JOB},service_type="block_storage",resource="gigabytes"}} {names})',
                    "{{project_name}}",
                )
            ],
            "gbytes",
            w=12,
        ),
    ]
    service_var = variable(
        "service_type", f"label_values(openstack_quota_limit{{{JOB}}}, service_type)", "Service"
    )
    resource_var = variable(
        "resource",
        f'label_values(openstack_quota_limit{{{JOB},service_type=~"$service_type"}}, resource)',
        "Resource",
    )
    return dashboard(
        "openstack-admin-quotas",
        "OpenStack / Quotas",
        "Which projects are close to their quota, on which resource, and who has a "
        "quota they never use.",
        panels,
        [service_var, resource_var],
    )


def problems() -> dict[str, Any]:
    names = (
        "* on (instance, job, project_id) group_left (project_name) openstack_identity_project_info"
    )
    all_problems = " or ".join(f"{family}{{{JOB}}}" for family in PROBLEM_FAMILIES)
    panels = [
        data_age(),
        stat(
            "Servers in ERROR",
            f'sum(openstack_compute_server_problems{{{JOB},problem="error"}}) or vector(0)',
            "none",
        ),
        stat(
            "Stuck servers and volumes",
            f'sum(openstack_compute_server_problems{{{JOB},problem=~"stuck_.*"}} or '
            f'openstack_block_storage_problems{{{JOB},problem=~"stuck_.*"}}) or vector(0)',
            "none",
        ),
        stat(
            "Leaked allocations",
            f"sum(openstack_placement_orphan_allocations{{{JOB}}}) or vector(0)",
            "none",
            description="Placement allocations whose consumer no longer exists.",
        ),
        panel(
            "bargauge",
            "Problems by kind",
            [
                (
                    f"sum by (resource_type, problem) ({all_problems})",
                    "{{resource_type}} {{problem}}",
                )
            ],
            "none",
            w=12,
            h=10,
            displayMode="basic",
            orientation="horizontal",
        ),
        panel(
            "bargauge",
            "Projects with the most problems",
            [
                (
                    f"topk(10, sum by (instance, job, project_id) ({all_problems}) {names})",
                    "{{project_name}}",
                )
            ],
            "none",
            w=12,
            h=10,
            displayMode="basic",
            orientation="horizontal",
        ),
        panel(
            "timeseries",
            "Server problems over time",
            [(f"sum by (problem) (openstack_compute_server_problems{{{JOB}}})", "{{problem}}")],
            "none",
            w=12,
        ),
        panel(
            "timeseries",
            "Volume, snapshot and backup problems over time",
            [
                (
                    f"sum by (resource_type, problem) (openstack_block_storage_problems{{{JOB}}})",
                    "{{resource_type}} {{problem}}",
                )
            ],
            "none",
            w=12,
        ),
        panel(
            "table",
            "Problems by age",
            [
                (
                    f"sum by (resource_type, problem, age) (openstack_compute_server_problems{{{JOB}}} or "
                    f"openstack_block_storage_problems{{{JOB}}})",
                    "",
                )
            ],
            "none",
            w=12,
            description="The exporter's /problems page lists each resource's ID, project and age.",
        ),
        panel(
            "bargauge",
            "Leaked capacity per host",
            [
                (
                    f"openstack_placement_orphan_allocation_usage{{{JOB}}}",
                    "{{host}} {{resource_class}}",
                )
            ],
            "none",
            w=12,
            displayMode="basic",
            orientation="horizontal",
        ),
        panel(
            "table",
            "Network waste per project",
            [
                (
                    f"sum by (instance, job, project_id, problem) (openstack_network_problems{{{JOB}}}) {names}",
                    "",
                )
            ],
            "none",
            w=24,
        ),
        *_service_problems(),
    ]
    return dashboard(
        "openstack-admin-problems",
        "OpenStack / Problem resources",
        "What users or the cloud left in a bad state: servers and volumes in error "
        "or stuck, leaked Placement allocations, network waste.",
        panels,
        [],
    )


# -- the services beyond compute, block storage and network: one row each ----------------------

# Every problems family has the same labels (project_id, resource_type, problem, age).
PROBLEM_FAMILIES = (
    "openstack_compute_server_problems",
    "openstack_block_storage_problems",
    "openstack_network_problems",
    "openstack_load_balancer_problems",
    "openstack_load_balancer_amphora_problems",
    "openstack_image_problems",
    "openstack_orchestration_stack_problems",
    "openstack_dns_problems",
)


def _octavia_availability() -> list[dict[str, Any]]:
    down = 'operating_status=~"ERROR|OFFLINE"'
    return [
        row("Load balancers (Octavia)"),
        stat(
            "Load balancers in ERROR",
            f'sum(openstack_load_balancer_loadbalancers{{{JOB},provisioning_status="ERROR"}}) '
            "or vector(0)",
            "none",
        ),
        stat(
            "Amphorae in ERROR",
            f'sum(openstack_load_balancer_amphorae{{{JOB},status="ERROR"}}) or vector(0)',
            "none",
        ),
        stat(
            "Listeners, pools and members down",
            f"sum(openstack_load_balancer_listeners{{{JOB},{down}}}) + "
            f"sum(openstack_load_balancer_pools{{{JOB},{down}}}) + "
            f"sum(openstack_load_balancer_members{{{JOB},{down}}})",
            "none",
            description="Operating status ERROR or OFFLINE (a disabled member is OFFLINE).",
        ),
        stat(
            "Provider drivers",
            f"count(openstack_load_balancer_provider_info{{{JOB}}})",
            "none",
        ),
        panel(
            "timeseries",
            "Load balancers by status",
            [
                (
                    "sum by (provisioning_status, operating_status) "
                    f"(openstack_load_balancer_loadbalancers{{{JOB}}})",
                    "{{provisioning_status}} / {{operating_status}}",
                )
            ],
            "none",
        ),
        panel(
            "timeseries",
            "Amphorae by status",
            [(f"sum by (status) (openstack_load_balancer_amphorae{{{JOB}}})", "{{status}}")],
            "none",
        ),
    ]


def _heat_availability() -> list[dict[str, Any]]:
    return [
        row("Orchestration (Heat)"),
        stat(
            "heat-engine hosts down",
            f"count(openstack_orchestration_service_up{{{JOB}}} == 0) or vector(0)",
            "none",
            description="Hosts where no heat-engine worker reports up.",
        ),
        stat(
            "heat-engine hosts up",
            f"sum(openstack_orchestration_service_up{{{JOB}}})",
            "none",
        ),
        panel(
            "timeseries",
            "heat-engine workers per host and status",
            [
                (
                    f"sum by (host, status) (openstack_orchestration_service_engines{{{JOB}}})",
                    "{{host}} {{status}}",
                )
            ],
            "none",
            w=12,
            description="A crashed worker's record stays down until an engine restarts on its "
            "host or `heat-manage service clean` runs.",
        ),
    ]


def _designate_availability() -> list[dict[str, Any]]:
    return [
        row("DNS (Designate)"),
        stat(
            "Designate services not alive",
            f"count(openstack_dns_service_up{{{JOB}}} == 0) or vector(0)",
            "none",
            description="Status not UP, or a heartbeat older than the exporter's "
            "heartbeat_max_age: a killed service keeps saying UP.",
        ),
        panel(
            "bargauge",
            "Designate services alive, per service",
            [
                (
                    f"sum by (service_name) (openstack_dns_service_up{{{JOB}}}) / "
                    f"count by (service_name) (openstack_dns_service_up{{{JOB}}})",
                    "{{service_name}}",
                )
            ],
            "percentunit",
            w=6,
            displayMode="basic",
            orientation="horizontal",
        ),
        panel(
            "timeseries",
            "Seconds since each Designate service's heartbeat",
            [
                (
                    f"time() - openstack_dns_service_last_seen_timestamp_seconds{{{JOB}}}",
                    "{{service_name}} {{hostname}}",
                )
            ],
            "s",
            w=12,
        ),
    ]


def _images_capacity() -> list[dict[str, Any]]:
    names = (
        "* on (instance, job, project_id) group_left (project_name) openstack_identity_project_info"
    )
    return [
        row("Images (Glance)"),
        stat("Images", f"sum(openstack_image_images{{{JOB}}})", "none"),
        stat(
            "Images without a size yet",
            f"sum(openstack_image_unsized_images{{{JOB}}})",
            "none",
            description="Queued or uploading: left out of every byte count.",
        ),
        panel(
            "timeseries",
            "Image bytes per store",
            [(f"sum by (store) (openstack_image_store_bytes{{{JOB}}})", "{{store}}")],
            "bytes",
            description="Glance reports no store capacity: this is what its images hold, "
            "each copy counted.",
        ),
        panel(
            "timeseries",
            "Image bytes by visibility",
            [
                (
                    f"sum by (visibility, os_hidden) (openstack_image_project_bytes{{{JOB}}})",
                    "{{visibility}} hidden={{os_hidden}}",
                )
            ],
            "bytes",
        ),
        panel(
            "table",
            "Projects holding the most image bytes",
            [
                (
                    "topk(10, sum by (instance, job, project_id) "
                    f"(openstack_image_project_bytes{{{JOB}}})) {names}",
                    "",
                )
            ],
            "bytes",
            w=24,
        ),
    ]


def _octavia_capacity() -> list[dict[str, Any]]:
    return [
        row("Load balancers (Octavia)"),
        stat(
            "Spare amphorae ready",
            f'sum(openstack_load_balancer_amphorae{{{JOB},status="READY"}}) or vector(0)',
            "none",
            description="Octavia's spare pool: failovers take from it.",
        ),
        panel(
            "bargauge",
            "Amphorae in service, by role",
            [
                (
                    f'sum by (role) (openstack_load_balancer_amphorae{{{JOB},status="ALLOCATED"}})',
                    "{{role}}",
                )
            ],
            "none",
            w=18,
            h=4,
            displayMode="basic",
            orientation="horizontal",
        ),
    ]


def _inventory() -> list[dict[str, Any]]:
    return [
        row("Stacks and DNS zones"),
        panel(
            "timeseries",
            "Heat stacks by status",
            [(f"sum by (status) (openstack_orchestration_stacks{{{JOB}}})", "{{status}}")],
            "none",
        ),
        panel(
            "timeseries",
            "DNS zones by status",
            [(f"sum by (status) (openstack_dns_zones{{{JOB}}})", "{{status}}")],
            "none",
        ),
    ]


def _designate_quotas() -> list[dict[str, Any]]:
    return [
        row("DNS (Designate)"),
        panel(
            "bargauge",
            "Projects with the most DNS zones",
            [
                (
                    f'topk(10, openstack_dns_quota_in_use{{{JOB},resource="zones"}}) '
                    "* on (instance, job, project_id) group_left (project_name) "
                    "openstack_identity_project_info",
                    "{{project_name}}",
                )
            ],
            "none",
            w=24,
            displayMode="basic",
            orientation="horizontal",
            description="Designate limits are read only with the opt-in dns_quota_limits "
            "collector (a call per project).",
        ),
    ]


def _service_problems() -> list[dict[str, Any]]:
    def count(title: str, family: str) -> dict[str, Any]:
        return stat(title, f"sum({family}{{{JOB}}}) or vector(0)", "none", w=4)

    return [
        row("Load balancers, images, stacks and DNS zones"),
        count("Load balancers in ERROR or stuck", "openstack_load_balancer_problems"),
        count("Amphorae with a problem", "openstack_load_balancer_amphora_problems"),
        count("Images stuck or killed", "openstack_image_problems"),
        count("Stacks failed or stuck", "openstack_orchestration_stack_problems"),
        count("DNS zones in ERROR or stuck", "openstack_dns_problems"),
        panel(
            "timeseries",
            "Their problems over time",
            [
                (
                    "sum by (resource_type, problem) ("
                    + " or ".join(f"{f}{{{JOB}}}" for f in PROBLEM_FAMILIES[3:])
                    + ")",
                    "{{resource_type}} {{problem}}",
                )
            ],
            "none",
            w=24,
        ),
    ]


DASHBOARDS = {
    "capacity.json": capacity,
    "availability.json": availability,
    "quotas.json": quotas,
    "problems.json": problems,
    "exporter.json": exporter,
}


def render(build: Any) -> str:
    return json.dumps(build(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    for name, build in DASHBOARDS.items():
        (HERE / name).write_text(render(build), encoding="utf-8")
