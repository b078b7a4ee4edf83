"""Glance stores (multi-store): which exist, which is the default, and what each holds.

Reads the image_stores source (1 call, ``GET /v2/info/stores/detail``) and the images source.
Glance's store API reports no capacity or usage, so what a store holds is counted from the
images: each image lists the stores its data is in (``stores``, multi-store only), and an image
in two stores counts, with its size, in both — as Glance's own quota counts it (size × locations).
A store some image names but the configuration no longer lists still gets its images and bytes
series, without an ``_info``. For the back end's own free space, ask the back end (Ceph, Swift).

A Glance without multi-store has no store API: this collector is then skipped
(``openstack_exporter_collector_service_absent``), and a single store's content is the sum of
``openstack_image_project_bytes``.

    openstack_image_store_info{store="ceph",store_type="rbd"} 1.0
    openstack_image_store_default{store="ceph"} 1.0
    openstack_image_store_bytes{store="ceph"} 2.5e+10
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.image_stores import ImageStore, ImageStores
from exporter.sources.images import Image, Images

_BG = "(Glance stores/detail and image list; collected in background)"


@collector(
    "image_stores",
    interval=300,
    help="Glance stores: type, default, read-only, weight; images and bytes each holds",
    reads=(ImageStores, Images),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return store_families(model[ImageStores], model[Images].images.values())


def store_families(stores: Iterable[ImageStore], images: Iterable[Image]) -> list[Metric]:
    def gauge(name: str, what: str) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            f"openstack_image_store_{name}", f"{what} {_BG}.", labels=["store"]
        )

    info = InfoMetricFamily(
        "openstack_image_store",
        f"A configured store and its driver type, for joins {_BG}.",
        labels=["store", "store_type"],
    )
    default = gauge("default", "Whether the store is Glance's default store")
    read_only = gauge("read_only", "Whether the store is read-only, as http stores are")
    weight = gauge("weight", "The store's weight: Glance serves image data from the highest")
    held = gauge("images", "Images with data in the store")
    size = gauge(
        "bytes", "Sum of the sizes of the images with data in the store (each copy counts)"
    )
    count: Counter[str] = Counter()
    total: Counter[str] = Counter()
    configured = sorted(stores, key=lambda s: s.id)
    for s in configured:
        count[s.id] += 0
        total[s.id] += 0
    for image in images:
        for store_id in image.stores:
            count[store_id] += 1
            # An image with a location has data, hence a size; a null one adds nothing.
            total[store_id] += image.size or 0
    for s in configured:
        info.add_metric([s.id], {"store_type": s.type})
        default.add_metric([s.id], float(s.default))
        read_only.add_metric([s.id], float(s.read_only))
        if s.weight is not None:
            weight.add_metric([s.id], s.weight)
    for store_id in sorted(count):
        held.add_metric([store_id], count[store_id])
        size.add_metric([store_id], total[store_id])
    return [info, default, read_only, weight, held, size]
