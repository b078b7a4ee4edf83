"""Flavors, public and private, and what each asks of Placement.

Reads the flavors source (1 API call per 1,000 flavors per sync).

    openstack_compute_flavor_info{flavor_id="10",flavor_name="c1.pinned",is_public="true"} 1.0
    openstack_compute_flavor_resource_request{flavor_id="10",resource_class="PCPU"} 4.0
    openstack_compute_flavor_trait_request_info{flavor_id="20",requirement="required",
        trait="CUSTOM_NVIDIA_A100"} 1.0
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.collectors._capacity import AGGREGATE_KEY_PREFIX, request_for
from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.flavors import Flavors

MIB, GIB = 2**20, 2**30
_BG = "(Nova flavors; collected in background)"
_SCHEDULING_PREFIXES = ("hw:cpu_policy", "resources:", "trait:", AGGREGATE_KEY_PREFIX)


@collector(
    "compute_flavors",
    interval=300,
    help="Flavors: size, visibility, Placement request",
    reads=(Flavors,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return flavor_families(model[Flavors])


def flavor_families(flavors: Iterable[dict[str, Any]]) -> list[Metric]:
    info = InfoMetricFamily(
        "openstack_compute_flavor",
        f"A flavor, for joins by flavor_id {_BG}.",
        labels=["flavor_id", "flavor_name", "is_public"],
    )
    L = ["flavor_id"]  # noqa: N806 - reads like the label list it is
    vcpus = GaugeMetricFamily(
        "openstack_compute_flavor_vcpus", f"vCPUs of the flavor {_BG}.", labels=L
    )
    ram = GaugeMetricFamily(
        "openstack_compute_flavor_ram_bytes", f"RAM of the flavor {_BG}.", labels=L
    )
    disk = GaugeMetricFamily(
        "openstack_compute_flavor_disk_bytes", f"Root disk of the flavor {_BG}.", labels=L
    )
    ephemeral = GaugeMetricFamily(
        "openstack_compute_flavor_ephemeral_bytes", f"Ephemeral disk of the flavor {_BG}.", labels=L
    )
    swap = GaugeMetricFamily(
        "openstack_compute_flavor_swap_bytes", f"Swap disk of the flavor {_BG}.", labels=L
    )
    request = GaugeMetricFamily(
        "openstack_compute_flavor_resource_request",
        "Amount of each Placement resource class one instance of the flavor asks for, after "
        f"extra specs (hw:cpu_policy, resources:*), in the class's own unit {_BG}.",
        labels=["flavor_id", "resource_class"],
    )
    traits = InfoMetricFamily(
        "openstack_compute_flavor_trait_request",
        f"A trait the flavor requires or forbids on the host (trait:* extra specs) {_BG}.",
        labels=["flavor_id", "trait", "requirement"],
    )
    specs = InfoMetricFamily(
        "openstack_compute_flavor_extra_spec",
        "An extra spec of the flavor that changes where it can be scheduled (hw:cpu_policy, "
        f"resources:*, trait:*, aggregate_instance_extra_specs:*) {_BG}.",
        labels=["flavor_id", "key", "value"],
    )
    for f in sorted(flavors, key=lambda f: str(f["id"])):
        fid, public = str(f["id"]), f.get("os-flavor-access:is_public", True)
        info.add_metric([fid, str(f.get("name") or ""), str(bool(public)).lower()], {})
        vcpus.add_metric([fid], f.get("vcpus") or 0)
        ram.add_metric([fid], (f.get("ram") or 0) * MIB)
        disk.add_metric([fid], (f.get("disk") or 0) * GIB)
        ephemeral.add_metric([fid], (f.get("OS-FLV-EXT-DATA:ephemeral") or 0) * GIB)
        swap.add_metric([fid], int(f.get("swap") or 0) * MIB)
        req = request_for(f)
        for rc, amount in sorted(req.resources.items()):
            request.add_metric([fid, rc], amount)
        for trait in sorted(req.required):
            traits.add_metric([fid, trait, "required"], {})
        for trait in sorted(req.forbidden):
            traits.add_metric([fid, trait, "forbidden"], {})
        for key, value in sorted((f.get("extra_specs") or {}).items()):
            if key.startswith(_SCHEDULING_PREFIXES):
                specs.add_metric([fid, key, str(value)], {})
    return [info, vcpus, ram, disk, ephemeral, swap, request, traits, specs]
