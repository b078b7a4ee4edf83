"""Formats the services' bodies share: Nova, Neutron and Keystone timestamps, heartbeats and
microversion numbers. Each service's bodies live in its module under ``services/``."""

from __future__ import annotations

from datetime import UTC, datetime


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
