"""Volume snapshots of all projects, kept as slim records.

Full sync only: ⌈snapshots / page_size⌉ calls of ``GET /snapshots/detail?all_tenants=1``
(Cinder caps a page at osapi_max_limit, 1,000 by default). Cinder's time comparison filters
(3.60) apply to volume lists alone, and snapshots are usually far fewer than volumes.
"""

from __future__ import annotations

from exporter.sources._cinder import PROJECT_KEYS, VolumeCopies


class Snapshots(VolumeCopies):
    name = "snapshots"
    access = (("block-storage", "/v3/*/snapshots/detail"),)
    kind = "snapshots"
    project_key = PROJECT_KEYS["snapshot"]
