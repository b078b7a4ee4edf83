"""Response bodies shaped like the upstream API samples (see tests/test_demo_conformance.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from exporter.demo.cloud import DemoCloud

COMPUTE_MAX = "2.100"
VOLUME_MAX = "3.71"
PLACEMENT_MAX = "1.39"

# service type -> (catalog name, path under the demo server)
CATALOG = {
    "identity": ("keystone", "/identity/v3"),
    "compute": ("nova", "/compute/v2.1"),
    "placement": ("placement", "/placement"),
    "block-storage": ("cinder", "/volume/v3"),
    "network": ("neutron", "/network"),
}


def nova_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def neutron_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def iso_z(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def heartbeat(down_since: float | None, now: float) -> float:
    # Services report every 10 s; an up one was last heard from a few seconds ago.
    return down_since if down_since is not None else now - 3


def version_tuple(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    return int(major), int(minor or 0)


# -- identity ------------------------------------------------------------------------------------


def identity_versions(base: str) -> dict[str, Any]:
    return {"versions": {"values": [identity_version(base)["version"]]}}


def identity_version(base: str) -> dict[str, Any]:
    return {
        "version": {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{base}/identity/v3/"}],
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
            ],
        }
    }


def token(cloud: DemoCloud, base: str) -> dict[str, Any]:
    now = time.time()
    catalog = []
    for stype in cloud.services:
        name, path = CATALOG[stype]
        catalog.append(
            {
                "endpoints": [
                    {
                        "region_id": "RegionOne",
                        "url": f"{base}{path}",
                        "region": "RegionOne",
                        "interface": interface,
                        "id": f"{stype}-{interface}".replace("-", "")[:32].ljust(32, "0"),
                    }
                    for interface in ("public", "internal", "admin")
                ],
                "type": stype,
                "id": f"{stype}".replace("-", "").ljust(32, "0"),
                "name": name,
            }
        )
    return {
        "token": {
            "methods": ["password"],
            "roles": [{"id": "51cc68287d524c759f47c811e6463340", "name": "admin"}],
            "expires_at": iso_z(now + 3600),
            "project": {
                "domain": {"id": "default", "name": "Default"},
                "id": cloud.project_id.replace("-", ""),
                "name": "admin",
            },
            "is_domain": False,
            "catalog": catalog,
            "user": {
                "domain": {"id": "default", "name": "Default"},
                "id": cloud.user_id.replace("-", ""),
                "name": cloud.username,
                "password_expires_at": None,
            },
            "audit_ids": ["3T2dc1CGQxyJsHdDu1xkcw"],
            "issued_at": iso_z(now),
        }
    }


# -- compute ---------------------------------------------------------------------------------------


def compute_versions(base: str) -> dict[str, Any]:
    return {
        "versions": [
            {
                "id": "v2.0",
                "links": [{"href": f"{base}/compute/v2/", "rel": "self"}],
                "status": "DEPRECATED",
                "version": "",
                "min_version": "",
                "updated": "2025-07-04T12:00:00Z",
            },
            compute_version(base)["version"],
        ]
    }


def compute_version(base: str) -> dict[str, Any]:
    return {
        "version": {
            "id": "v2.1",
            "links": [{"href": f"{base}/compute/v2.1/", "rel": "self"}],
            "status": "CURRENT",
            "version": COMPUTE_MAX,
            "min_version": "2.1",
            "updated": "2013-07-23T11:33:21Z",
        }
    }


def compute_services(cloud: DemoCloud, microversion: tuple[int, int]) -> dict[str, Any]:
    """os-services: ``forced_down`` from 2.11, UUID ids from 2.53 (nova api-ref)."""
    now = time.time()
    out = []
    with cloud.lock:
        for s in cloud.compute_services:
            body: dict[str, Any] = {
                "id": s.id if microversion >= (2, 53) else s.legacy_id,
                "binary": s.binary,
                "disabled_reason": s.disabled_reason,
                "host": s.host,
                "state": s.state,
                "status": s.status,
                "updated_at": nova_time(heartbeat(s.down_since, now)),
            }
            if microversion >= (2, 11):
                body["forced_down"] = s.forced_down
            body["zone"] = s.zone
            out.append(body)
    return {"services": out}


# -- block storage --------------------------------------------------------------------------------


def volume_versions(base: str) -> dict[str, Any]:
    return {
        "versions": [
            {
                "id": "v3.0",
                "links": [
                    {
                        "href": "https://docs.openstack.org/",
                        "rel": "describedby",
                        "type": "text/html",
                    },
                    {"href": f"{base}/volume/v3/", "rel": "self"},
                ],
                "media-types": [
                    {
                        "base": "application/json",
                        "type": "application/vnd.openstack.volume+json;version=3",
                    }
                ],
                "min_version": "3.0",
                "status": "CURRENT",
                "updated": "2022-08-31T00:00:00Z",
                "version": VOLUME_MAX,
            }
        ]
    }


def volume_services(cloud: DemoCloud, microversion: tuple[int, int]) -> dict[str, Any]:
    """os-services: ``cluster`` from 3.7, ``backend_state`` from 3.49 (cinder api-ref)."""
    now = time.time()
    out = []
    with cloud.lock:
        for s in cloud.volume_services:
            body: dict[str, Any] = {}
            if s.binary == "cinder-volume":
                body["active_backend_id"] = None
                if microversion >= (3, 49):
                    body["backend_state"] = "up" if s.state == "up" else "down"
            body["binary"] = s.binary
            if microversion >= (3, 7):
                body["cluster"] = s.cluster
            body["disabled_reason"] = s.disabled_reason
            if s.binary == "cinder-volume":
                body["frozen"] = False
            body["host"] = s.host
            if s.binary == "cinder-volume":
                body["replication_status"] = "disabled"
            body["state"] = s.state
            body["status"] = s.status
            body["updated_at"] = nova_time(heartbeat(s.down_since, now))
            body["zone"] = s.zone
            out.append(body)
    return {"services": out}


# -- network --------------------------------------------------------------------------------------


def network_versions(base: str) -> dict[str, Any]:
    return {
        "versions": [
            {
                "id": "v2.0",
                "status": "CURRENT",
                "links": [{"href": f"{base}/network/v2.0/", "rel": "self"}],
            }
        ]
    }


_AGENT_TOPICS = {"neutron-dhcp-agent": "dhcp_agent", "neutron-l3-agent": "l3_agent"}


def agents(cloud: DemoCloud) -> dict[str, Any]:
    now = time.time()
    out = []
    with cloud.lock:
        for a in cloud.agents:
            out.append(
                {
                    "binary": a.binary,
                    "description": None,
                    "availability_zone": a.zone,
                    "heartbeat_timestamp": neutron_time(heartbeat(a.down_since, now)),
                    "admin_state_up": a.admin_state_up,
                    "alive": a.alive,
                    "id": a.id,
                    "topic": _AGENT_TOPICS.get(a.binary, "N/A"),
                    "host": a.host,
                    "agent_type": a.agent_type,
                    "started_at": neutron_time(a.started_at),
                    "created_at": neutron_time(a.started_at),
                    # Only agents that report resources to Placement have it (neutron-lib sample).
                    "resources_synced": True if a.binary == "neutron-openvswitch-agent" else None,
                    "configurations": {},
                }
            )
    return {"agents": out}


# -- placement ------------------------------------------------------------------------------------


def placement_root() -> dict[str, Any]:
    return {
        "versions": [
            {
                "min_version": "1.0",
                "id": "v1.0",
                "max_version": PLACEMENT_MAX,
                "status": "CURRENT",
                "links": [{"href": "", "rel": "self"}],
            }
        ]
    }
