"""Connections to the cloud named in the config, and catalog look-ups shared by collectors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import openstack
from openstack.config import OpenStackConfig
from openstack.config.cloud_region import CloudRegion
from openstack.connection import Connection

from exporter.collectors import ServiceAbsent
from exporter.config import ConfigInvalid, Settings

_SECRET_AUTH_KEYS = ("password", "token", "application_credential_secret", "secret")


def cloud_region(settings: Settings) -> CloudRegion:
    """Resolve the clouds.yaml entry without contacting Keystone; ConfigInvalid if it is missing."""
    files = [settings.clouds_file] if settings.clouds_file else None
    try:
        config = OpenStackConfig(config_files=files) if files else OpenStackConfig()
        return config.get_one(cloud=settings.cloud, api_timeout=settings.api_timeout)
    except openstack.exceptions.ConfigException as exc:
        # The SDK's message names the cloud and the files it read; it holds no credentials.
        raise ConfigInvalid([f"cloud {settings.cloud!r}: {exc}"]) from None


def secrets_of(region: CloudRegion) -> list[str]:
    auth = region.config.get("auth") or {}
    return [str(auth[k]) for k in _SECRET_AUTH_KEYS if auth.get(k)]


def connect(region: CloudRegion) -> Connection:
    # Never pass our registry as collector_registry: the SDK's own histogram is labelled by URL.
    return openstack.connection.Connection(config=region)


@dataclass(frozen=True, slots=True)
class CatalogEndpoint:
    service_type: str
    service_name: str
    interface: str
    region_id: str
    url: str
    endpoint_id: str
    service_id: str = ""


def catalog(conn: Connection) -> list[CatalogEndpoint]:
    """The token's service catalog; authenticates if needed, so a Keystone outage raises."""
    access = conn.session.auth.get_access(conn.session)
    out: list[CatalogEndpoint] = []
    for service in access.service_catalog.catalog or []:
        for ep in service.get("endpoints", []):
            out.append(
                CatalogEndpoint(
                    service_type=service.get("type", ""),
                    service_name=service.get("name", "") or "",
                    interface=ep.get("interface", ""),
                    region_id=ep.get("region_id") or ep.get("region") or "",
                    url=ep.get("url", ""),
                    endpoint_id=ep.get("id", ""),
                    service_id=service.get("id", ""),
                )
            )
    return out


def has_service(conn: Connection, service_types: Iterable[str]) -> bool:
    wanted = set(service_types)
    return any(ep.service_type in wanted for ep in catalog(conn))


def require_service(conn: Connection, service_types: Sequence[str]) -> None:
    """ServiceAbsent unless the catalog has one of ``service_types`` (the first names it)."""
    if not has_service(conn, service_types):
        raise ServiceAbsent(f"no {service_types[0]} service in the catalog")


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
