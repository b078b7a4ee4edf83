"""Free instances per flavor and host: checked against booting for real in the demo cloud and
against Placement's allocation candidates."""

import pytest

from exporter.clouds import cloud_region
from exporter.collectors._capacity import flavor_request
from exporter.connection import connect
from exporter.demo import DemoCloud
from tests.conftest import sample

FREE = "openstack_placement_flavor_free_instances"


def boot_until_full(cloud: DemoCloud, flavor: str, host: str) -> int:
    """How many servers of ``flavor`` the demo cloud's own Placement model still takes."""
    booted = []
    while (server := cloud.boot(flavor, host, cloud.projects[2].id)) is not None:
        booted.append(server)
        assert len(booted) < 10_000
    for server in booted:
        cloud.delete_server(server.id)
    return len(booted)


def free(h, flavor: str, host: str, zone: str) -> float | None:
    f = next(x for x in h.harness_cloud.flavors if x.name == flavor)
    return h.value(FREE, flavor_id=f.id, flavor_name=flavor, host=host, zone=zone)


@pytest.fixture
def run(harness, cloud):
    def go():
        h = harness()
        h.harness_cloud = cloud
        h.run("flavor_capacity")
        assert h.value("openstack_exporter_collector_success", collector="flavor_capacity") == 1
        return h

    return go


@pytest.mark.parametrize("flavor", ["m1.tiny", "m1.medium", "m1.xlarge", "m1.private"])
@pytest.mark.parametrize(
    ("host", "zone"), [("cmp-001", "az1"), ("cmp-005", "az1"), ("cmp-004", "az2")]
)
def test_matches_booting_until_full(run, cloud, flavor, host, zone):
    h = run()
    assert free(h, flavor, host, zone) == boot_until_full(cloud, flavor, host)


def test_awkward_cases(run, cloud):
    h = run()
    # cmp-002 is disabled, cmp-003 is down: 0 whatever room they have.
    assert free(h, "m1.tiny", "cmp-002", "az2") == 0
    assert boot_until_full(cloud, "m1.tiny", "cmp-002") > 0
    assert free(h, "m1.tiny", "cmp-003", "az1") == 0
    # Dedicated CPUs only on the pinned host, which is also the only one in aggregate pinned=true.
    assert free(h, "c1.pinned", "cmp-006", "az2") == boot_until_full(cloud, "c1.pinned", "cmp-006")
    assert free(h, "c1.pinned", "cmp-006", "az2") > 0
    assert free(h, "c1.pinned", "cmp-001", "az1") == 0
    # The GPU flavor needs a vGPU from the child provider with the required trait.
    gpu_root = cloud.provider_by_name("cmp-004")
    child = next(p for p in cloud.providers.values() if p.parent_uuid == gpu_root.uuid)
    assert free(h, "g1.gpu", "cmp-004", "az2") == min(
        4 - cloud.usages(child.uuid)["VGPU"], boot_until_full(cloud, "g1.gpu", "cmp-004")
    )
    assert free(h, "g1.gpu", "cmp-001", "az1") == 0
    # 128 vCPUs exceed VCPU max_unit (64) everywhere, whatever the overcommit.
    assert all(s["flavor_name"] != "x1.huge" or h.value(FREE, **s) == 0 for s in h.series(FREE))


def test_follows_boot_disable_ratio_and_deletions(run, cloud):
    h = run()
    before = free(h, "m1.large", "cmp-005", "az1")
    cloud.boot("m1.large", "cmp-005", cloud.projects[2].id)
    cloud.set_compute_service("cmp-001", status="disabled", disabled_reason="drain")
    cloud.set_inventory("cmp-004", "VCPU", allocation_ratio=1.0)
    cloud.set_inventory("cmp-004", "MEMORY_MB", reserved=250000)
    h = run()
    assert free(h, "m1.large", "cmp-005", "az1") == before - 1
    assert free(h, "m1.large", "cmp-001", "az1") == 0
    assert free(h, "m1.large", "cmp-004", "az2") == boot_until_full(cloud, "m1.large", "cmp-004")
    cloud.delete_flavor("m1.large")
    cloud.remove_host("cmp-005")
    h = run()
    assert not [s for s in h.series(FREE) if s["flavor_name"] == "m1.large"]
    assert not [s for s in h.series(FREE) if s["host"] == "cmp-005"]


def test_agrees_with_allocation_candidates(run, cloud, make_settings):
    """Hosts with room for one more instance are exactly Placement's candidates for the
    flavor's request, among the hosts the scheduler may use."""
    h = run()
    conn = connect(cloud_region(make_settings()))
    schedulable = {
        s.host
        for s in cloud.compute_services
        if s.binary == "nova-compute" and s.state == "up" and s.status == "enabled"
    }
    names = {p.uuid: p.name for p in cloud.providers.values()}
    for f in cloud.flavors:
        if f.extra_specs.get("aggregate_instance_extra_specs:pinned"):
            continue  # a Nova filter, not a Placement one: checked in test_awkward_cases
        req = flavor_request(f.vcpus, f.ram, f.disk, f.ephemeral, f.swap, f.extra_specs)
        query = {"resources": ",".join(f"{rc}:{n}" for rc, n in sorted(req.resources.items()))}
        if req.required:
            query["required"] = ",".join(sorted(req.required))
        candidates = list(conn.placement.allocation_candidates(**query))
        roots = {
            names[p["root_provider_uuid"]]
            for c in candidates
            for p in c.provider_summaries.values()
        } & schedulable
        ours = {
            s["host"]
            for s in h.series(FREE)
            if s["flavor_name"] == f.name and h.value(FREE, **s) > 0
        }
        assert ours == roots, f.name


def test_upstream_allocation_candidates_sample(samples):
    """Provider summaries of Placement's own sample: each host in allocation_requests fits ≥ 1."""
    from exporter.collectors._capacity import FlavorRequest, Inventory, Provider, free_instances

    body = sample(samples, "placement/allocation_candidates/get-allocation_candidates-1.17.json")
    summaries = body["provider_summaries"]
    # This sample has no tree information: treat the DISK_GB provider as shared with each host.
    shared = "a99bad54-a275-4c4f-a8a3-ac00d57e5c64"
    request = FlavorRequest({"VCPU": 1, "MEMORY_MB": 1024, "DISK_GB": 100})
    for candidate in body["allocation_requests"]:
        tree = []
        for uuid in candidate["allocations"]:
            res = summaries[uuid]["resources"]
            tree.append(
                Provider(
                    uuid,
                    uuid,
                    None if uuid != shared else "host",
                    uuid,
                    {rc: Inventory(int(r["capacity"])) for rc, r in res.items()},
                    {rc: int(r["used"]) for rc, r in res.items()},
                    frozenset(summaries[uuid]["traits"]),
                )
            )
        # capacity 384 VCPU, 196608 MiB, 1900 GiB, nothing used: disk allows 19.
        assert free_instances(request, tree) == 19
