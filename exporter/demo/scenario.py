"""The seeded cloud a DemoCloud starts as: hosts and their services, capacity, project resources
and one of each problem an admin meets.

One scenario across the services rather than a part in each service module: the seeded random
draws interleave the services (a host's nova-compute, then its agent), and the golden
expositions pin that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exporter.demo.capacity import (
    Aggregate,
    Backup,
    Flavor,
    FloatingIP,
    Inventory,
    Network,
    Pool,
    Port,
    Project,
    Router,
    SecurityGroup,
    Server,
    Snapshot,
    Subnet,
    Volume,
)
from exporter.demo.services.block_storage import VolumeService

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud


def generate(cloud: DemoCloud, hosts: int, projects: int) -> None:
    _services(cloud, hosts)
    _capacity(cloud, hosts, projects)
    _project_resources(cloud)
    _problems(cloud)


def _services(cloud: DemoCloud, hosts: int) -> None:
    now = cloud.now()
    controllers = [f"ctl-{i:02d}" for i in range(1, 4 if hosts >= 10 else 2)]
    for ctl in controllers:
        for binary in ("nova-scheduler", "nova-conductor"):
            cloud.add_compute_service(binary, ctl, "internal")
        cloud.volume_services.append(VolumeService("cinder-scheduler", ctl, "nova"))
        for binary in ("neutron-dhcp-agent", "neutron-l3-agent", "neutron-metadata-agent"):
            cloud.add_agent(binary, ctl)
    for i in range(1, hosts + 1):
        host = f"cmp-{i:03d}"
        zone = "az1" if i % 2 else "az2"
        cloud.add_compute_service("nova-compute", host, zone)
        cloud.add_agent("neutron-openvswitch-agent", host, zone=None)
    for backend in ("stor-01@lvm", "stor-02@ceph"):
        cloud.volume_services.append(VolumeService("cinder-volume", backend, "nova"))
    # The awkward cases an admin meets every week.
    computes = [s for s in cloud.compute_services if s.binary == "nova-compute"]
    if len(computes) >= 2:
        computes[1].status = "disabled"
        computes[1].disabled_reason = "hardware maintenance: DIMM replacement"
    if len(computes) >= 3:
        computes[2].state = "down"
        computes[2].down_since = now - 600
    cloud.volume_services[-1].status = "disabled"
    cloud.volume_services[-1].disabled_reason = "ceph cluster upgrade"
    ovs = [a for a in cloud.agents if a.binary == "neutron-openvswitch-agent"]
    if len(ovs) >= 3:
        ovs[2].alive = False
        ovs[2].down_since = now - 600


# -- capacity: Placement, flavors, aggregates, servers, pools, networks ----------------------------


def _capacity(cloud: DemoCloud, hosts: int, projects: int) -> None:
    now = cloud.now()
    cloud.projects = [
        Project(cloud._uuid().replace("-", ""), name)
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
        cloud.flavors.append(Flavor(fid, name, vcpus, ram, disk, extra_specs=dict(specs)))
    cloud.flavors.append(Flavor("30", "m1.private", 2, 4096, 20, is_public=False))

    zones = {
        z: Aggregate(i + 1, cloud._uuid(), z, z, metadata={"availability_zone": z})
        for i, z in enumerate(("az1", "az2"))
    }
    pinned = Aggregate(3, cloud._uuid(), "pinned", None, metadata={"pinned": "true"})
    gpu = Aggregate(4, cloud._uuid(), "gpu", None, metadata={"gpu": "true"})
    cloud.aggregates = [*zones.values(), pinned, gpu]
    for svc in [s for s in cloud.compute_services if s.binary == "nova-compute"]:
        i = int(svc.host.split("-")[1])
        root = cloud._add_provider(svc.host, None)
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
            child = cloud._add_provider(f"{svc.host}_pci_0000_81_00_0", root)
            child.inventories["VGPU"] = Inventory(4)
            child.traits.add("CUSTOM_NVIDIA_A100")
            gpu.hosts.append(svc.host)
        if svc.zone in zones:
            zones[svc.zone].hosts.append(svc.host)
        if svc.status == "disabled":
            root.traits.add("COMPUTE_STATUS_DISABLED")

    # Nova mirrors host aggregates into Placement aggregates of the same UUID (member_of).
    for agg in cloud.aggregates:
        for host in agg.hosts:
            provider = cloud.provider_by_name(host)
            if provider is not None:
                provider.aggregates.add(agg.uuid)

    by_name = {f.name: f for f in cloud.flavors}
    users = [cloud._uuid().replace("-", "") for _ in range(4)]
    tenants = [p for p in cloud.projects if p.name != "service"]
    for root in [p for p in cloud.providers.values() if p.parent_uuid is None]:
        choices = (
            (["c1.pinned"] * 3 + ["m1.small"])
            if "PCPU" in root.inventories
            else ["m1.small", "m1.medium", "m1.medium", "m1.large", "m1.xlarge", "m1.tiny"]
        )
        for _ in range(cloud.rng.randint(4, 14)):
            cloud.boot(
                cloud.rng.choice(choices),
                root.name,
                cloud.rng.choice(tenants).id,
                user_id=cloud.rng.choice(users),
                created=now - cloud.rng.randint(3600, 9_000_000),
            )
        if any(p.parent_uuid == root.uuid for p in cloud.providers.values()):
            cloud.boot("g1.gpu", root.name, tenants[-1].id, user_id=users[0], created=now - 7200)
    # A boot that found no valid host: ERROR, no host, no allocations.
    cloud.servers.append(
        Server(
            cloud._uuid(),
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

    cloud.pools = [
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
        return Subnet(cloud._uuid(), name, cidr, version, total, used)

    admin = cloud.projects[0].id
    cloud.networks = [
        Network(
            cloud._uuid(),
            "public",
            admin,
            True,
            [
                subnet("public-v4", "203.0.113.0/24", 253, 241),
                subnet("public-v6", "2001:db8::/64", 18446744073709551000, 12, 6),
            ],
        ),
        Network(
            cloud._uuid(),
            "provider-vlan100",
            admin,
            True,
            [subnet("vlan100-v4", "198.51.100.0/22", 1021, 130)],
        ),
    ]
    for project in tenants[1:4]:
        cloud.networks.append(
            Network(
                cloud._uuid(),
                f"{project.name}-net",
                project.id,
                False,
                [subnet(f"{project.name}-subnet", "10.0.0.0/24", 253, cloud.rng.randint(3, 60))],
            )
        )


# -- project resources: volumes, snapshots, backups, ports, routers, IPs, groups, quotas -----------


def _project_resources(cloud: DemoCloud) -> None:
    now = cloud.now()
    rng = cloud.rng
    public = cloud.networks[0]
    tenants = [p for p in cloud.projects if p.name not in ("admin", "service")]
    for n, project in enumerate(tenants):
        for i in range(rng.randint(2, 5)):
            vtype = rng.choice(["lvm", "ceph"])
            vol = Volume(
                cloud._uuid(),
                f"{project.name}-vol-{i}",
                project.id,
                rng.choice([10, 20, 50, 100, 200]),
                vtype,
                created=now - rng.randint(3600, 5_000_000),
            )
            vol.updated = vol.created
            cloud.volumes.append(vol)
            if i == 0:
                cloud.snapshots.append(
                    Snapshot(
                        cloud._uuid(),
                        vol.id,
                        project.id,
                        vol.size,
                        vtype,
                        created=now - 3000,
                        updated=now - 3000,
                    )
                )
            if i == 1:
                cloud.backups.append(
                    Backup(
                        cloud._uuid(),
                        vol.id,
                        project.id,
                        vol.size,
                        created=now - 7200,
                        updated=now - 7000,
                    )
                )
        cloud.routers.append(Router(cloud._uuid(), f"{project.name}-router", project.id, public.id))
        for i in range(rng.randint(1, 3)):
            cloud.floating_ips.append(
                FloatingIP(cloud._uuid(), project.id, public.id, f"203.0.113.{10 + n * 4 + i}")
            )
        cloud.security_groups.append(SecurityGroup(cloud._uuid(), "default", project.id))
        if rng.random() < 0.5:
            cloud.security_groups.append(SecurityGroup(cloud._uuid(), "web", project.id, 6))
        if n % 2 == 0:
            cloud.server_groups[cloud._uuid()] = project.id
    for server in cloud.servers:
        net = next((nw for nw in cloud.networks if nw.project_id == server.project_id), public)
        cloud.ports.append(
            Port(
                cloud._uuid(),
                server.project_id,
                net.id,
                server.id,
                "compute:nova",
                "ACTIVE" if server.host else "DOWN",
            )
        )
    # Attach a floating IP to the first server of some projects.
    for fip in cloud.floating_ips[::2]:
        port = next((p for p in cloud.ports if p.project_id == fip.project_id), None)
        fip.port_id = port.id if port else None
    # Quota overrides an admin made: a big project, a tight one, one unlimited.
    if len(tenants) >= 3:
        cloud.quota_overrides["compute"][tenants[0].id] = {
            "cores": 200,
            "ram": 512000,
            "instances": 100,
        }
        cloud.quota_overrides["compute"][tenants[1].id] = {"instances": 12, "cores": 24}
        cloud.quota_overrides["block_storage"][tenants[1].id] = {"gigabytes": 400}
        cloud.quota_overrides["network"][tenants[2].id] = {"floatingip": -1}
        # Unified limits in Keystone, as a cloud moving Nova to them would have.
        cloud.registered_limits[("compute", "class:VCPU")] = 20
        cloud.registered_limits[("compute", "servers")] = 10
        cloud.project_limits[(tenants[0].id, "compute", "class:VCPU")] = 200


# -- what users (or the cloud) left in a bad state -------------------------------------------------


def _problems(cloud: DemoCloud) -> None:
    """One of each problem an admin cleans up, with realistic ages."""
    now = cloud.now()
    tenants = [p for p in cloud.projects if p.name not in ("admin", "service")]
    owner, other = tenants[0].id, tenants[-1].id
    small = cloud.flavor("m1.small").id

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
            cloud._uuid(),
            name,
            project,
            cloud.user_id.replace("-", ""),
            small,
            host,
            status=status,
            task_state=task,
            vm_state=vm_state,
            created=now - age - 600,
            updated=now - age,
        )
        cloud.servers.append(srv)
        return srv

    server("stuck-build", "BUILD", "spawning", "building", 2 * 3600)
    server("stuck-migrating", "MIGRATING", "migrating", "active", 3 * 3600)
    server("unconfirmed-resize", "VERIFY_RESIZE", None, "resized", 2 * 86400)
    server("stuck-deleting", "ACTIVE", "deleting", "active", 3600, project=other)
    server("forgotten", "SHUTOFF", None, "stopped", 40 * 86400, project=other)
    vols = [v for v in cloud.volumes if v.project_id == owner]
    vols[0].status, vols[0].updated = "error", now - 10 * 86400
    vols[1].status, vols[1].updated = "creating", now - 2 * 3600
    orphan = Volume(
        cloud._uuid(),
        "orphan-data",
        other,
        50,
        "ceph",
        "in-use",
        server_id=cloud._uuid(),
        created=now - 30 * 86400,
        updated=now - 86400,
    )
    cloud.volumes.append(orphan)
    if cloud.snapshots:
        cloud.snapshots[0].status = "error_deleting"
        cloud.snapshots[0].updated = now - 3 * 3600
    if cloud.backups:
        cloud.backups[0].status, cloud.backups[0].updated = "creating", now - 5 * 3600
    # Capacity the scheduler thinks is used: a consumer that is no server at all.
    host = cloud.provider_by_name("cmp-005")
    if host is not None:
        leak = {host.uuid: {"VCPU": 4, "MEMORY_MB": 8192, "DISK_GB": 40}}
        cloud.allocations[cloud._uuid()] = leak
        cloud._account(leak, +1)
    active = next(s for s in cloud.servers if s.status == "ACTIVE" and s.task_state is None)
    next(p for p in cloud.ports if p.device_id == active.id).status = "DOWN"
    lonely = Router(cloud._uuid(), "no-gateway", other, None)
    cloud.routers.append(lonely)
    net = next(n for n in cloud.networks if not n.external)
    cloud.ports.append(Port(cloud._uuid(), other, net.id, lonely.id, "network:router_interface"))
