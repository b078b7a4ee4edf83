"""Glance images an admin must clean up: uploads and imports that stopped, images never given
data, and (from older releases) killed images.

Ages come from ``updated_at``, which Glance writes at every status change. Thresholds:
- ``stuck`` (seconds, default 7200) for ``saving`` (an upload in progress), ``uploading`` (data
  being staged for an interoperable import, or staged and never imported) and ``importing``: an
  upload or import of an image tens of GB large, converted and copied to several stores, takes
  well under an hour; two hours means the glance-api worker doing it died or lost its task.
- ``queued`` (default 86400) for ``queued``: an image record with no data. A client creates it
  and uploads seconds later; a failed upload or import also falls back to ``queued``. A day
  later nobody is coming back for it, and it still counts against the owner's image quota.
``killed`` counts at any age. Glance v2 never lists a killed image (see the images source), so
in practice it shows only from a Glance that does.

/problems shows, for an import, the stores it is importing to and those that failed
(``os_glance_importing_to_stores``, ``os_glance_failed_import``).

Reads the images source (two listings of all images; its docstring states the cost).

    openstack_image_problems{age="1h_1d",problem="stuck_saving",project_id="…",
        resource_type="image"} 1.0
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from exporter.collectors._problems import DETAIL_OPTION, problem_result
from exporter.contract import CollectorSettings, Finding, Findings, collector
from exporter.model import Model
from exporter.sources.images import Image, Images

# Transitional statuses and the threshold option that applies to each.
THRESHOLD = {"saving": "stuck", "uploading": "stuck", "importing": "stuck", "queued": "queued"}
PROBLEMS = ("stuck_queued", "stuck_saving", "stuck_uploading", "stuck_importing", "killed")


@collector(
    "image_problems",
    interval=300,
    help="Glance images stuck uploading or importing, queued without data, or killed",
    options={"stuck": 7200, "queued": 86400, **DETAIL_OPTION},
    reads=(Images,),
)
def collect(model: Model, settings: CollectorSettings) -> Findings:
    found = classify(
        model[Images].images.values(),
        {"stuck": settings.options["stuck"], "queued": settings.options["queued"]},
        time.time(),
    )
    return problem_result(
        "openstack_image_problem",
        "Glance images with a problem, by project, problem and time since the image last "
        "changed (Glance images of all projects; collected in background).",
        found,
        settings.options["detail_metrics"],
    )


def problem_of(image: Image, thresholds: dict[str, float], now: float) -> str | None:
    if image.status == "killed":
        return "killed"
    option = THRESHOLD.get(image.status)
    if option is None or image.updated is None:
        return None
    return f"stuck_{image.status}" if now - image.updated > thresholds[option] else None


def detail(image: Image) -> str:
    parts = []
    if image.importing_to:
        parts.append(f"importing to {image.importing_to}")
    if image.failed_import:
        parts.append(f"failed to import to {image.failed_import}")
    return "; ".join(parts)


def classify(images: Iterable[Image], thresholds: dict[str, float], now: float) -> list[Finding]:
    found = []
    for image in images:
        problem = problem_of(image, thresholds, now)
        if problem:
            found.append(
                Finding(
                    "image",
                    image.id,
                    image.project_id,
                    problem,
                    image.status,
                    image.updated,
                    resource_name=image.name,
                    detail=detail(image),
                )
            )
    return found
