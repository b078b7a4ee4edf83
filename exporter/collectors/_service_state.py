"""Families shared by the compute, block-storage and shared-file-system service collectors
(same API shape)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, InfoMetricFamily, Metric

from exporter.connection import timestamp

LABELS = ["binary", "host", "zone"]


@dataclass(frozen=True, slots=True)
class ServiceRow:
    binary: str
    host: str
    zone: str
    up: bool
    enabled: bool
    forced_down: bool | None
    last_seen: float | None
    disabled_reason: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.binary, self.host, self.zone)


def schedulable(svc: Mapping[str, Any]) -> bool:
    """Whether the scheduler may place servers on a nova-compute: enabled, up, not forced down."""
    return (
        svc.get("state") == "up"
        and svc.get("status") == "enabled"
        and not svc.get("forced_down", False)
    )


def row(svc: Mapping[str, Any]) -> ServiceRow:
    """One service of an ``os-services`` body (Nova or Cinder: the same shape)."""
    forced = svc.get("forced_down")  # Nova from 2.11; Cinder has none
    return ServiceRow(
        binary=str(svc.get("binary") or ""),
        host=str(svc.get("host") or ""),
        zone=str(svc.get("zone") or ""),
        up=str(svc.get("state") or "").lower() == "up",
        enabled=str(svc.get("status") or "").lower() == "enabled",
        forced_down=None if forced is None else bool(forced),
        last_seen=timestamp(svc.get("updated_at")),
        disabled_reason=str(svc.get("disabled_reason") or ""),
    )


def merge(rows: Iterable[ServiceRow]) -> list[ServiceRow]:
    """One row per (binary, host, zone).

    Cinder lists a backend once per cluster it ever joined, so the same identity can appear twice
    (see cinder's services-list sample). Prometheus rejects duplicate series, so merge them the
    cautious way: down if any copy is down, disabled if any is disabled, newest heartbeat.
    """
    merged: dict[tuple[str, str, str], ServiceRow] = {}
    for r in rows:
        old = merged.get(r.key)
        if old is None:
            merged[r.key] = r
            continue
        seen = [t for t in (old.last_seen, r.last_seen) if t is not None]
        merged[r.key] = ServiceRow(
            *r.key,
            up=old.up and r.up,
            enabled=old.enabled and r.enabled,
            forced_down=bool(old.forced_down or r.forced_down)
            if None not in (old.forced_down, r.forced_down)
            else None,
            last_seen=max(seen) if seen else None,
            disabled_reason=old.disabled_reason or r.disabled_reason,
        )
    return sorted(merged.values(), key=lambda r: r.key)


def families(
    prefix: str,
    source: str,
    rows: Iterable[ServiceRow],
    *,
    up_help: str = "Whether the service reports state=up",
    reasons: bool = True,
) -> list[Metric]:
    """``prefix`` is e.g. ``openstack_compute_service``; ``source`` names the API for HELP.
    ``up_help`` says what ``up`` means where the API's state is not the truth (Manila);
    ``reasons=False`` leaves out the disabled reasons of an API that does not report them."""
    bg = f"({source}; collected in background)"
    up = GaugeMetricFamily(f"{prefix}_up", f"{up_help} {bg}.", labels=LABELS)
    enabled = GaugeMetricFamily(
        f"{prefix}_enabled", f"Whether the service has status=enabled {bg}.", labels=LABELS
    )
    forced = GaugeMetricFamily(
        f"{prefix}_forced_down",
        f"Whether an operator forced the service down {bg}.",
        labels=LABELS,
    )
    seen = GaugeMetricFamily(
        f"{prefix}_last_seen_timestamp_seconds",
        f"Unix time of the service's last heartbeat, its updated_at {bg}.",
        labels=LABELS,
    )
    reason = InfoMetricFamily(
        f"{prefix}_disabled_reason",
        f"Why a disabled service was disabled, as the operator wrote it; one series per disabled "
        f"service {bg}.",
        labels=LABELS,
    )
    for r in merge(rows):
        labels = list(r.key)
        up.add_metric(labels, float(r.up))
        enabled.add_metric(labels, float(r.enabled))
        if r.forced_down is not None:
            forced.add_metric(labels, float(r.forced_down))
        if r.last_seen is not None:
            seen.add_metric(labels, r.last_seen)
        if not r.enabled and reasons:
            reason.add_metric(labels, {"disabled_reason": r.disabled_reason})
    # Cinder has no forced_down; an empty family would only be noise in the exposition.
    out = [f for f in (up, enabled, forced, seen) if f.samples or f is not forced]
    return [*out, reason] if reasons else out
