"""Glance stores (multi-store back ends): ID, driver type, default, read-only, weight.

Full sync only, 1 call (``GET /v2/info/stores/detail``, admin-only by the default policy
``stores_info_detail``): the list is a few entries from Glance's configuration, with no delta.
It reports no capacity or usage — what each store holds is counted from the images' ``stores``
field by the collector. ``/v2/info/usage`` is no help either: it reports the caller's own
project's quota usage only.

A Glance without multi-store (no ``enabled_backends``) answers 404 "Multi backend is not
supported at this site." (``glance/api/v2/discovery.py``): the source then reports itself absent,
as for a service missing from the catalog, and its collector is skipped rather than failed.
Glance writes the flags as strings (``"default": "true"``, ``"read-only": "true"``, present only
when true); ``weight`` exists from Glance 2023.2 (Bobcat) and is absent before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exporter.api import ApiError, ServiceAbsent
from exporter.contract import Source, SyncContext
from exporter.sources.images import SERVICE_TYPES

PATH = "/info/stores/detail"


@dataclass(frozen=True, slots=True)
class ImageStore:
    id: str
    type: str  # the glance_store driver: rbd, file, swift, cinder, s3, http
    default: bool
    read_only: bool
    weight: float | None  # None when this Glance reports none


def _flag(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ApiError("image", PATH, "a store flag is neither 'true' nor 'false'")


def store(item: Any) -> ImageStore:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        raise ApiError("image", PATH, "a store without an id")
    weight = item.get("weight")
    if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int | float)):
        raise ApiError("image", PATH, "a store's weight is not a number")
    return ImageStore(
        id=item["id"],
        type=str(item.get("type") or ""),
        default=_flag(item.get("default")),
        read_only=_flag(item.get("read-only")),
        weight=None if weight is None else float(weight),
    )


class ImageStores(Source[tuple[ImageStore, ...]]):
    name = "image_stores"
    services = SERVICE_TYPES
    access = (("image", "/v2/info/stores/detail"),)

    def full(self, ctx: SyncContext) -> tuple[ImageStore, ...]:
        try:
            items = ctx.api.get("image", PATH, "stores")
        except ApiError as exc:
            if exc.status == 404:
                raise ServiceAbsent("Glance has a single store (no multi-store API)") from None
            raise
        return tuple(sorted((store(i) for i in items), key=lambda s: s.id))
