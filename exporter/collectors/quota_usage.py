"""Quota usage per project and resource, counted from bulk listings instead of per-project calls.

Usage changes often, so it is counted here every few minutes from listings whose cost grows with
the number of resources (pages), not with the number of projects:
- compute: servers of all projects (instances; cores and ram from each server's embedded flavor,
  microversion ≥ 2.47) and server groups;
- block storage: volumes, snapshots and backups of all projects (volumes, gigabytes — volumes
  plus snapshots, as Cinder counts them unless no_snapshot_gb_quota is set — snapshots, backups,
  backup_gigabytes, and the per-volume-type variants);
- network: networks, subnets, ports, routers, floating IPs, security groups and rules.
These are the figures the quota APIs report as in_use; tests compare both on the demo cloud.

Cost per run: 1 (projects) + Σ pages of 14 listings (Nova pages hold up to 1,000 servers;
Neutron and Cinder list in one page unless the cloud caps them). 10,000 projects with 50,000
servers cost about 70 calls per run.

    openstack_quota_in_use{project_id="…",resource="cores",service_type="compute"} 16.0
"""

from __future__ import annotations

from collections import Counter

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.api import ApiError
from exporter.collectors import Api, CollectorSettings, collector
from exporter.collectors._projects import PROJECT_OPTIONS, select_projects
from exporter.collectors._servers import servers
from exporter.collectors.block_storage_problems import PROJECT_KEYS, cinder_list
from exporter.collectors.block_storage_services import SERVICE_TYPES as VOLUME_TYPES
from exporter.collectors.compute_flavors import list_flavors

COMPUTE = ("instances", "cores", "ram", "server_groups")
BLOCK_STORAGE = ("volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes")
NETWORK = (
    "network",
    "subnet",
    "port",
    "router",
    "floatingip",
    "security_group",
    "security_group_rule",
)


@collector(
    "quota_usage",
    interval=300,
    help="Quota usage per project, counted from bulk listings",
    options={**PROJECT_OPTIONS, "page_size": 1000},
    access=(
        ("identity", "/v3/projects"),
        ("identity", "/v3/domains"),
        ("compute", "/v2.1/servers/detail"),
        ("compute", "/v2.1/os-server-groups"),
        ("compute", "/v2.1/flavors/detail"),
        ("block-storage", "/v3/*/volumes/detail"),
        ("block-storage", "/v3/*/snapshots/detail"),
        ("block-storage", "/v3/*/backups/detail"),
        *(
            ("network", f"/v2.0/{r}")
            for r in (
                "networks",
                "subnets",
                "ports",
                "routers",
                "floatingips",
                "security-groups",
                "security-group-rules",
            )
        ),
    ),
)
def collect(api: Api, settings: CollectorSettings) -> list[Metric]:
    projects = [p.id for p in select_projects(api, settings.options)]
    present = {ep.service_type for ep in api.catalog()}
    usage: Counter[tuple[str, str, str]] = Counter()
    resources: dict[str, list[str]] = {}
    if "compute" in present:
        usage.update(compute_usage(api, settings.options["page_size"]))
        resources["compute"] = list(COMPUTE)
    if present & set(VOLUME_TYPES):
        counted, types = block_storage_usage(api)
        usage.update(counted)
        resources["block_storage"] = [*BLOCK_STORAGE] + [
            f"{res}_{t}" for t in sorted(types) for res in ("volumes", "gigabytes", "snapshots")
        ]
    if "network" in present:
        usage.update(network_usage(api, settings.options["page_size"]))
        resources["network"] = list(NETWORK)
    return [usage_family(usage, projects, resources)]


def compute_usage(api: Api, page_size: int) -> Counter:
    out: Counter[tuple[str, str, str]] = Counter()
    sizes: dict[str, tuple[int, int]] | None = None
    for server in servers(api, page_size):
        pid = server.get("tenant_id") or ""
        flavor = server.get("flavor") or {}
        vcpus, ram = flavor.get("vcpus"), flavor.get("ram")
        if vcpus is None or ram is None:  # a flavor since deleted can lack its sizes
            if sizes is None:
                sizes = {
                    str(f["id"]): (f.get("vcpus") or 0, f.get("ram") or 0)
                    for f in list_flavors(api)
                }
            vcpus, ram = sizes.get(flavor.get("id"), (0, 0))
        out[(pid, "compute", "instances")] += 1
        out[(pid, "compute", "cores")] += int(vcpus)
        out[(pid, "compute", "ram")] += int(ram)
    for group in server_groups(api, page_size):
        out[(str(group.get("project_id") or ""), "compute", "server_groups")] += 1
    return out


# Server groups carry their project_id from 2.13.
# https://docs.openstack.org/api-ref/compute/#list-server-groups
SERVER_GROUP_MICROVERSION = "2.13"


def server_groups(api: Api, page_size: int) -> list[dict]:
    """Server groups of all projects. Nova pages this list by offset, with no next link, and
    cuts it at max_limit: a full page means there may be more."""
    out: list[dict] = []
    while True:
        page = api.get(
            "compute",
            "/os-server-groups",
            "server_groups",
            params={"all_projects": "True", "limit": page_size, "offset": len(out)},
            microversion=SERVER_GROUP_MICROVERSION,
        )
        out.extend(page)
        if len(page) < page_size:
            return out
        if len(out) >= api.max_pages * page_size:
            raise ApiError("compute", "/os-server-groups", "pagination never ends")


def block_storage_usage(api: Api) -> tuple[Counter, set[str]]:
    out: Counter[tuple[str, str, str]] = Counter()
    types: set[str] = set()
    volume_type: dict[str, str] = {}

    def add(pid: str, resource: str, amount: int, vtype: str | None = None) -> None:
        out[(pid, "block_storage", resource)] += amount
        if vtype:
            types.add(vtype)
            out[(pid, "block_storage", f"{resource}_{vtype}")] += amount

    for vol in cinder_list(api, "volumes"):
        pid, vtype = str(vol.get(PROJECT_KEYS["volume"]) or ""), vol.get("volume_type")
        volume_type[str(vol["id"])] = vtype or ""
        add(pid, "volumes", 1, vtype)
        add(pid, "gigabytes", int(vol.get("size") or 0), vtype)
    for snap in cinder_list(api, "snapshots"):
        pid = str(snap.get(PROJECT_KEYS["snapshot"]) or "")
        vtype = volume_type.get(snap.get("volume_id"))
        add(pid, "snapshots", 1, vtype)
        add(pid, "gigabytes", int(snap.get("size") or 0), vtype)
    for backup in cinder_list(api, "backups"):
        pid = str(backup.get(PROJECT_KEYS["backup"]) or "")
        add(pid, "backups", 1)
        add(pid, "backup_gigabytes", int(backup.get("size") or 0))
    return out, types


def network_usage(api: Api, page_size: int) -> Counter:
    out: Counter[tuple[str, str, str]] = Counter()
    listings = {  # quota resource -> (path, response key)
        "network": ("/networks", "networks"),
        "subnet": ("/subnets", "subnets"),
        "port": ("/ports", "ports"),
        "router": ("/routers", "routers"),
        "floatingip": ("/floatingips", "floatingips"),
        "security_group": ("/security-groups", "security_groups"),
        "security_group_rule": ("/security-group-rules", "security_group_rules"),
    }
    for resource, (path, key) in listings.items():
        # Only the owner is needed: ask Neutron for that field alone.
        for item in api.pages("network", path, key, {"fields": "project_id"}, page_size=page_size):
            out[(item.get("project_id") or "", "network", resource)] += 1
    return out


def usage_family(usage: Counter, projects: list[str], resources: dict[str, list[str]]) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_quota_in_use",
        "Amount of the resource the project uses, as its quota counts it, in the service's own "
        "unit (ram: MiB, gigabytes: GiB, others: counts) (bulk listings; collected in "
        "background).",
        labels=["project_id", "service_type", "resource"],
    )
    for pid in projects:
        for service, names in sorted(resources.items()):
            for resource in names:
                fam.add_metric([pid, service, resource], usage.get((pid, service, resource), 0))
    return fam
