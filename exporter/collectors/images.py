"""Glance images: how many per status, and how many and how large per project and visibility.

Reads the images source (its docstring states the cost: two listings, ``os_hidden=false`` and
``=true``, with ``visibility=all``, one page each up to 1,000 images). Every image Glance lists
counts: every project's, public, private, shared and community, hidden (``os_hidden``) or not.
Glance never lists deleted, ``pending_delete`` or ``killed`` images, so those statuses have no
series; the six statuses a list can hold are always exported, at 0 when none is in them.

Bytes are Glance's ``size``. An image without data (``queued``; ``saving`` until the upload
ends) has ``size`` null: it is left out of the sum, never counted as 0 bytes, and
``openstack_image_unsized_images`` counts those images per status. A (project, visibility,
hidden) group whose every image is unsized has a count series and no bytes series.

Series: one per (project, visibility, os_hidden) that holds images — bounded by the projects,
as the quota families are, and usually one or two per project that has any.

    openstack_image_images{status="active"} 42.0
    openstack_image_project_images{os_hidden="false",project_id="…",visibility="private"} 3.0
    openstack_image_project_bytes{os_hidden="false",project_id="…",visibility="private"} 3.2e+09
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from exporter.contract import CollectorSettings, collector
from exporter.model import Model
from exporter.sources.images import Image, Images

# The statuses Glance's list can return (api-ref "Image status", less those it never lists).
LISTED_STATUSES = ("queued", "saving", "uploading", "importing", "active", "deactivated")
_BG = "(Glance images of all projects, hidden and community included; collected in background)"


@collector(
    "images",
    interval=300,
    help="Glance images per status; count and bytes per project and visibility",
    reads=(Images,),
)
def collect(model: Model, settings: CollectorSettings) -> list[Metric]:
    return image_families(model[Images].images.values())


def image_families(images: Iterable[Image]) -> list[Metric]:
    by_status: Counter[str] = Counter(dict.fromkeys(LISTED_STATUSES, 0))
    unsized: Counter[str] = Counter()
    counts: Counter[tuple[str, str, str]] = Counter()
    sizes: dict[tuple[str, str, str], int] = {}
    for image in images:
        by_status[image.status] += 1
        group = (image.project_id, image.visibility, "true" if image.os_hidden else "false")
        counts[group] += 1
        if image.size is None:
            unsized[image.status] += 1
        else:
            sizes[group] = sizes.get(group, 0) + image.size

    status = GaugeMetricFamily(
        "openstack_image_images", f"Images per status {_BG}.", labels=["status"]
    )
    nosize = GaugeMetricFamily(
        "openstack_image_unsized_images",
        "Images whose size Glance reports as null (no data yet), per status; their bytes are "
        f"in no openstack_image_project_bytes series {_BG}.",
        labels=["status"],
    )
    for name in sorted(by_status):
        status.add_metric([name], by_status[name])
        nosize.add_metric([name], unsized[name])
    labels = ["project_id", "visibility", "os_hidden"]
    project_images = GaugeMetricFamily(
        "openstack_image_project_images",
        f"Images per owning project, visibility and os_hidden {_BG}.",
        labels=labels,
    )
    project_bytes = GaugeMetricFamily(
        "openstack_image_project_bytes",
        "Sum of the sizes of the images per owning project, visibility and os_hidden; images "
        f"of unknown (null) size are not in it {_BG}.",
        labels=labels,
    )
    for group in sorted(counts):
        project_images.add_metric(list(group), counts[group])
        if group in sizes:
            project_bytes.add_metric(list(group), sizes[group])
    return [status, nosize, project_images, project_bytes]
