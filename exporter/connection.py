"""The openstacksdk connection each collector reuses, and OpenStack's timestamps read as UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import openstack
from openstack.config.cloud_region import CloudRegion
from openstack.connection import Connection


def connect(region: CloudRegion) -> Connection:
    # Never pass our registry as collector_registry: the SDK's own histogram is labelled by URL.
    return openstack.connection.Connection(config=region)


def timestamp(value: Any) -> float | None:
    """Unix seconds from OpenStack's timestamps, which are UTC and often without a zone."""
    if not value:
        return None
    text = str(value).strip().replace(" ", "T")
    try:
        parsed = datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
