"""State of the synthetic cloud. Tests and the benchmark change it; the server renders it.

Everything is plain data under one lock. Bodies are rendered in ``bodies.py`` in the shapes of the
upstream API samples (nova, cinder, neutron, keystone api-ref), microversion by microversion.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field


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


@dataclass(slots=True)
class Fault:
    status: int | None = None  # answer with this HTTP status
    delay: float = 0.0  # before answering, in seconds


class DemoCloud:
    """A cloud of ``hosts`` compute hosts with a few services down or disabled.

    ``services`` picks which APIs the catalog offers (a cloud without Cinder or Neutron is normal).
    """

    SERVICES = ("identity", "compute", "placement", "block-storage", "network")

    def __init__(
        self,
        hosts: int = 12,
        *,
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
        # (method, path) -> raw body served verbatim, for upstream samples in tests.
        self.overrides: dict[tuple[str, str], object] = {}
        self.requests = 0
        self.compute_services: list[ComputeService] = []
        self.volume_services: list[VolumeService] = []
        self.agents: list[Agent] = []
        self._generate(hosts)

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

    def remove_host(self, host: str) -> None:
        """The host is decommissioned: its services and agents leave every API."""
        with self.lock:
            self.compute_services = [s for s in self.compute_services if s.host != host]
            self.volume_services = [s for s in self.volume_services if s.host != host]
            self.agents = [a for a in self.agents if a.host != host]

    def set_fault(self, prefix: str, *, status: int | None = None, delay: float = 0.0) -> None:
        """Every request whose path starts with ``prefix`` (e.g. ``/volume``) misbehaves."""
        with self.lock:
            self.faults[prefix] = Fault(status, delay)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def fault_for(self, path: str) -> Fault | None:
        with self.lock:
            for prefix, fault in self.faults.items():
                if path.startswith(prefix):
                    return fault
        return None
