"""Image (Glance v2): its catalog entry and version document, its part of the cloud's state, and
its routes: the image list and the stores.

The list behaves as Glance's does (``glance/api/v2/images.py`` ``index``,
``glance/db/sqlalchemy/api.py`` ``_image_get_all``): deleted and ``killed`` images are never
listed; ``os_hidden`` images only with ``os_hidden=true``, which then lists only them; community
images only with ``visibility=community`` or ``all`` (an admin sees every project's images);
pages of 25 by default and at most 1,000, newest first, a top-level ``next`` while a page is
full; ``changes-since`` is refused with 400. The stores answer 404 unless multi-store is on.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from exporter.demo import bodies
from exporter.demo.routes import Request, Result, Service, offer, route

if TYPE_CHECKING:
    from exporter.demo.cloud import DemoCloud

# Glance's limit_param_default and api_limit_max (glance/common/config.py).
DEFAULT_PAGE = 25
MAX_PAGE = 1000
VISIBILITIES = ("public", "private", "shared", "community")
GIB = 2**30
MIB = 2**20


@dataclass(slots=True)
class Image:
    id: str
    name: str
    owner: str
    status: str
    visibility: str
    size: int | None  # bytes; None until data is uploaded, as Glance reports it
    created: float
    updated: float
    os_hidden: bool = False
    stores: tuple[str, ...] = ()
    disk_format: str = "qcow2"
    protected: bool = False
    # Extra properties shown as top-level keys (os_glance_importing_to_stores, ...).
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ImageStore:
    id: str
    type: str  # rbd, file, swift, cinder, s3, http
    description: str
    weight: int
    properties: dict[str, Any]
    default: bool = False


class ImageState:
    """DemoCloud's image part: images (all projects) and, with multi-store, the stores."""

    images: list[Image]
    image_stores: list[ImageStore]

    def seed(self, rng: random.Random, hosts: int, projects: int) -> None:
        """Public images of the admin project, a few images per tenant (about 0.4 each, so a
        2,000-project cloud lists in one page of 1,000), and one of each state an admin must
        see: stuck uploads and imports, hidden, community, shared, deactivated, http-backed."""
        cloud: DemoCloud = self  # type: ignore[assignment]
        now = cloud.now()

        def new_id() -> str:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))

        self.image_stores = [
            ImageStore(
                "ceph",
                "rbd",
                "Replicated Ceph pool",
                100,
                {
                    "chunk_size": 8 * MIB,
                    "pool": "images",
                    "thin_provisioning": False,
                    "fsid": new_id(),
                },
                default=True,
            ),
            ImageStore(
                "local",
                "file",
                "Local disk of the image hosts",
                50,
                {
                    "data_dir": "/var/lib/glance/images/",
                    "chunk_size": 65536,
                    "thin_provisioning": False,
                },
            ),
            ImageStore(
                "archive",
                "swift",
                "Object store for seldom-used images",
                10,
                {
                    "container": "glance",
                    "large_object_size": 5120,
                    "large_object_chunk_size": 200,
                },
            ),
            ImageStore("mirror", "http", "Vendor mirror", 0, {}),
        ]
        admin = cloud.projects[0].id
        tenants = [p.id for p in cloud.projects if p.name not in ("admin", "service")] or [admin]
        images: list[Image] = []

        def add(
            owner: str,
            name: str,
            status: str,
            age: float,
            *,
            size: int | None = -1,  # -1: none while there is no data, else a random size
            visibility: str = "private",
            stores: tuple[str, ...] | None = None,  # None: the default store once it has data
            **kw: Any,
        ) -> Image:
            if size == -1:
                no_data = status in ("queued", "saving")
                size = None if no_data else rng.choice((300, 600, 900, 2048, 4096, 10240)) * MIB
            if stores is None:
                stores = ("ceph",) if status in ("active", "deactivated") else ()
            created = now - age - rng.randint(60, 3600)
            image = Image(
                new_id(),
                name,
                owner,
                status,
                visibility,
                size,
                created,
                now - age,
                stores=stores,
                **kw,
            )
            images.append(image)
            return image

        day = 86400.0
        for name, size, age in (
            ("cirros-0.6.2", 21430272, 200 * day),
            ("ubuntu-24.04", 611 * MIB, 40 * day),
            ("debian-12", 412 * MIB, 60 * day),
            ("centos-stream-9", 1150 * MIB, 30 * day),
        ):
            add(
                admin,
                name,
                "active",
                age,
                size=size,
                visibility="public",
                stores=("ceph", "archive"),
            )
        # Superseded but kept for servers booted from it: hidden from the default list.
        add(
            admin,
            "ubuntu-22.04",
            "active",
            90 * day,
            size=598 * MIB,
            visibility="public",
            os_hidden=True,
            protected=True,
        )
        add(admin, "centos-7", "deactivated", 20 * day, size=900 * MIB, visibility="public")
        add(
            admin,
            "vendor-appliance",
            "active",
            10 * day,
            size=2 * GIB,
            visibility="public",
            stores=("mirror",),
            disk_format="raw",
        )

        def tenant(n: int) -> str:
            return tenants[n % len(tenants)]

        # One of each problem, whatever the cloud's size.
        add(tenant(0), "upload-never-finished", "queued", 3 * day)
        add(tenant(1), "upload-in-progress", "queued", 600)
        add(tenant(1), "upload-lost", "saving", 5 * 3600)
        add(tenant(2), "upload-running", "saving", 120)
        add(
            tenant(2),
            "import-lost",
            "importing",
            3 * 3600,
            size=4 * GIB,
            properties={
                "os_glance_import_task": new_id(),
                "os_glance_importing_to_stores": "ceph,archive",
                "os_glance_failed_import": "",
            },
        )
        add(tenant(0), "staged-never-imported", "uploading", 26 * 3600, size=GIB)
        add(
            tenant(3), "golden-image-v1", "active", 14 * day, visibility="community", os_hidden=True
        )
        add(tenant(3), "golden-image-v2", "active", 2 * day, visibility="community")
        add(
            tenant(4), "team-base", "active", 5 * day, visibility="shared", stores=("ceph", "local")
        )
        # A killed image from before Glance v2 stopped killing uploads: never listed.
        add(tenant(0), "legacy-killed", "killed", 400 * day, size=None)

        for owner in tenants:
            for i in range(rng.choice((0, 0, 0, 1, 1))):
                add(
                    owner,
                    f"snapshot-{owner[:6]}-{i}",
                    "active",
                    rng.uniform(1, 90) * day,
                    visibility=rng.choice(("private",) * 7 + ("shared", "shared", "community")),
                    stores=rng.choice((("ceph",), ("ceph",), ("local",), ("ceph", "archive"))),
                )
        self.images = images

    def image(self, image_id: str) -> Image:
        with self.lock:  # type: ignore[attr-defined]
            return next(i for i in self.images if i.id == image_id)

    def set_image(self, image_id: str, **changes: Any) -> Image:
        """Change an image as Glance would, stamping ``updated_at``."""
        cloud: DemoCloud = self  # type: ignore[assignment]
        with cloud.lock:
            image = self.image(image_id)
            for key, value in changes.items():
                setattr(image, key, value)
            image.updated = cloud.now()
            return image

    def delete_image(self, image_id: str) -> None:
        """Glance marks the row deleted: it is never listed again."""
        with self.lock:  # type: ignore[attr-defined]
            self.images = [i for i in self.images if i.id != image_id]

    def set_multi_store(self, enabled: bool) -> None:
        """Without ``enabled_backends`` Glance has no stores API and images no ``stores``."""
        with self.lock:  # type: ignore[attr-defined]
            if not enabled:
                self.image_stores = []
                for image in self.images:
                    image.stores = ()


# -- catalog entry and version document ------------------------------------------------------------


def image_versions(base: str) -> dict[str, Any]:
    """``GET /`` as Glance answers it: v2.18 CURRENT, every earlier v2.x SUPPORTED, one URL."""
    link = [{"href": f"{base}/image/v2/", "rel": "self"}]
    return {
        "versions": [
            {
                "id": f"v2.{minor}",
                "links": link,
                "status": "CURRENT" if minor == 18 else "SUPPORTED",
            }
            for minor in range(18, -1, -1)
        ]
    }


SERVICE = offer(
    Service(
        "image",
        "glance",
        "/image",
        "image",
        lambda base: {"/image": image_versions(base)},
        ImageState,
    )
)


# -- routes ----------------------------------------------------------------------------------------


def _time(ts: float) -> str:
    # oslo timeutils.isotime: whole seconds and a Z.
    return bodies.iso_z(ts).split(".")[0] + "Z"


def image_body(cloud: DemoCloud, image: Image) -> dict[str, Any]:
    """One image as the v2 list shows it (``_format_image``)."""
    has_data = image.size is not None and image.status not in ("queued", "saving")
    digest = hashlib.sha512(image.id.encode()).hexdigest() if has_data else None
    body: dict[str, Any] = {
        **image.properties,
        "status": image.status,
        "name": image.name,
        "tags": [],
        "container_format": "bare",
        "created_at": _time(image.created),
        "disk_format": image.disk_format,
        "updated_at": _time(image.updated),
        "visibility": image.visibility,
        "self": f"/v2/images/{image.id}",
        "min_disk": 0,
        "protected": image.protected,
        "id": image.id,
        "file": f"/v2/images/{image.id}/file",
        "checksum": hashlib.md5(image.id.encode()).hexdigest() if has_data else None,  # noqa: S324 - a demo checksum
        "os_hash_algo": "sha512" if has_data else None,
        "os_hash_value": digest,
        "os_hidden": image.os_hidden,
        "owner": image.owner,
        "size": image.size,
        "min_ram": 0,
        "schema": "/v2/schemas/image",
        "virtual_size": None,
    }
    # Multi-store only: the stores holding the data, comma-separated.
    if cloud.image_stores and image.stores:
        body["stores"] = ",".join(image.stores)
    return body


def _error(status: int, title: str, message: str) -> Result:
    # webob's JSON error body, which Glance sends when asked for JSON.
    return status, {"code": f"{status} {title}", "title": title, "message": message}


@route(r"/image/v2/images")
def images(req: Request) -> Result:
    cloud = req.cloud
    if req.arg("changes-since") is not None:
        return _error(
            400, "Bad Request", 'The "changes-since" filter is no longer available on v2.'
        )
    hidden = (req.arg("os_hidden") or "false").lower()
    if hidden not in ("true", "false"):
        return _error(400, "Bad Request", f"Invalid value '{hidden}' for 'os_hidden' filter.")
    visibility = req.arg("visibility")
    if visibility is not None and visibility not in (*VISIBILITIES, "all"):
        return _error(400, "Bad Request", f"Invalid visibility value: {visibility}")
    try:
        limit = min(int(req.arg("limit") or DEFAULT_PAGE), MAX_PAGE)
    except ValueError:
        return _error(400, "Bad Request", "limit param must be an integer")
    with cloud.lock:
        listed = [
            i
            for i in cloud.images
            if i.status != "killed"
            and i.os_hidden == (hidden == "true")
            and (
                i.visibility == visibility
                if visibility not in (None, "all")
                # Without a visibility an admin's list leaves out other projects' community
                # images (context.owner is the admin's project).
                else visibility == "all"
                or i.visibility != "community"
                or i.owner == cloud.project_id.replace("-", "")
            )
        ]
        listed.sort(key=lambda i: (i.created, i.id), reverse=True)
        marker = req.arg("marker")
        if marker is not None:
            ids = [i.id for i in listed]
            if marker not in ids:
                return _error(400, "Bad Request", f"No image found with ID {marker}")
            listed = listed[ids.index(marker) + 1 :]
        page = listed[:limit]
        body: dict[str, Any] = {
            "images": [image_body(cloud, i) for i in page],
            "schema": "/v2/schemas/images",
        }
    params = [(k, v) for k, values in req.query.items() if k != "marker" for v in values]
    body["first"] = f"/v2/images?{urlencode(params)}" if params else "/v2/images"
    if page and len(page) == limit:
        body["next"] = f"/v2/images?{urlencode([*params, ('marker', page[-1].id)])}"
    return 200, body


def _no_multi_store() -> Result:
    return _error(
        404,
        "Not Found",
        "The resource could not be found.<br /><br />\nMulti backend is not supported at this "
        "site.\n\n",
    )


@route(r"/image/v2/info/stores")
def stores(req: Request) -> Result:
    with req.cloud.lock:
        if not req.cloud.image_stores:
            return _no_multi_store()
        out = []
        for s in req.cloud.image_stores:
            body: dict[str, Any] = {"id": s.id, "description": s.description}
            if s.default:
                body["default"] = "true"
            if s.type == "http":
                body["read-only"] = "true"
            out.append(body)
    return 200, {"stores": out}


@route(r"/image/v2/info/stores/detail")
def stores_detail(req: Request) -> Result:
    """Admin only (policy ``stores_info_detail``); the demo's token is an admin's."""
    status, body = stores(req)
    if status != 200:
        return status, body
    with req.cloud.lock:
        by_id = {s.id: s for s in req.cloud.image_stores}
        for store in body["stores"]:
            s = by_id[store["id"]]
            store.update(type=s.type, properties=dict(s.properties), weight=s.weight)
    return 200, body
