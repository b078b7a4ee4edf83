"""The exporter against a real OpenStack control plane (tests/integration/harness.py), value by
value against the APIs' own answers at the same moment, through the least-privileged credential.

Skipped when no harness cloud is up; CI brings one up and sets OAE_INTEGRATION=1, which turns
the skip into a failure.
"""

from __future__ import annotations

import json
import math
import os
import signal
import time
from pathlib import Path

import pytest
from openstack.config import OpenStackConfig
from openstack.connection import Connection

from exporter.collectors._capacity import flavor_request
from exporter.config import build
from exporter.contract import all_collectors, all_sources
from tests.conftest import Harness

pytestmark = pytest.mark.integration
HOME = Path(os.environ.get("OAE_CLOUD_HOME", "/opt/oae-cloud"))
CLOUDS = HOME / "clouds.yaml"


@pytest.fixture(scope="module")
def clouds() -> Path:
    from tests.integration.harness import KEYSTONE, answers

    # clouds.yaml outlives `harness.py down`: a stopped cloud is as absent as a missing one.
    if not CLOUDS.exists() or not answers(KEYSTONE):
        if os.environ.get("OAE_INTEGRATION") == "1":
            pytest.fail(f"no harness cloud: {CLOUDS} missing or Keystone not answering")
        pytest.skip("no harness cloud (python tests/integration/harness.py up)")
    return CLOUDS


def connect(clouds: Path, name: str) -> Connection:
    return Connection(config=OpenStackConfig(config_files=[str(clouds)]).get_one(cloud=name))


@pytest.fixture(scope="module")
def admin(clouds: Path) -> Connection:
    return connect(clouds, "oae-admin")


def exporter(
    clouds: Path, cloud: str = "oae-least", sources: dict | None = None, **collectors: dict
) -> Harness:
    return Harness(
        build(
            {
                "cloud": cloud,
                "clouds_file": str(clouds),
                "api_timeout": 60,
                "collectors": collectors,
                "sources": sources or {},
            },
            all_collectors(),
        )
    )


def full_reads() -> dict:
    """Sources settings for an exporter whose every sync is a full read."""
    return {name: {"resync": 0} for name in all_sources()}


@pytest.fixture(scope="module")
def least(clouds: Path) -> Harness:
    h = exporter(clouds)
    h.run()
    return h


def test_least_privilege_credential_runs_every_collector(least):
    failed = {n: s.last_error for n, s in least.store.states().items() if not s.last_ok}
    assert not failed
    # Absent exactly where the harness runs none of the services a collector reads (Octavia,
    # Manila, Heat and Designate are not in it yet): every service it runs is in the catalog.
    run_here = {"identity", "compute", "placement", "block-storage", "network", "image"}
    sources, specs = all_sources(), all_collectors()
    expected = {
        name
        for name in least.store.states()
        if any(
            not set(sources[s].services) & run_here
            for s in specs[name].reads
            if sources[s].services
        )
    }
    absent = {n for n, s in least.store.states().items() if s.absent}
    assert absent == expected


def test_least_privilege_credential_cannot_write(clouds):
    conn = connect(clouds, "oae-least")
    resp = conn.compute.post(
        "/os-aggregates", json={"aggregate": {"name": "nope"}}, raise_exc=False
    )
    assert resp.status_code in (401, 403)
    resp = conn.compute.get("/os-hypervisors", raise_exc=False)  # a read not in the rules
    assert resp.status_code in (401, 403)


def test_reader_role_is_refused_admin_reads(clouds):
    h = exporter(clouds, "oae-monitor")
    h.run("compute_services")
    state = h.store.states()["compute_services"]
    assert not state.last_ok
    assert "403" in state.last_error or "Forbidden" in state.last_error


def test_compute_services(least, admin):
    services = list(admin.compute.services())
    assert len([s for s in services if s.binary == "nova-compute"]) == 3
    for s in services:
        labels = {"binary": s.binary, "host": s.host, "zone": s.availability_zone}
        assert least.value("openstack_compute_service_up", **labels) == float(s.state == "up")
        assert least.value("openstack_compute_service_enabled", **labels) == float(
            s.status == "enabled"
        )
        if s.status == "disabled":
            assert (
                least.value(
                    "openstack_compute_service_disabled_reason_info",
                    **labels,
                    disabled_reason=s.disabled_reason or "",
                )
                == 1
            )
    assert (
        least.value(
            "openstack_compute_service_disabled_reason_info",
            binary="nova-compute",
            host="compute-2",
            zone="nova",
            disabled_reason="maintenance: disk replacement",
        )
        == 1
    )


def test_block_storage_services_and_pools(least, admin):
    for s in admin.block_storage.services():
        labels = {"binary": s.binary, "host": s.host, "zone": s.availability_zone}
        assert least.value("openstack_block_storage_service_up", **labels) == float(s.state == "up")
    pools = list(admin.block_storage.backend_pools())
    assert pools
    for pool in pools:
        total = pool.capabilities["total_capacity_gb"]
        got = least.value("openstack_block_storage_pool_capacity_bytes", pool=pool.name)
        # Cinder's fake driver reports 'infinite', as some real drivers do.
        assert got == (math.inf if total == "infinite" else float(total) * 2**30)


def test_placement_inventory_and_usage(least, admin):
    providers = list(admin.placement.resource_providers())
    assert len(providers) >= 3
    compared = 0
    for rp in providers:
        usages = admin.placement.fetch_resource_provider_usages(rp.id).usages
        for inv in admin.placement.resource_provider_inventories(rp.id):
            labels = {
                "host": rp.name,
                "resource_provider": rp.name,
                "resource_class": inv.resource_class,
            }
            assert least.value("openstack_placement_resource_inventory", **labels) == inv.total
            assert least.value("openstack_placement_resource_reserved", **labels) == inv.reserved
            assert (
                least.value("openstack_placement_resource_allocation_ratio", **labels)
                == inv.allocation_ratio
            )
            assert least.value("openstack_placement_resource_usage", **labels) == usages.get(
                inv.resource_class, 0
            )
            compared += 1
    assert compared >= 9


def test_free_instances_agree_with_allocation_candidates(least, admin):
    """Per host, our count equals Placement's own arithmetic on its provider summaries, and the
    hosts with room are exactly its candidates among schedulable hosts."""
    names = {rp.id: rp.name for rp in admin.placement.resource_providers()}
    schedulable = {
        s.host
        for s in admin.compute.services(binary="nova-compute")
        if s.state == "up" and s.status == "enabled"
    }
    free = "openstack_placement_flavor_free_instances"
    checked = 0
    for f in admin.compute.flavors(details=True, is_public="None"):
        req = flavor_request(
            f.vcpus, f.ram, f.disk, f.ephemeral, int(f.swap or 0), f.extra_specs or {}
        )
        resources = ",".join(f"{rc}:{n}" for rc, n in sorted(req.resources.items()))
        candidates = list(admin.placement.allocation_candidates(resources=resources))
        summaries = {}
        for c in candidates:
            summaries.update(c.provider_summaries)
        expected = {}
        for uuid, summary in summaries.items():
            counts = [
                math.floor((r["capacity"] - r["used"]) / req.resources[rc])
                for rc, r in summary["resources"].items()
                if rc in req.resources
            ]
            if names.get(uuid) in schedulable and counts:
                expected[names[uuid]] = min(counts)
        ours = {
            s["host"]: least.value(free, **s) for s in least.series(free) if s["flavor_id"] == f.id
        }
        assert {h for h, n in ours.items() if n > 0} == {h for h, n in expected.items() if n > 0}
        for host, n in expected.items():
            assert ours[host] == n, (f.name, host)
        checked += 1
    assert checked >= 5


def project_ids(admin: Connection) -> dict[str, str]:
    return {p.name: p.id for p in admin.identity.projects()}


def test_quota_limits_and_usage_match_the_quota_apis(least, admin):
    limit, used = "openstack_quota_limit", "openstack_quota_in_use"
    compared = 0
    for name, pid in project_ids(admin).items():
        compute = admin.compute.get(f"/os-quota-sets/{pid}/detail").json()["quota_set"]
        volume = admin.block_storage.get(f"/os-quota-sets/{pid}?usage=True").json()["quota_set"]
        network = admin.network.get(f"/quotas/{pid}/details").json()["quota"]
        for service, body, key in (
            ("compute", compute, "in_use"),
            ("block_storage", volume, "in_use"),
            ("network", network, "used"),
        ):
            for resource, entry in body.items():
                if not isinstance(entry, dict):
                    continue
                labels = {"project_id": pid, "service_type": service, "resource": resource}
                want = math.inf if entry["limit"] < 0 else entry["limit"]
                got = least.value(limit, **labels)
                if got is not None:
                    assert got == want, (name, service, resource)
                    compared += 1
                got = least.value(used, **labels)
                if got is not None:
                    assert got == entry[key], (name, service, resource)
                    compared += 1
    assert compared >= 60
    beta = project_ids(admin)["beta"]
    assert least.value(limit, project_id=beta, service_type="compute", resource="cores") == 8
    gamma = project_ids(admin)["gamma"]
    assert (
        least.value(limit, project_id=gamma, service_type="compute", resource="cores") == math.inf
    )


def test_flavors_aggregates_zones(least, admin):
    for f in admin.compute.flavors(details=True, is_public="None"):
        assert (
            least.value(
                "openstack_compute_flavor_info",
                flavor_id=f.id,
                flavor_name=f.name,
                is_public=str(f.is_public).lower(),
            )
            == 1
        )
    assert (
        least.value(
            "openstack_compute_aggregate_host_info", aggregate="az2", host="compute-3", zone="az2"
        )
        == 1
    )
    assert (
        least.value(
            "openstack_compute_aggregate_metadata_info", aggregate="ssd", key="ssd", value="true"
        )
        == 1
    )
    assert least.value("openstack_compute_host_schedulable", host="compute-2", zone="nova") == 0


def test_problem_counts(least, admin):
    errors = [
        s for s in admin.compute.servers(details=True, all_projects=True) if s.status == "ERROR"
    ]
    assert errors  # 'broken' fits no host
    got = sum(
        least.value("openstack_compute_server_problems", **s)
        for s in least.series("openstack_compute_server_problems")
        if s["problem"] == "error"
    )
    assert got == len(errors)
    assert least.series("openstack_placement_orphan_allocations") == []


def test_changes_show_after_the_next_run(clouds, admin):
    h = exporter(clouds)
    ids = project_ids(admin)
    temp = admin.identity.create_project(name=f"temp-{int(time.time())}", domain_id="default")
    h.run("compute_services", "quota_limits", "quota_usage", "identity_projects")
    assert h.value("openstack_identity_project_enabled", project_id=temp.id) == 1

    admin.compute.put(f"/os-quota-sets/{ids['delta']}", json={"quota_set": {"instances": 3}})
    admin.compute.disable_service(
        next(
            s
            for s in admin.compute.services()
            if s.host == "compute-1" and s.binary == "nova-compute"
        ),
        disabled_reason="integration test",
    )
    admin.identity.delete_project(temp)
    try:
        h.run("compute_services", "quota_limits", "quota_usage", "identity_projects")
        assert (
            h.value(
                "openstack_quota_limit",
                project_id=ids["delta"],
                service_type="compute",
                resource="instances",
            )
            == 3
        )
        assert (
            h.value(
                "openstack_compute_service_enabled",
                binary="nova-compute",
                host="compute-1",
                zone="nova",
            )
            == 0
        )
        for metric in ("openstack_identity_project_info", "openstack_quota_limit"):
            assert temp.id not in {s["project_id"] for s in h.series(metric)}
    finally:
        admin.compute.enable_service(
            next(
                s
                for s in admin.compute.services()
                if s.host == "compute-1" and s.binary == "nova-compute"
            )
        )
        admin.compute.put(f"/os-quota-sets/{ids['delta']}", json={"quota_set": {"instances": 2}})


def test_server_boot_and_delete_move_usage(clouds, admin):
    h = exporter(clouds)
    project = project_ids(admin)["admin"]  # where the admin connection boots
    labels = {"project_id": project, "service_type": "compute", "resource": "instances"}
    h.run("quota_usage")
    before = h.value("openstack_quota_in_use", **labels)
    image = admin.image.find_image("tiny")
    flavor = admin.compute.find_flavor("m1.tiny")
    conn = admin
    server = conn.compute.create_server(
        name="it-boot", image_id=image.id, flavor_id=flavor.id, networks="none"
    )
    try:
        conn.compute.wait_for_server(server, status="ACTIVE", wait=120)
        h.run("quota_usage")
        assert h.value("openstack_quota_in_use", **labels) == before + 1
    finally:
        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, wait=120)
    h.run("quota_usage")
    assert h.value("openstack_quota_in_use", **labels) == before


def test_incremental_equals_a_full_read_after_changes(clouds, admin):
    """The equality guard on a real cloud: an exporter that synced once, then followed boots,
    a delete, a migration, a disabled service and a quota change by deltas (Nova's
    changes-since, Placement generations), serves exactly what a fresh full read serves."""
    ids = project_ids(admin)
    inc = exporter(clouds)
    inc.run()
    image = admin.image.find_image("tiny")
    flavor = admin.compute.find_flavor("m1.tiny")
    booted = [
        admin.compute.create_server(
            name=f"it-delta-{i}", image_id=image.id, flavor_id=flavor.id, networks="none"
        )
        for i in range(2)
    ]
    service = next(
        s for s in admin.compute.services() if s.host == "compute-1" and s.binary == "nova-compute"
    )
    try:
        for server in booted:
            admin.compute.wait_for_server(server, status="ACTIVE", wait=120)
        inc.run()  # deltas: the boots
        admin.compute.delete_server(booted[0])
        admin.compute.wait_for_delete(booted[0], wait=120)
        admin.compute.migrate_server(booted[1])  # a cold migration, confirmed below
        admin.compute.wait_for_server(booted[1], status="VERIFY_RESIZE", wait=120)
        admin.compute.confirm_server_resize(booted[1])
        admin.compute.wait_for_server(booted[1], status="ACTIVE", wait=120)
        admin.compute.disable_service(service, disabled_reason="delta test")
        admin.compute.put(f"/os-quota-sets/{ids['delta']}", json={"quota_set": {"cores": 7}})
        # Nova marks a server deleted, then frees its allocations: let it finish.
        time.sleep(3)
        inc.run()
        full = exporter(clouds, sources=full_reads())
        full.run()
        assert inc.store.sources()["servers"].last_delta is not None
        assert inc.store.sources()["resource_providers"].last_delta is not None
        assert inc.state_exposition() == full.state_exposition()
    finally:
        admin.compute.enable_service(service)
        admin.compute.put(f"/os-quota-sets/{ids['delta']}", json={"quota_set": {"cores": 20}})
        for server in booted:
            admin.compute.delete_server(server, ignore_missing=True)
        for server in booted:
            admin.compute.wait_for_delete(server, wait=120)


def test_stopped_compute_goes_down(clouds, admin):
    """Kill nova-compute on compute-3: it shows down within Nova's service_down_time (60 s)
    plus one run; the harness starts it again."""
    from tests.integration import harness

    h = exporter(clouds)
    labels = {"binary": "nova-compute", "host": "compute-3", "zone": "az2"}
    h.run("compute_services")
    assert h.value("openstack_compute_service_up", **labels) == 1
    pid = int((harness.RUN / "nova-compute-3.pid").read_text())
    os.killpg(pid, signal.SIGTERM)
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            h.run("compute_services")
            if h.value("openstack_compute_service_up", **labels) == 0:
                break
            time.sleep(5)
        assert h.value("openstack_compute_service_up", **labels) == 0
        api = next(
            s
            for s in admin.compute.services()
            if s.host == "compute-3" and s.binary == "nova-compute"
        )
        assert api.state == "down"
    finally:
        harness.start_compute(3)
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            state = next(
                s
                for s in admin.compute.services()
                if s.host == "compute-3" and s.binary == "nova-compute"
            ).state
            if state == "up":
                break
            time.sleep(3)
        assert state == "up", "compute-3 did not come back"


def test_printed_access_rules_are_what_the_credential_has(clouds, admin):
    from exporter.contract import access_rules

    rules = json.loads((HOME / "access-rules.json").read_text())
    assert rules == access_rules(all_collectors().values())


def test_real_nova_pagination(clouds, admin):
    """Nova's own next links, followed page by page, give the same counts as one big page."""
    small = exporter(clouds, sources={"servers": {"page_size": 2, "resync": 0}})
    big = exporter(clouds)
    small.run("compute_servers")
    big.run("compute_servers")
    name = "openstack_compute_servers"
    counts = {tuple(sorted(s.items())): big.value(name, **s) for s in big.series(name)}
    assert counts == {tuple(sorted(s.items())): small.value(name, **s) for s in small.series(name)}
    assert sum(counts.values()) == len(list(admin.compute.servers(all_projects=True))) >= 8
