"""N+1 per zone as the OpenStackZoneNotNPlusOne alert computes it, and free instances per zone."""

from exporter.web.capacity import HostResource, free_instances_by_zone, host_resources, n_plus_one


def hr(host: str, capacity: float, usage: float, *, zone="az1", schedulable=True, rc="VCPU"):
    return HostResource(host, zone, schedulable, rc, capacity, usage)


def test_zone_survives_when_the_others_can_take_the_largest_hosts_load():
    # Largest host 100; free: 40 + 30 + 30 = 100: its 60 used fit in the others' 60 free.
    (z,) = n_plus_one([hr("a", 100, 60), hr("b", 50, 20), hr("c", 50, 20)])
    assert (z.largest_host, z.largest_capacity, z.free) == ("a", 100, 100)
    assert z.survives


def test_zone_not_n_plus_one_when_free_is_below_the_largest_capacity():
    (z,) = n_plus_one([hr("a", 100, 61), hr("b", 50, 20), hr("c", 50, 20)])
    assert z.free == 99
    assert not z.survives


def test_unschedulable_hosts_count_for_neither_side():
    hosts = [hr("big", 1000, 0, schedulable=False), hr("a", 100, 10), hr("b", 100, 10)]
    (z,) = n_plus_one(hosts)
    assert (z.largest_host, z.free) == ("a", 180)  # "big" offers nothing and is not the largest
    assert n_plus_one([hr("x", 10, 0, schedulable=False)]) == []


def test_per_zone_and_resource_class():
    hosts = [
        hr("a", 10, 9, zone="az1"),
        hr("b", 10, 0, zone="az2"),
        hr("a", 100, 0, zone="az1", rc="MEMORY_MB"),
    ]
    got = {(z.zone, z.resource_class): z.survives for z in n_plus_one(hosts)}
    assert got == {("az1", "VCPU"): False, ("az1", "MEMORY_MB"): True, ("az2", "VCPU"): True}


def test_host_resources_follows_the_recording_rule():
    key = ("cmp-1", "cmp-1", "VCPU")
    child = ("cmp-1", "cmp-1_pci", "VGPU")
    hosts = host_resources(
        inventory={key: 64, child: 4, ("gone", "gone", "VCPU"): 8},
        reserved={key: 4, child: 0},
        ratio={key: 4.0, child: 1.0},
        usage={key: 30, child: 1},
        schedulable={("cmp-1", "az1"): 1.0},
    )
    assert hosts == [
        HostResource("cmp-1", "az1", True, "VCPU", 240.0, 30.0),
        HostResource("cmp-1", "az1", True, "VGPU", 4.0, 1.0),
    ]  # (64 - 4) × 4; "gone" has no schedulable series, so no zone


def test_free_instances_summed_per_zone_and_flavor():
    free = {
        ("1", "m1.tiny", "a", "az1"): 3,
        ("1", "m1.tiny", "b", "az1"): 4,
        ("1", "m1.tiny", "c", "az2"): 0,
    }
    assert free_instances_by_zone(free) == {
        "az1": {("1", "m1.tiny"): 7},
        "az2": {("1", "m1.tiny"): 0},
    }
