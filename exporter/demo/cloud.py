"""State of the synthetic cloud. Tests and the benchmark change it; the server renders it.

Everything is plain data under one lock. Bodies are rendered in ``bodies.py`` in the shapes of the
upstream API samples (nova, cinder, neutron, keystone api-ref), microversion by microversion.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from exporter.demo.capacity import (
    QUOTA_DEFAULTS,
    Aggregate,
    Backup,
    Flavor,
    FloatingIP,
    Inventory,
    Network,
    Pool,
    Port,
    Project,
    Provider,
    Router,
    SecurityGroup,
    Server,
    Snapshot,
    Subnet,
    Volume,
    fits,
)


@dataclass(slots=True)
class ComputeService:
    legacy_id: int
    id: str
    binary: str
    host: str
    zone: str
    state: str = "up"
    status: str = "enabled"
    disabled_reason: str | None = None
    forced_down: bool = False
    # Heartbeat of a service that is down; an up service's heartbeat is "a few seconds ago".
    down_since: float | None = None


@dataclass(slots=True)
class VolumeService:
    binary: str
    host: str
    zone: str
    cluster: str | None = None
    state: str = "up"
    status: str = "enabled"
    disabled_reason: str | None = None
    down_since: float | None = None


@dataclass(slots=True)
class Agent:
    id: str
    agent_type: str
    binary: str
    host: str
    zone: str | None
    alive: bool = True
    admin_state_up: bool = True
    down_since: float | None = None
    started_at: float = field(default_factory=time.time)


AGENT_KINDS = {
    "neutron-openvswitch-agent": "Open vSwitch agent",
    "neutron-dhcp-agent": "DHCP agent",
    "neutron-l3-agent": "L3 agent",
    "neutron-metadata-agent": "Metadata agent",
}


Drop = Literal["mid_body", "reset"]
Paging = Literal["next_repeats", "endless"]


@dataclass(slots=True)
class Fault:
    """How the demo server misbehaves on one path prefix; ``DemoCloud.set_fault`` documents it."""

    status: int | None = None  # answer with this HTTP status
    delay: float = 0.0  # before answering, in seconds
    body: bytes | None = None  # served verbatim instead of the routed answer
    content_type: str | None = "application/json"  # of ``body``
    headers: dict[str, str] = field(default_factory=dict)
    drop: Drop | None = None
    hang: bool = False
    remaining: int | None = None  # requests left to spoil; None: every one
    pages_only: bool = False
    paging: Paging | None = None
    prefix: str = ""
    # Set when clear_faults() or a replacing set_fault() retires the fault: its waits end.
    released: bool = False


class DemoCloud:
    """A cloud of ``hosts`` compute hosts with a few services down or disabled.

    ``services`` picks which APIs the catalog offers (a cloud without Cinder or Neutron is normal).
    """

    SERVICES = ("identity", "compute", "placement", "block-storage", "network")

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
        self.rng = random.Random(seed)
        self.services = services
        self.username = username
        self.password = password or uuid.UUID(int=self.rng.getrandbits(128)).hex
        self.project_id = self._uuid()
        self.user_id = self._uuid()
        self.tokens: set[str] = set()
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
        self._generate(hosts)
        self._generate_capacity(hosts, projects)
        self._generate_project_resources()
        self._generate_problems()

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _generate(self, hosts: int) -> None:
        now = time.time()
        controllers = [f"ctl-{i:02d}" for i in range(1, 4 if hosts >= 10 else 2)]
        for ctl in controllers:
            for binary in ("nova-scheduler", "nova-conductor"):
                self.add_compute_service(binary, ctl, "internal")
            self.volume_services.append(VolumeService("cinder-scheduler", ctl, "nova"))
            for binary in ("neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent"):
                self.add_agent(binary, ctl)
        for i in range(1, hosts + 1):
            host = f"cmp-{i:03d}"
            zone = "az1" if i % 2 else "az2"
            self.add_compute_service("nova-compute", host, zone)
            self.add_agent("neutron-openvswitch-agent", host, zone=None)
        for backend in ("stor-01@lvm", "stor-02@ceph"):
            self.volume_services.append(VolumeService("cinder-volume", backend, "nova"))
        # The awkward cases an admin meets every week.
        computes = [s for s in self.compute_services if s.binary == "nova-compute"]
        if len(computes) >= 2:
            computes[1].status = "disabled"
            computes[1].disabled_reason = "hardware maintenance: DIMM replacement"
        if len(computes) >= 3:
            computes[2].state = "down"
            computes[2].down_since = now - 600
        self.volume_services[-1].status = "disabled"
        self.volume_services[-1].disabled_reason = "ceph cluster upgrade"
        ovs = [a for a in self.agents if a.binary == "neutron-openvswitch-agent"]
        if len(ovs) >= 3:
            ovs[2].alive = False
            ovs[2].down_since = now - 600

    # -- changes, for tests and the benchmark ------------------------------------------------

    def add_compute_service(self, binary: str, host: str, zone: str) -> ComputeService:
        with self.lock:
            svc = ComputeService(len(self.compute_services) + 1, self._uuid(), binary, host, zone)
            self.compute_services.append(svc)
            return svc

    def add_agent(self, binary: str, host: str, zone: str | None = "nova") -> Agent:
        with self.lock:
            agent = Agent(self._uuid(), AGENT_KINDS[binary], binary, host, zone)
            self.agents.append(agent)
            return agent

    def compute_service(self, host: str, binary: str = "nova-compute") -> ComputeService:
        with self.lock:
            return next(s for s in self.compute_services if s.host == host and s.binary == binary)

    def set_compute_service(
        self, host: str, binary: str = "nova-compute", **changes: object
    ) -> None:
        with self.lock:
            svc = self.compute_service(host, binary)
            for key, value in changes.items():
                setattr(svc, key, value)
            if changes.get("state") == "down" and svc.down_since is None:
                svc.down_since = time.time()
            if changes.get("state") == "up":
                svc.down_since = None
            if "status" in changes and svc.binary == "nova-compute":
                # nova-compute mirrors a disabled service as this trait on its provider.
                root = self.provider_by_name(host)
                if root is not None:
                    if svc.status == "disabled":
                        root.traits.add("COMPUTE_STATUS_DISABLED")
                    else:
                        root.traits.discard("COMPUTE_STATUS_DISABLED")

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

    def set_fault(
        self,
        prefix: str,
        *,
        status: int | None = None,
        delay: float = 0.0,
        body: bytes | str | None = None,
        content_type: str | None = "application/json",
        headers: Mapping[str, str] | None = None,
        drop: Drop | None = None,
        hang: bool = False,
        count: int | None = None,
        pages_only: bool = False,
        paging: Paging | None = None,
    ) -> None:
        """Requests whose path (without query) starts with ``prefix`` misbehave.

        One fault per prefix: setting one again replaces it. When several prefixes match, the
        longest wins (``/compute/v2.1/servers`` over ``/compute``). Faults apply to every method,
        unauthenticated version documents and ``POST /identity/v3/auth/tokens`` included.

        - ``delay``: wait this many seconds first, then answer as the rest of the fault says.
        - ``hang``: wait until ``clear_faults()``, a replacing ``set_fault`` or
          ``DemoServer.stop()``; a released request then answers as the rest of the fault says,
          one released by ``stop()`` is closed without an answer.
        - ``status``: that status with an OpenStack JSON error body.
        - ``body``: served verbatim (str as UTF-8) with ``status`` (default 200) and
          ``content_type`` (None: no Content-Type header); ``b""`` sends Content-Length: 0.
        - ``headers``: added to whatever answer goes out, replacing a header of the same name.
        - ``drop="mid_body"``: the full Content-Length of the answer, then half its body, then the
          connection closes. ``drop="reset"``: the connection is reset before any answer.
        - ``paging``: rewrite the ``<key>_links`` next link of a routed list answer.
          ``"next_repeats"``: the next link carries the request's own marker (page 1 keeps its
          real one), so the same page comes back forever. ``"endless"``: every page is one item
          with a fresh id and a next link whose marker is that id, forever.
        - ``count``: spoil only the next ``count`` matching requests (None: all); a spent fault
          stays in ``faults`` with ``remaining == 0`` and matches nothing.
        - ``pages_only``: only requests with a ``marker`` query parameter (page 2 and later).

        Each request a fault is applied to adds one to ``faults_served[prefix]``.
        """
        if drop not in (None, "mid_body", "reset"):
            raise ValueError(f"drop must be 'mid_body', 'reset' or None, not {drop!r}")
        if paging not in (None, "next_repeats", "endless"):
            raise ValueError(f"paging must be 'next_repeats', 'endless' or None, not {paging!r}")
        if count is not None and count < 1:
            raise ValueError(f"count must be at least 1 or None, not {count}")
        if delay < 0:
            raise ValueError(f"delay must not be negative, not {delay}")
        fault = Fault(
            status=status,
            delay=delay,
            body=body.encode() if isinstance(body, str) else body,
            content_type=content_type,
            headers=dict(headers or {}),
            drop=drop,
            hang=hang,
            remaining=count,
            pages_only=pages_only,
            paging=paging,
            prefix=prefix,
        )
        with self.lock:
            old = self.faults.get(prefix)
            if old is not None:
                old.released = True
                self.faults_changed.notify_all()
            self.faults[prefix] = fault

    def clear_faults(self) -> None:
        """Remove every fault and release the requests they delay or hang."""
        with self.lock:
            for fault in self.faults.values():
                fault.released = True
            self.faults.clear()
            self.faults_changed.notify_all()

    def fault_for(self, path: str, *, marker: bool = False) -> Fault | None:
        """The fault a request for ``path`` (with a ``marker`` query or not) would get, if any."""
        with self.lock:
            best: Fault | None = None
            for prefix, fault in self.faults.items():
                if (
                    path.startswith(prefix)
                    and fault.remaining != 0
                    and (marker or not fault.pages_only)
                    and (best is None or len(prefix) > len(best.prefix))
                ):
                    best = fault
            return best

    def take_fault(self, path: str, *, marker: bool = False) -> Fault | None:
        """``fault_for``, counted: the server calls it once per request."""
        with self.lock:
            fault = self.fault_for(path, marker=marker)
            if fault is not None:
                self.faults_served[fault.prefix] += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
            return fault

    def revoke_tokens(self) -> int:
        """Forget every issued token, as a Keystone restart with new fernet keys does.

        Authenticated requests then get 401 until the client authenticates again. Returns how
        many tokens were revoked.
        """
        with self.lock:
            revoked = len(self.tokens)
            self.tokens.clear()
            return revoked

    # -- capacity: Placement, flavors, aggregates, servers, pools, networks -----------------

    def _generate_capacity(self, hosts: int, projects: int) -> None:
        now = time.time()
        self.projects = [
            Project(self._uuid().replace("-", ""), name)
            for name in ["admin", "service"]
            + [f"project-{i:02d}" for i in range(1, max(projects - 1, 1))]
        ]
        flavors = [
            ("1", "m1.tiny", 1, 512, 1, {}),
            ("2", "m1.small", 1, 2048, 20, {}),
            ("3", "m1.medium", 2, 4096, 40, {}),
            ("4", "m1.large", 4, 8192, 80, {}),
            ("5", "m1.xlarge", 8, 16384, 160, {}),
            (
                "10",
                "c1.pinned",
                4,
                8192,
                40,
                {"hw:cpu_policy": "dedicated", "aggregate_instance_extra_specs:pinned": "true"},
            ),
            (
                "20",
                "g1.gpu",
                8,
                65536,
                100,
                {"resources:VGPU": "1", "trait:CUSTOM_NVIDIA_A100": "required"},
            ),
            ("99", "x1.huge", 128, 1048576, 2000, {}),
        ]
        for fid, name, vcpus, ram, disk, specs in flavors:
            self.flavors.append(Flavor(fid, name, vcpus, ram, disk, extra_specs=dict(specs)))
        self.flavors.append(Flavor("30", "m1.private", 2, 4096, 20, is_public=False))

        zones = {
            z: Aggregate(i + 1, self._uuid(), z, z, metadata={"availability_zone": z})
            for i, z in enumerate(("az1", "az2"))
        }
        pinned = Aggregate(3, self._uuid(), "pinned", None, metadata={"pinned": "true"})
        gpu = Aggregate(4, self._uuid(), "gpu", None, metadata={"gpu": "true"})
        self.aggregates = [*zones.values(), pinned, gpu]
        for svc in [s for s in self.compute_services if s.binary == "nova-compute"]:
            i = int(svc.host.split("-")[1])
            root = self._add_provider(svc.host, None)
            root.traits.update({"HW_CPU_X86_AVX2", "COMPUTE_NODE"})
            if i % 6 == 0:
                root.inventories["PCPU"] = Inventory(56)
                root.inventories["VCPU"] = Inventory(8, allocation_ratio=4.0)
                root.traits.add("HW_CPU_X86_AVX512F")
                pinned.hosts.append(svc.host)
            else:
                root.inventories["VCPU"] = Inventory(64, allocation_ratio=4.0)
            root.inventories["MEMORY_MB"] = Inventory(262144, reserved=4096)
            root.inventories["DISK_GB"] = Inventory(1800)
            if i % 8 == 4:
                child = self._add_provider(f"{svc.host}_pci_0000_81_00_0", root)
                child.inventories["VGPU"] = Inventory(4)
                child.traits.add("CUSTOM_NVIDIA_A100")
                gpu.hosts.append(svc.host)
            if svc.zone in zones:
                zones[svc.zone].hosts.append(svc.host)
            if svc.status == "disabled":
                root.traits.add("COMPUTE_STATUS_DISABLED")

        # Nova mirrors host aggregates into Placement aggregates of the same UUID (member_of).
        for agg in self.aggregates:
            for host in agg.hosts:
                provider = self.provider_by_name(host)
                if provider is not None:
                    provider.aggregates.add(agg.uuid)

        by_name = {f.name: f for f in self.flavors}
        users = [self._uuid().replace("-", "") for _ in range(4)]
        tenants = [p for p in self.projects if p.name != "service"]
        for root in [p for p in self.providers.values() if p.parent_uuid is None]:
            choices = (
                (["c1.pinned"] * 3 + ["m1.small"])
                if "PCPU" in root.inventories
                else ["m1.small", "m1.medium", "m1.medium", "m1.large", "m1.xlarge", "m1.tiny"]
            )
            for _ in range(self.rng.randint(4, 14)):
                self.boot(
                    self.rng.choice(choices),
                    root.name,
                    self.rng.choice(tenants).id,
                    user_id=self.rng.choice(users),
                    created=now - self.rng.randint(3600, 9_000_000),
                )
            if any(p.parent_uuid == root.uuid for p in self.providers.values()):
                self.boot("g1.gpu", root.name, tenants[-1].id, user_id=users[0], created=now - 7200)
        # A boot that found no valid host: ERROR, no host, no allocations.
        self.servers.append(
            Server(
                self._uuid(),
                "novalid-1",
                tenants[-1].id,
                users[0],
                by_name["m1.xlarge"].id,
                None,
                status="ERROR",
                vm_state="error",
                created=now - 5400,
                updated=now - 5300,
            )
        )

        self.pools = [
            Pool(
                "stor-01@lvm#lvm",
                10240.0,
                3072.0,
                allocated_gb=7000,
                provisioned_gb=7168,
                reserved_percentage=5,
            ),
            Pool(
                "stor-02@ceph#volumes",
                204800.0,
                150000.0,
                allocated_gb=120000,
                provisioned_gb=400000,
                max_over_subscription_ratio=4.0,
                thin=True,
                thick=False,
                protocol="ceph",
                driver_version="1.2.0",
            ),
            # Drivers that cannot measure their backend report strings, not numbers.
            Pool("stor-03@nfs#nfs", "infinite", "unknown", protocol="nfs", driver_version="1.4.0"),
        ]

        def subnet(name: str, cidr: str, total: int, used: int, version: int = 4) -> Subnet:
            return Subnet(self._uuid(), name, cidr, version, total, used)

        admin = self.projects[0].id
        self.networks = [
            Network(
                self._uuid(),
                "public",
                admin,
                True,
                [
                    subnet("public-v4", "203.0.113.0/24", 253, 241),
                    subnet("public-v6", "2001:db8::/64", 18446744073709551000, 12, 6),
                ],
            ),
            Network(
                self._uuid(),
                "provider-vlan100",
                admin,
                True,
                [subnet("vlan100-v4", "198.51.100.0/22", 1021, 130)],
            ),
        ]
        for project in tenants[1:4]:
            self.networks.append(
                Network(
                    self._uuid(),
                    f"{project.name}-net",
                    project.id,
                    False,
                    [subnet(f"{project.name}-subnet", "10.0.0.0/24", 253, self.rng.randint(3, 60))],
                )
            )

    def _add_provider(self, name: str, parent: Provider | None) -> Provider:
        uid = self._uuid()
        provider = Provider(
            uid, name, parent.uuid if parent else None, parent.root_uuid if parent else uid
        )
        self.providers[uid] = provider
        self._by_name[name] = provider
        return provider

    def provider_by_name(self, name: str) -> Provider | None:
        provider = self._by_name.get(name)
        return provider if provider is not None and provider.uuid in self.providers else None

    def flavor(self, name: str) -> Flavor:
        return next(f for f in self.flavors if f.name == name)

    def usages(self, provider_uuid: str) -> dict[str, int]:
        with self.lock:
            return dict(self._used.get(provider_uuid, {}))

    def _account(self, alloc: dict[str, dict[str, int]], sign: int) -> None:
        for puuid, resources in alloc.items():
            used = self._used.setdefault(puuid, {})
            for rc, amount in resources.items():
                used[rc] = used.get(rc, 0) + sign * amount
            if puuid in self.providers:
                self.providers[puuid].generation += 1

    def boot(
        self,
        flavor_name: str,
        host: str,
        project_id: str,
        *,
        user_id: str = "",
        created: float | None = None,
    ) -> Server | None:
        """Place a server on ``host`` with Placement allocations, if it fits; else None."""
        with self.lock:
            flavor = self.flavor(flavor_name)
            root = self.provider_by_name(host)
            if root is None:
                return None
            tree = [p for p in self.providers.values() if p.root_uuid == root.uuid]
            alloc: dict[str, dict[str, int]] = {}
            for rc, amount in flavor.placement_request().items():
                target = next(
                    (p for p in tree if fits(p, self._usage_with(p, alloc), rc, amount)), None
                )
                if target is None:
                    return None
                alloc.setdefault(target.uuid, {})[rc] = amount
            when = time.time() if created is None else created
            server = Server(
                self._uuid(),
                f"vm-{len(self.servers) + 1:05d}",
                project_id,
                user_id or self.user_id.replace("-", ""),
                flavor.id,
                host,
                created=when,
                updated=when,
            )
            self.servers.append(server)
            self.allocations[server.id] = alloc
            self._account(alloc, +1)
            return server

    def _usage_with(self, provider: Provider, pending: dict[str, dict[str, int]]) -> dict:
        used = self.usages(provider.uuid)
        for rc, amount in pending.get(provider.uuid, {}).items():
            used[rc] = used.get(rc, 0) + amount
        return used

    def delete_server(self, server_id: str) -> None:
        with self.lock:
            self.servers = [s for s in self.servers if s.id != server_id]
            self._account(self.allocations.pop(server_id, {}), -1)

    def set_inventory(self, host: str, resource_class: str, **changes: float) -> None:
        with self.lock:
            provider = self.provider_by_name(host)
            assert provider is not None, host
            inv = provider.inventories[resource_class]
            for key, value in changes.items():
                setattr(inv, key, value)
            provider.generation += 1

    def delete_flavor(self, name: str) -> None:
        with self.lock:
            self.flavors = [f for f in self.flavors if f.name != name]

    def remove_pool(self, name: str) -> None:
        with self.lock:
            self.pools = [p for p in self.pools if p.name != name]

    # -- project resources: volumes, snapshots, backups, ports, routers, IPs, groups, quotas ------

    def _generate_project_resources(self) -> None:
        now = time.time()
        rng = self.rng
        public = self.networks[0]
        tenants = [p for p in self.projects if p.name not in ("admin", "service")]
        for n, project in enumerate(tenants):
            for i in range(rng.randint(2, 5)):
                vtype = rng.choice(["lvm", "ceph"])
                vol = Volume(
                    self._uuid(),
                    f"{project.name}-vol-{i}",
                    project.id,
                    rng.choice([10, 20, 50, 100, 200]),
                    vtype,
                    created=now - rng.randint(3600, 5_000_000),
                )
                vol.updated = vol.created
                self.volumes.append(vol)
                if i == 0:
                    self.snapshots.append(
                        Snapshot(
                            self._uuid(),
                            vol.id,
                            project.id,
                            vol.size,
                            vtype,
                            created=now - 3000,
                            updated=now - 3000,
                        )
                    )
                if i == 1:
                    self.backups.append(
                        Backup(
                            self._uuid(),
                            vol.id,
                            project.id,
                            vol.size,
                            created=now - 7200,
                            updated=now - 7000,
                        )
                    )
            self.routers.append(
                Router(self._uuid(), f"{project.name}-router", project.id, public.id)
            )
            for i in range(rng.randint(1, 3)):
                self.floating_ips.append(
                    FloatingIP(self._uuid(), project.id, public.id, f"203.0.113.{10 + n * 4 + i}")
                )
            self.security_groups.append(SecurityGroup(self._uuid(), "default", project.id))
            if rng.random() < 0.5:
                self.security_groups.append(SecurityGroup(self._uuid(), "web", project.id, 6))
            if n % 2 == 0:
                self.server_groups[self._uuid()] = project.id
        for server in self.servers:
            net = next((nw for nw in self.networks if nw.project_id == server.project_id), public)
            self.ports.append(
                Port(
                    self._uuid(),
                    server.project_id,
                    net.id,
                    server.id,
                    "compute:nova",
                    "ACTIVE" if server.host else "DOWN",
                )
            )
        # Attach a floating IP to the first server of some projects.
        for fip in self.floating_ips[::2]:
            port = next((p for p in self.ports if p.project_id == fip.project_id), None)
            fip.port_id = port.id if port else None
        # Quota overrides an admin made: a big project, a tight one, one unlimited.
        if len(tenants) >= 3:
            self.quota_overrides["compute"][tenants[0].id] = {
                "cores": 200,
                "ram": 512000,
                "instances": 100,
            }
            self.quota_overrides["compute"][tenants[1].id] = {"instances": 12, "cores": 24}
            self.quota_overrides["block_storage"][tenants[1].id] = {"gigabytes": 400}
            self.quota_overrides["network"][tenants[2].id] = {"floatingip": -1}
            # Unified limits in Keystone, as a cloud moving Nova to them would have.
            self.registered_limits[("compute", "class:VCPU")] = 20
            self.registered_limits[("compute", "servers")] = 10
            self.project_limits[(tenants[0].id, "compute", "class:VCPU")] = 200

    def set_quota(self, service: str, project_id: str, **limits: int) -> None:
        with self.lock:
            self.quota_overrides[service].setdefault(project_id, {}).update(limits)

    def quota_limit(self, service: str, project_id: str, resource: str) -> int:
        return (
            self.quota_overrides[service]
            .get(project_id, {})
            .get(resource, self.quota_defaults[service].get(resource, -1))
        )

    def delete_project(self, project_id: str) -> None:
        """Keystone forgets the project; as in real clouds, its resources may stay behind."""
        with self.lock:
            self.projects = [p for p in self.projects if p.id != project_id]
            for overrides in self.quota_overrides.values():
                overrides.pop(project_id, None)

    def quota_usage(self, service: str, project_id: str) -> dict[str, int]:
        """In-use figures as each service's quota API reports them for the project."""
        with self.lock:
            if service == "compute":
                mine = [s for s in self.servers if s.project_id == project_id]
                flavors = {f.id: f for f in self.flavors}
                return {
                    "instances": len(mine),
                    "cores": sum(
                        flavors[s.flavor_id].vcpus for s in mine if s.flavor_id in flavors
                    ),
                    "ram": sum(flavors[s.flavor_id].ram for s in mine if s.flavor_id in flavors),
                    "server_groups": sum(1 for p in self.server_groups.values() if p == project_id),
                    "key_pairs": 0,
                    "metadata_items": 0,
                    "server_group_members": 0,
                }
            if service == "block_storage":
                vols = [v for v in self.volumes if v.project_id == project_id]
                snaps = [s for s in self.snapshots if s.project_id == project_id]
                backups = [b for b in self.backups if b.project_id == project_id]
                usage = {
                    "volumes": len(vols),
                    # Cinder's gigabytes counts snapshots too (no_snapshot_gb_quota=False).
                    "gigabytes": sum(v.size for v in vols) + sum(s.size for s in snaps),
                    "snapshots": len(snaps),
                    "backups": len(backups),
                    "backup_gigabytes": sum(b.size for b in backups),
                    "per_volume_gigabytes": 0,
                    "groups": 0,
                }
                for vtype in ("lvm", "ceph"):
                    usage[f"volumes_{vtype}"] = sum(1 for v in vols if v.volume_type == vtype)
                    usage[f"gigabytes_{vtype}"] = sum(
                        v.size for v in vols if v.volume_type == vtype
                    ) + sum(s.size for s in snaps if s.volume_type == vtype)
                    usage[f"snapshots_{vtype}"] = sum(1 for s in snaps if s.volume_type == vtype)
                return usage
            subnets = [s for n in self.networks if n.project_id == project_id for s in n.subnets]
            sgs = [g for g in self.security_groups if g.project_id == project_id]
            return {
                "network": sum(1 for n in self.networks if n.project_id == project_id),
                "subnet": len(subnets),
                "port": sum(1 for p in self.ports if p.project_id == project_id),
                "router": sum(1 for r in self.routers if r.project_id == project_id),
                "floatingip": sum(1 for f in self.floating_ips if f.project_id == project_id),
                "security_group": len(sgs),
                "security_group_rule": sum(g.rules for g in sgs),
                "subnetpool": 0,
                "rbac_policy": 0,
            }

    # -- what users (or the cloud) left in a bad state -------------------------------------------

    def _generate_problems(self) -> None:
        """One of each problem an admin cleans up, with realistic ages."""
        now = time.time()
        tenants = [p for p in self.projects if p.name not in ("admin", "service")]
        owner, other = tenants[0].id, tenants[-1].id
        small = self.flavor("m1.small").id

        def server(
            name: str,
            status: str,
            task: str | None,
            vm_state: str,
            age: float,
            host: str | None = "cmp-001",
            project: str = owner,
        ) -> Server:
            srv = Server(
                self._uuid(),
                name,
                project,
                self.user_id.replace("-", ""),
                small,
                host,
                status=status,
                task_state=task,
                vm_state=vm_state,
                created=now - age - 600,
                updated=now - age,
            )
            self.servers.append(srv)
            return srv

        server("stuck-build", "BUILD", "spawning", "building", 2 * 3600)
        server("stuck-migrating", "MIGRATING", "migrating", "active", 3 * 3600)
        server("unconfirmed-resize", "VERIFY_RESIZE", None, "resized", 2 * 86400)
        server("stuck-deleting", "ACTIVE", "deleting", "active", 3600, project=other)
        server("forgotten", "SHUTOFF", None, "stopped", 40 * 86400, project=other)
        vols = [v for v in self.volumes if v.project_id == owner]
        vols[0].status, vols[0].updated = "error", now - 10 * 86400
        vols[1].status, vols[1].updated = "creating", now - 2 * 3600
        orphan = Volume(
            self._uuid(),
            "orphan-data",
            other,
            50,
            "ceph",
            "in-use",
            server_id=self._uuid(),
            created=now - 30 * 86400,
            updated=now - 86400,
        )
        self.volumes.append(orphan)
        if self.snapshots:
            self.snapshots[0].status = "error_deleting"
            self.snapshots[0].updated = now - 3 * 3600
        if self.backups:
            self.backups[0].status, self.backups[0].updated = "creating", now - 5 * 3600
        # Capacity the scheduler thinks is used: a consumer that is no server at all.
        host = self.provider_by_name("cmp-005")
        if host is not None:
            leak = {host.uuid: {"VCPU": 4, "MEMORY_MB": 8192, "DISK_GB": 40}}
            self.allocations[self._uuid()] = leak
            self._account(leak, +1)
        active = next(s for s in self.servers if s.status == "ACTIVE" and s.task_state is None)
        next(p for p in self.ports if p.device_id == active.id).status = "DOWN"
        lonely = Router(self._uuid(), "no-gateway", other, None)
        self.routers.append(lonely)
        net = next(n for n in self.networks if not n.external)
        self.ports.append(Port(self._uuid(), other, net.id, lonely.id, "network:router_interface"))
