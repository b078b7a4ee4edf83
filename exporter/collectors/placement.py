"""Placement inventory and usage per resource provider and resource class.

Placement is the capacity truth: from compute microversion 2.88 the hypervisor API no longer
reports vcpus, memory or disk. Nested providers (a vGPU child under a compute node) are labelled
with their root provider's name as ``host``, so capacity rolls up per host.

Reads the resource_providers source (its docstring states the cost); no API call of its own.

    openstack_placement_resource_inventory{host="cmp-004",resource_class="VGPU",
        resource_provider="cmp-004_pci_0000_81_00_0"} 4.0
    openstack_placement_resource_usage{host="cmp-001",resource_class="VCPU",
        resource_provider="cmp-001"} 29.0
"""

from __future__ import annotations

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.resource_providers import Provider, ResourceProviders

LABELS = ["host", "resource_provider", "resource_class"]
_BG = "(Placement; collected in background)"
_UNIT = (
    "in the class's own unit (VCPU: cores, MEMORY_MB: MiB, DISK_GB: GiB); never sum across classes"
)


@collector(
    "placement",
    interval=120,
    help="Placement inventories and usages per resource provider and class",
    reads=(ResourceProviders,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return provider_families(list(model[ResourceProviders]))


def provider_families(providers: list[Provider]) -> list[Metric]:
    def family(name: str, what: str) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            f"openstack_placement_resource_{name}", f"{what} {_BG}.", labels=LABELS
        )

    inventory = family("inventory", f"Inventory total, {_UNIT}")
    reserved = family("reserved", f"Inventory reserved for the host itself, {_UNIT}")
    ratio = family("allocation_ratio", "Overcommit ratio applied to (total - reserved)")
    min_unit = family("min_unit", "Smallest amount one allocation may take")
    max_unit = family("max_unit", "Largest amount one allocation may take (e.g. the largest VM)")
    step = family("step_size", "Allocations must be a multiple of this amount")
    usage = family("usage", f"Amount allocated to consumers, {_UNIT}")
    names = {p.uuid: p.name for p in providers}
    for p in sorted(providers, key=lambda p: (names.get(p.root_uuid, p.name), p.name)):
        host = names.get(p.root_uuid, p.name)
        for rc, inv in sorted(p.inventories.items()):
            labels = [host, p.name, rc]
            inventory.add_metric(labels, inv.total)
            reserved.add_metric(labels, inv.reserved)
            ratio.add_metric(labels, inv.allocation_ratio)
            min_unit.add_metric(labels, inv.min_unit)
            max_unit.add_metric(labels, inv.total if inv.max_unit is None else inv.max_unit)
            step.add_metric(labels, inv.step_size)
            usage.add_metric(labels, p.usages.get(rc, 0))
    return [inventory, reserved, ratio, min_unit, max_unit, step, usage]
