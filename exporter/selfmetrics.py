"""openstack_exporter_* families, built from the snapshot's bookkeeping at scrape time."""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping
from importlib.metadata import version

from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    InfoMetricFamily,
    Metric,
)

from exporter import __version__
from exporter.snapshot import CollectorState, SourceState

_L = ["collector"]


# Read once: the installed versions do not change while the process runs, and /metrics asks.
_BUILD = {
    "version": __version__,
    "openstacksdk_version": version("openstacksdk"),
    "python_version": platform.python_version(),
}


def build_info() -> InfoMetricFamily:
    info = InfoMetricFamily(
        "openstack_exporter_build",
        "Version of openstack-admin-exporter and of the openstacksdk it runs on.",
    )
    info.add_metric([], _BUILD)
    return info


def families(
    states: Mapping[str, CollectorState], sources: Mapping[str, SourceState] | None = None
) -> list[Metric]:
    success = GaugeMetricFamily(
        "openstack_exporter_collector_success",
        "Whether the collector's last run succeeded (1) or failed (0); a collector whose service "
        "is not in the catalog counts as a success.",
        labels=_L,
    )
    absent = GaugeMetricFamily(
        "openstack_exporter_collector_service_absent",
        "Whether the collector's last run found its OpenStack service missing from the catalog "
        "(1): the collector is skipped, not failing.",
        labels=_L,
    )
    duration = GaugeMetricFamily(
        "openstack_exporter_collector_duration_seconds",
        "Duration of the collector's last run, successful or not.",
        labels=_L,
    )
    last_success = GaugeMetricFamily(
        "openstack_exporter_collector_last_success_timestamp_seconds",
        "Unix time the collector last succeeded: the age of the data it serves.",
        labels=_L,
    )
    interval = GaugeMetricFamily(
        "openstack_exporter_collector_interval_seconds",
        "Configured interval between runs of the collector.",
        labels=_L,
    )
    stale = GaugeMetricFamily(
        "openstack_exporter_collector_stale",
        "Whether the collector's served data is older than three intervals (or it has not "
        "succeeded within three intervals of start-up): alerts on it are blind.",
        labels=_L,
    )
    series = GaugeMetricFamily(
        "openstack_exporter_collector_series",
        "Number of samples the collector's served data holds.",
        labels=_L,
    )
    runs = CounterMetricFamily(
        "openstack_exporter_collector_runs",
        "Runs of the collector since the exporter started, successful or not.",
        labels=_L,
    )
    failures = CounterMetricFamily(
        "openstack_exporter_collector_failures",
        "Failed runs of the collector since the exporter started.",
        labels=_L,
    )
    now = time.time()
    for name, st in sorted(states.items()):
        interval.add_metric([name], st.interval)
        stale.add_metric([name], float(st.stale(now)))
        runs.add_metric([name], st.runs)
        failures.add_metric([name], st.failures)
        if not st.has_run:
            continue  # no outcome yet: absence is more honest than a made-up 0
        success.add_metric([name], float(st.last_ok))
        absent.add_metric([name], float(st.absent))
        series.add_metric([name], st.series)
        if st.last_duration is not None:
            duration.add_metric([name], st.last_duration)
        if st.last_success is not None:
            last_success.add_metric([name], st.last_success)
    return [
        build_info(),
        success,
        absent,
        duration,
        last_success,
        stale,
        interval,
        series,
        runs,
        failures,
        *source_families(sources or {}),
    ]


def source_families(sources: Mapping[str, SourceState]) -> list[Metric]:
    """What each source costs the cloud and how fresh its data is."""
    S = ["source"]  # noqa: N806 - reads like the label list it is

    def gauge(name: str, help: str) -> GaugeMetricFamily:
        return GaugeMetricFamily(f"openstack_exporter_source_{name}", help, labels=S)

    def counter(name: str, help: str) -> CounterMetricFamily:
        return CounterMetricFamily(f"openstack_exporter_source_{name}", help, labels=S)

    success = gauge("success", "Whether the source's last sync succeeded (1) or failed (0).")
    interval = gauge(
        "interval_seconds",
        "Seconds between syncs of the source: the shortest interval of the collectors reading it.",
    )
    resync = gauge(
        "resync_seconds",
        "Seconds between full resyncs of the source (0: every sync is full); for a rolling "
        "source, the time within which its deltas re-read every object.",
    )
    duration = gauge("duration_seconds", "Duration of the source's last sync.")
    last_full = gauge(
        "last_full_sync_timestamp_seconds", "Unix time of the source's last successful full sync."
    )
    last_delta = gauge(
        "last_delta_sync_timestamp_seconds",
        "Unix time of the source's last successful delta sync.",
    )
    last_success = gauge(
        "last_success_timestamp_seconds", "Unix time of the source's last successful sync."
    )
    syncs = counter("syncs", "Syncs of the source since the exporter started, successful or not.")
    failures = counter("failures", "Failed syncs of the source since the exporter started.")
    requests = counter(
        "requests", "OpenStack API requests the source's syncs made since the exporter started."
    )
    changed = counter(
        "changed_objects",
        "Objects the source's syncs found new, changed or gone since the exporter started.",
    )
    for name, st in sorted(sources.items()):
        interval.add_metric([name], st.interval)
        resync.add_metric([name], st.resync)
        syncs.add_metric([name], st.syncs)
        failures.add_metric([name], st.failures)
        requests.add_metric([name], st.requests)
        changed.add_metric([name], st.changed)
        if not st.syncs:
            continue
        success.add_metric([name], float(st.last_ok))
        if st.last_duration is not None:
            duration.add_metric([name], st.last_duration)
        for fam, value in (
            (last_full, st.last_full),
            (last_delta, st.last_delta),
            (last_success, st.last_success),
        ):
            if value is not None:
                fam.add_metric([name], value)
    return [
        success,
        interval,
        resync,
        duration,
        last_full,
        last_delta,
        last_success,
        syncs,
        failures,
        requests,
        changed,
    ]
