"""Volume backups of all projects, kept as slim records.

Full sync only: ⌈backups / page_size⌉ calls of ``GET /backups/detail?all_tenants=1`` at 3.18,
which names each backup's project (Cinder caps a page at osapi_max_limit, 1,000 by default).
Cinder's time comparison filters (3.60) apply to volume lists alone.
"""

from __future__ import annotations

from exporter.sources._cinder import PROJECT_KEYS, VolumeCopies


class Backups(VolumeCopies):
    name = "backups"
    access = (("block-storage", "/v3/*/backups/detail"),)
    kind = "backups"
    project_key = PROJECT_KEYS["backup"]
