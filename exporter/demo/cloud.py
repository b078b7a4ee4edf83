"""State of the synthetic cloud. Tests and the benchmark change it; the server renders it.

Everything is plain data under one lock. Each service's part (its change methods) is a mixin in
its module under ``services/``; the seeded start is ``scenario.py``, fault injection
``faults.py``. What stays here spans the services: hosts joining and leaving, quotas.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable

from exporter.demo import scenario
from exporter.demo.capacity import (
    QUOTA_DEFAULTS,
    Aggregate,
    Backup,
    Flavor,
    FloatingIP,
    Inventory,
    Migration,
    Network,
    Pool,
    Port,
    Project,
    Provider,
    Router,
    SecurityGroup,
    Server,
    Snapshot,
    Volume,
)
from exporter.demo.faults import Fault, FaultsState
from exporter.demo.services import CATALOG, STATES
from exporter.demo.services.block_storage import VolumeService
from exporter.demo.services.compute import ComputeService
from exporter.demo.services.network import Agent


class DemoCloud(FaultsState, *STATES):
    """A cloud of ``hosts`` compute hosts with a few services down or disabled.

    ``services`` picks which APIs the catalog offers (a cloud without Cinder or Neutron is normal).
    """

    SERVICES = tuple(CATALOG)

    def __init__(
        self,
        hosts: int = 12,
        *,
        projects: int = 8,
        seed: int = 42,
        services: tuple[str, ...] = SERVICES,
        username: str = "admin",
        password: str | None = None,
    ) -> None:
        self.lock = threading.RLock()
        # The clock changes are stamped with; a benchmark replaying an hour in minutes sets it.
        self.clock: Callable[[], float] | None = None
        self.rng = random.Random(seed)
        self.services = services
        self.username = username
        self.password = password or uuid.UUID(int=self.rng.getrandbits(128)).hex
        self.project_id = self._uuid()
        self.user_id = self._uuid()
        self.tokens: set[str] = set()
        self.system_tokens: set[str] = set()  # the subset of tokens scoped to the system
        self.faults: dict[str, Fault] = {}
        self.faults_served: Counter[str] = Counter()  # prefix -> requests a fault was applied to
        # Delayed and hung requests wait on this; clear_faults() and DemoServer.stop() wake them.
        self.faults_changed = threading.Condition(self.lock)
        # (method, path) -> raw body served verbatim, for upstream samples in tests.
        self.overrides: dict[tuple[str, str], object] = {}
        self.requests = 0
        self.requests_by_path: Counter[str] = Counter()
        self.compute_services: list[ComputeService] = []
        self.volume_services: list[VolumeService] = []
        self.agents: list[Agent] = []
        self.projects: list[Project] = []
        self.providers: dict[str, Provider] = {}
        self.flavors: list[Flavor] = []
        self.aggregates: list[Aggregate] = []
        self.servers: list[Server] = []
        # Deleted servers as Nova keeps them (status DELETED): listed with changes-since only.
        self.deleted_servers: list[Server] = []
        self.migrations: list[Migration] = []
        # consumer UUID -> provider UUID -> resource class -> amount, as Placement keeps them.
        self.allocations: dict[str, dict[str, dict[str, int]]] = {}
        self._used: dict[str, dict[str, int]] = {}  # provider UUID -> class -> sum of the above
        self._by_name: dict[str, Provider] = {}
        self.pools: list[Pool] = []
        self.networks: list[Network] = []
        self.volumes: list[Volume] = []
        self.snapshots: list[Snapshot] = []
        self.backups: list[Backup] = []
        self.ports: list[Port] = []
        self.routers: list[Router] = []
        self.floating_ips: list[FloatingIP] = []
        self.security_groups: list[SecurityGroup] = []
        self.server_groups: dict[str, str] = {}  # id -> project_id
        # service -> project -> resource -> limit; absent: the default applies.
        self.quota_defaults = {svc: dict(d) for svc, d in QUOTA_DEFAULTS.items()}
        self.quota_overrides: dict[str, dict[str, dict[str, int]]] = {s: {} for s in QUOTA_DEFAULTS}
        # Keystone unified limits: (service_type, resource) -> default; (project, ...) -> limit.
        self.registered_limits: dict[tuple[str, str], int] = {}
        self.project_limits: dict[tuple[str, str, str], int] = {}
        scenario.generate(self, hosts, projects)
        # Services added after the seeded scenario seed their own part, each from a generator
        # of its own, so that adding one changes none of the others' data (or golden files).
        for state in STATES:
            seed_service = vars(state).get("seed")
            if seed_service is not None:
                seed_service(self, random.Random(f"{seed}:{state.__name__}"), hosts, projects)

    def now(self) -> float:
        return self.clock() if self.clock is not None else time.time()

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add_host(self, host: str, zone: str = "az1") -> Provider:
        """A new compute host joins: its nova-compute, agent, provider and zone aggregate."""
        with self.lock:
            self.add_compute_service("nova-compute", host, zone)
            self.add_agent("neutron-openvswitch-agent", host, zone=None)
            root = self._add_provider(host, None)
            root.traits.update({"HW_CPU_X86_AVX2", "COMPUTE_NODE"})
            root.inventories["VCPU"] = Inventory(64, allocation_ratio=4.0)
            root.inventories["MEMORY_MB"] = Inventory(262144, reserved=4096)
            root.inventories["DISK_GB"] = Inventory(1800)
            for agg in self.aggregates:
                if agg.zone == zone:
                    agg.hosts.append(host)
                    root.aggregates.add(agg.uuid)
            return root

    def remove_host(self, host: str) -> None:
        """The host is decommissioned: its services, agents, servers and providers leave."""
        with self.lock:
            self.compute_services = [s for s in self.compute_services if s.host != host]
            self.volume_services = [s for s in self.volume_services if s.host != host]
            self.agents = [a for a in self.agents if a.host != host]
            for server in [s for s in self.servers if s.host == host]:
                self.delete_server(server.id)
            root = self.provider_by_name(host)
            if root is not None:
                for uuid_ in [p.uuid for p in self.providers.values() if p.root_uuid == root.uuid]:
                    del self.providers[uuid_]
                    self._used.pop(uuid_, None)
            for agg in self.aggregates:
                if host in agg.hosts:
                    agg.hosts.remove(host)

    def set_quota(self, service: str, project_id: str, **limits: int) -> None:
        with self.lock:
            self.quota_overrides[service].setdefault(project_id, {}).update(limits)

    def quota_limit(self, service: str, project_id: str, resource: str) -> int:
        return (
            self.quota_overrides[service]
            .get(project_id, {})
            .get(resource, self.quota_defaults[service].get(resource, -1))
        )

    def quota_usage(self, service: str, project_id: str) -> dict[str, int]:
        """In-use figures as each service's quota API reports them for the project."""
        if service == "compute":
            return self.compute_quota_usage(project_id)
        if service == "block_storage":
            return self.block_storage_quota_usage(project_id)
        return self.network_quota_usage(project_id)
