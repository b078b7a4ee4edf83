"""Quota usage per project and resource, counted from the bulk listings the sources keep.

The figures the quota APIs report as in_use, counted without a per-project call:
- compute: servers of all projects (instances; cores and ram from each server's embedded
  flavor, microversion ≥ 2.47, or the flavor list when Nova omits them) and server groups;
- block storage: volumes, snapshots and backups of all projects (volumes, gigabytes — volumes
  plus snapshots, as Cinder counts them unless no_snapshot_gb_quota is set — snapshots, backups,
  backup_gigabytes, and the per-volume-type variants);
- network: networks, subnets, ports, routers, floating IPs, security groups and rules;
- load balancer: load balancers, listeners, pools; members and health monitors from the pools
  listing (a pool lists its members' IDs and its one health monitor's), L7 policies from the
  listeners listing (each lists its policies' IDs). Octavia has no usage API: its in_use
  counters (objects not yet deleted) are compared with the demo cloud's own count. L7 rules
  are not counted (that needs every policy's rules), so they have a limit and no usage series.
Tests compare them with the quota APIs' in_use on the demo cloud. Block storage, network and
load balancers are counted where the cloud deploys them (their sources are optional).

Shared file systems are the exception: Manila's usage is taken from its quota API, which the
shared_file_system_quotas source reads for the projects that own shares (one call per project
an hour, capped; its docstring states the cost) — the same call gives the limits. Projects it
has not read have no Manila series; ``per_share_gigabytes`` is a per-share size cap, not a
usage, and is left out.

No API call of its own: it reads the projects, servers, server_groups, flavors, volumes,
snapshots, backups, the Neutron and the Octavia sources (their docstrings state their cost;
servers and volumes follow deltas).

    openstack_quota_in_use{project_id="…",resource="cores",service_type="compute"} 16.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources._neutron import RecordSource
from exporter.sources.backups import Backups
from exporter.sources.flavors import Flavors
from exporter.sources.floating_ips import FloatingIps
from exporter.sources.load_balancer_listeners import LoadBalancerListeners
from exporter.sources.load_balancer_pools import LoadBalancerPools
from exporter.sources.load_balancers import LoadBalancers
from exporter.sources.networks import Networks
from exporter.sources.ports import Ports
from exporter.sources.projects import PROJECT_OPTIONS, Projects, select_projects
from exporter.sources.routers import Routers
from exporter.sources.security_group_rules import SecurityGroupRules
from exporter.sources.security_groups import SecurityGroups
from exporter.sources.server_groups import ServerGroups
from exporter.sources.servers import Servers
from exporter.sources.shared_file_system_quotas import SharedFileSystemQuotas, ShareQuotaSet
from exporter.sources.snapshots import Snapshots
from exporter.sources.subnets import Subnets
from exporter.sources.volumes import Volumes

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
LOAD_BALANCER = ("loadbalancer", "listener", "pool", "member", "healthmonitor", "l7policy")
Usage = Counter[tuple[str, str, str]]


@collector(
    "quota_usage",
    interval=300,
    help="Quota usage per project, counted from bulk listings",
    options=PROJECT_OPTIONS,
    reads=(Projects, Servers, ServerGroups, Flavors),
    reads_optional=(
        Volumes,
        Snapshots,
        Backups,
        Networks,
        Subnets,
        Ports,
        Routers,
        FloatingIps,
        SecurityGroups,
        SecurityGroupRules,
        LoadBalancers,
        LoadBalancerListeners,
        LoadBalancerPools,
        SharedFileSystemQuotas,
    ),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    projects = [p.id for p in select_projects(model[Projects], settings.options)]
    usage: Usage = compute_usage(model)
    resources: dict[str, list[str]] = {"compute": list(COMPUTE)}
    if model.get(Volumes) is not None:
        counted, types = block_storage_usage(model)
        usage.update(counted)
        resources["block_storage"] = [*BLOCK_STORAGE] + [
            f"{res}_{t}" for t in sorted(types) for res in ("volumes", "gigabytes", "snapshots")
        ]
    if model.get(Networks) is not None:
        usage.update(network_usage(model))
        resources["network"] = list(NETWORK)
    if model.get(LoadBalancers) is not None:
        usage.update(load_balancer_usage(model))
        resources["load_balancer"] = list(LOAD_BALANCER)
    return [usage_family(usage, projects, resources, model.get(SharedFileSystemQuotas))]


def compute_usage(model: Model) -> Usage:
    out: Usage = Counter()
    sizes = {str(f["id"]): (f.get("vcpus") or 0, f.get("ram") or 0) for f in model[Flavors]}
    for server in model[Servers].servers.values():
        vcpus, ram = server.vcpus, server.ram
        if vcpus is None or ram is None:  # a flavor since deleted can lack its sizes
            vcpus, ram = sizes.get(server.flavor_id, (0, 0))
        pid = server.project_id
        out[(pid, "compute", "instances")] += 1
        out[(pid, "compute", "cores")] += int(vcpus)
        out[(pid, "compute", "ram")] += int(ram)
    for pid, n in model[ServerGroups].items():
        out[(pid, "compute", "server_groups")] += n
    return out


def block_storage_usage(model: Model) -> tuple[Usage, set[str]]:
    out: Usage = Counter()
    types: set[str] = set()

    def add(pid: str, resource: str, amount: int, vtype: str | None = None) -> None:
        out[(pid, "block_storage", resource)] += amount
        if vtype:
            types.add(vtype)
            out[(pid, "block_storage", f"{resource}_{vtype}")] += amount

    volumes = model[Volumes].volumes
    for vol in volumes.values():
        add(vol.project_id, "volumes", 1, vol.volume_type)
        add(vol.project_id, "gigabytes", vol.size, vol.volume_type)
    for snap in model.get(Snapshots) or ():
        vol = volumes.get(snap.volume_id)
        vtype = vol.volume_type if vol is not None else None
        add(snap.project_id, "snapshots", 1, vtype)
        add(snap.project_id, "gigabytes", snap.size, vtype)
    for backup in model.get(Backups) or ():
        add(backup.project_id, "backups", 1)
        add(backup.project_id, "backup_gigabytes", backup.size)
    return out, types


def network_usage(model: Model) -> Usage:
    out: Usage = Counter()
    counts: dict[str, Mapping[str, int] | None] = {
        "subnet": model.get(Subnets),
        "security_group": model.get(SecurityGroups),
        "security_group_rule": model.get(SecurityGroupRules),
    }
    listed: dict[str, type[RecordSource[Any]]] = {
        "network": Networks,
        "port": Ports,
        "router": Routers,
        "floatingip": FloatingIps,
    }
    for resource, source in listed.items():
        listing = model.get(source)
        counts[resource] = None if listing is None else listing.per_project
    for resource, per_project in counts.items():
        for pid, n in (per_project or {}).items():
            out[(pid, "network", resource)] += n
    return out


def load_balancer_usage(model: Model) -> Usage:
    out: Usage = Counter()
    for lb in model.get(LoadBalancers) or ():
        out[(lb.project_id, "load_balancer", "loadbalancer")] += 1
    for listener in model.get(LoadBalancerListeners) or ():
        out[(listener.project_id, "load_balancer", "listener")] += 1
        out[(listener.project_id, "load_balancer", "l7policy")] += listener.l7policies
    for pool in model.get(LoadBalancerPools) or ():
        out[(pool.project_id, "load_balancer", "pool")] += 1
        out[(pool.project_id, "load_balancer", "member")] += len(pool.member_ids)
        out[(pool.project_id, "load_balancer", "healthmonitor")] += bool(pool.healthmonitor_id)
    return out


def usage_family(
    usage: Usage,
    projects: list[str],
    resources: dict[str, list[str]],
    shares: ShareQuotaSet | None = None,
) -> Metric:
    fam = GaugeMetricFamily(
        "openstack_quota_in_use",
        "Amount of the resource the project uses, as its quota counts it, in the service's own "
        "unit (ram: MiB, gigabytes: GiB, others: counts) (bulk listings; Manila: its quota "
        "API; collected in background).",
        labels=["project_id", "service_type", "resource"],
    )
    for pid in projects:
        for service, names in sorted(resources.items()):
            for resource in names:
                fam.add_metric([pid, service, resource], usage.get((pid, service, resource), 0))
        if shares is not None and pid in shares.projects:
            for resource, _, in_use in shares.projects[pid].resources:
                if in_use is not None and resource != "per_share_gigabytes":
                    fam.add_metric([pid, "shared_file_system", resource], in_use)
    return fam
