"""Facts read back from the stored families, for the pages: the same numbers /metrics serves.

Pure functions of ``SnapshotStore.states()``; nothing here calls OpenStack.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client.samples import Sample

from exporter.snapshot import CollectorState

States = Mapping[str, CollectorState]


def samples(states: States, name: str) -> list[Sample]:
    """Every sample called ``name`` (the sample's name: ``…_info`` for info families)."""
    # A sample's name starts with its family's: the other families' samples are never looked at
    # (the console asks for some twenty names of a snapshot that can hold 190,000 series).
    return [
        s
        for st in states.values()
        for f in st.families
        if name.startswith(f.name)
        for s in f.samples
        if s.name == name
    ]


def by_labels(states: States, name: str, *keys: str) -> dict[tuple[str, ...], float]:
    """Sample values of ``name`` keyed by the given labels' values."""
    return {tuple(s.labels.get(k, "") for k in keys): s.value for s in samples(states, name)}


def project_names(states: States) -> dict[str, str]:
    """project_id → name from identity_projects' info series; a project it did not list (or a
    cloud where it is disabled) has no entry."""
    return {
        s.labels["project_id"]: s.labels.get("project_name", "")
        for s in samples(states, "openstack_identity_project_info")
    }
