"""The capacity arithmetic on its own: Nova's flavor translation and Placement's rules."""

import math

from exporter.collectors._capacity import (
    FlavorRequest,
    Inventory,
    Provider,
    aggregate_allows,
    flavor_request,
    free_instances,
    instances_from,
)


def test_flavor_translation():
    plain = flavor_request(2, 4096, 40, 10, 1536, {})
    # swap 1536 MiB rounds up to 2 GiB of DISK_GB, added to root and ephemeral.
    assert plain.resources == {"VCPU": 2, "MEMORY_MB": 4096, "DISK_GB": 52}
    pinned = flavor_request(4, 8192, 0, 0, 0, {"hw:cpu_policy": "dedicated"})
    assert pinned.resources == {"PCPU": 4, "MEMORY_MB": 8192}  # disk 0 asks for nothing
    custom = flavor_request(
        8,
        1024,
        10,
        0,
        0,
        {
            "resources:VCPU": "0",
            "resources:CUSTOM_BAREMETAL_GOLD": "1",
            "trait:CUSTOM_RAID": "required",
            "trait:HW_GPU": "forbidden",
            "aggregate_instance_extra_specs:ssd": "true",
            "hw:mem_page_size": "large",
        },
    )
    assert custom.resources == {"MEMORY_MB": 1024, "DISK_GB": 10, "CUSTOM_BAREMETAL_GOLD": 1}
    assert custom.required == {"CUSTOM_RAID"}
    assert custom.forbidden == {"HW_GPU"}
    assert custom.aggregate_metadata == {"ssd": "true"}


def test_one_allocation_is_bounded_by_units():
    inv = Inventory(
        total=64, reserved=4, allocation_ratio=2.0, min_unit=2, max_unit=16, step_size=2
    )
    assert inv.capacity == 120
    assert instances_from(inv, used=0, amount=4) == 30
    assert instances_from(inv, used=100, amount=4) == 5
    assert instances_from(inv, used=0, amount=32) == 0  # above max_unit
    assert instances_from(inv, used=0, amount=1) == 0  # below min_unit
    assert instances_from(inv, used=0, amount=3) == 0  # not a multiple of step_size
    assert instances_from(inv, used=130, amount=4) == 0  # overcommitted already: never negative


def provider(uuid, inventories, usages=None, traits=(), parent=None, root=None):
    return Provider(uuid, uuid, parent, root or uuid, inventories, usages or {}, frozenset(traits))


def test_nested_provider_and_traits():
    root = provider(
        "root",
        {"VCPU": Inventory(16, allocation_ratio=4.0), "MEMORY_MB": Inventory(65536, reserved=1024)},
        {"VCPU": 8, "MEMORY_MB": 16384},
        traits={"HW_CPU_X86_AVX2"},
    )
    gpu = provider(
        "gpu",
        {"VGPU": Inventory(4)},
        {"VGPU": 3},
        traits={"CUSTOM_A100"},
        parent="root",
        root="root",
    )
    req = FlavorRequest({"VCPU": 4, "MEMORY_MB": 8192, "VGPU": 1}, frozenset({"CUSTOM_A100"}))
    # VCPU (64-8)/4 = 14, MEMORY (64512-16384)/8192 = 5, VGPU 1: the GPU is the limit.
    assert free_instances(req, [root, gpu]) == 1
    no_gpu = FlavorRequest({"VCPU": 4, "MEMORY_MB": 8192})
    assert free_instances(no_gpu, [root, gpu]) == 5
    needs_other = FlavorRequest({"VCPU": 1}, frozenset({"CUSTOM_OTHER"}))
    assert free_instances(needs_other, [root, gpu]) == 0
    avoid_avx = FlavorRequest({"VCPU": 1}, forbidden=frozenset({"HW_CPU_X86_AVX2"}))
    assert free_instances(avoid_avx, [root, gpu]) == 0
    assert free_instances(FlavorRequest({"PCPU": 1}), [root, gpu]) == 0


def test_aggregate_extra_specs_filter():
    req = FlavorRequest({"VCPU": 1}, aggregate_metadata={"ssd": "true"})
    assert aggregate_allows(req, [{"ssd": "true"}])
    assert aggregate_allows(req, [{"ssd": "false,true"}])
    assert not aggregate_allows(req, [{"ssd": "false"}, {"gpu": "true"}])
    assert not aggregate_allows(req, [])
    assert aggregate_allows(FlavorRequest({"VCPU": 1}), [])


def test_capacity_never_negative():
    assert Inventory(total=4, reserved=8).capacity == 0
    assert math.isclose(Inventory(total=10, allocation_ratio=1.5).capacity, 15)
