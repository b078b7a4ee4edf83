"""The demo cloud's capacity model: Placement providers, flavors, aggregates, servers, pools, IPs.

Servers hold Placement allocations the way Nova makes them, so usages follow boots and deletes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(slots=True)
class Inventory:
    total: int
    reserved: int = 0
    allocation_ratio: float = 1.0
    min_unit: int = 1
    max_unit: int | None = None  # None: the total, as Nova reports it
    step_size: int = 1

    def body(self) -> dict[str, float | int]:
        return {
            "allocation_ratio": self.allocation_ratio,
            "max_unit": self.total if self.max_unit is None else self.max_unit,
            "min_unit": self.min_unit,
            "reserved": self.reserved,
            "step_size": self.step_size,
            "total": self.total,
        }

    @property
    def capacity(self) -> float:
        return (self.total - self.reserved) * self.allocation_ratio


@dataclass(slots=True)
class Provider:
    uuid: str
    name: str
    parent_uuid: str | None
    root_uuid: str
    inventories: dict[str, Inventory] = field(default_factory=dict)
    traits: set[str] = field(default_factory=set)
    aggregates: set[str] = field(default_factory=set)  # Placement aggregate UUIDs
    generation: int = 1


@dataclass(slots=True)
class Flavor:
    id: str
    name: str
    vcpus: int
    ram: int  # MiB
    disk: int  # GiB
    ephemeral: int = 0
    swap: int = 0  # MiB
    is_public: bool = True
    extra_specs: dict[str, str] = field(default_factory=dict)
    description: str | None = None

    def placement_request(self) -> dict[str, int]:
        """What Nova asks of Placement for this flavor (nova.scheduler.utils, simplified)."""
        pcpu = self.extra_specs.get("hw:cpu_policy") == "dedicated"
        req = {
            "PCPU" if pcpu else "VCPU": self.vcpus,
            "MEMORY_MB": self.ram,
            "DISK_GB": self.disk + self.ephemeral + math.ceil(self.swap / 1024),
        }
        for key, value in self.extra_specs.items():
            if key.startswith("resources:"):
                req[key.removeprefix("resources:")] = int(value)
        return {rc: amount for rc, amount in req.items() if amount > 0}

    def traits(self) -> tuple[set[str], set[str]]:
        required = {
            k[6:] for k, v in self.extra_specs.items() if k.startswith("trait:") and v == "required"
        }
        forbidden = {
            k[6:]
            for k, v in self.extra_specs.items()
            if k.startswith("trait:") and v == "forbidden"
        }
        return required, forbidden


@dataclass(slots=True)
class Aggregate:
    id: int
    uuid: str
    name: str
    zone: str | None
    hosts: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Server:
    id: str
    name: str
    project_id: str
    user_id: str
    flavor_id: str
    host: str | None
    status: str = "ACTIVE"
    task_state: str | None = None
    vm_state: str = "active"
    created: float = 0.0
    updated: float = 0.0


@dataclass(slots=True)
class Migration:
    """A Nova migration record; while unfinished, its uuid holds the source allocations."""

    id: int
    uuid: str
    server_id: str
    source: str
    dest: str
    migration_type: str  # migration, live-migration, resize
    status: str
    old_flavor_id: str
    new_flavor_id: str
    created: float
    updated: float


@dataclass(slots=True)
class Pool:
    name: str  # host@backend#pool
    total_gb: float | str
    free_gb: float | str
    allocated_gb: float = 0
    provisioned_gb: float = 0
    reserved_percentage: int = 0
    max_over_subscription_ratio: float = 1.0
    thin: bool = False
    thick: bool = True
    protocol: str = "iSCSI"
    vendor: str = "Open Source"
    driver_version: str = "3.0.0"


@dataclass(slots=True)
class Subnet:
    id: str
    name: str
    cidr: str
    ip_version: int
    total_ips: int
    used_ips: int


@dataclass(slots=True)
class Network:
    id: str
    name: str
    project_id: str
    external: bool
    subnets: list[Subnet] = field(default_factory=list)


@dataclass(slots=True)
class Project:
    id: str
    name: str
    domain_id: str = "default"
    enabled: bool = True
    description: str = ""


def fits(provider: Provider, usage: dict[str, int], rc: str, amount: int) -> bool:
    """Could Placement allocate ``amount`` of ``rc`` from this provider (one allocation)?"""
    inv = provider.inventories.get(rc)
    if inv is None:
        return False
    max_unit = inv.total if inv.max_unit is None else inv.max_unit
    if amount < inv.min_unit or amount > max_unit or amount % inv.step_size:
        return False
    return usage.get(rc, 0) + amount <= inv.capacity


@dataclass(slots=True)
class Volume:
    id: str
    name: str
    project_id: str
    size: int  # GiB
    volume_type: str
    status: str = "available"
    server_id: str | None = None
    created: float = 0.0
    updated: float = 0.0


@dataclass(slots=True)
class Snapshot:
    id: str
    volume_id: str
    project_id: str
    size: int
    volume_type: str
    status: str = "available"
    created: float = 0.0
    updated: float = 0.0


@dataclass(slots=True)
class Backup:
    id: str
    volume_id: str
    project_id: str
    size: int
    status: str = "available"
    created: float = 0.0
    updated: float = 0.0


@dataclass(slots=True)
class Port:
    id: str
    project_id: str
    network_id: str
    device_id: str
    device_owner: str
    status: str = "ACTIVE"


@dataclass(slots=True)
class Router:
    id: str
    name: str
    project_id: str
    gateway_network_id: str | None


@dataclass(slots=True)
class FloatingIP:
    id: str
    project_id: str
    network_id: str
    address: str
    port_id: str | None = None


@dataclass(slots=True)
class SecurityGroup:
    id: str
    name: str
    project_id: str
    rules: int = 4


# Defaults as the services ship them (nova.conf [quota], cinder.conf, neutron.conf).
QUOTA_DEFAULTS: dict[str, dict[str, int]] = {
    "compute": {
        "instances": 10,
        "cores": 20,
        "ram": 51200,
        "key_pairs": 100,
        "metadata_items": 128,
        "server_groups": 10,
        "server_group_members": 10,
    },
    "block_storage": {
        "volumes": 10,
        "gigabytes": 1000,
        "snapshots": 10,
        "backups": 10,
        "backup_gigabytes": 1000,
        "per_volume_gigabytes": -1,
        "groups": 10,
    },
    "network": {
        "network": 100,
        "subnet": 100,
        "port": 500,
        "router": 10,
        "floatingip": 50,
        "security_group": 10,
        "security_group_rule": 100,
        "subnetpool": -1,
        "rbac_policy": 10,
    },
}
