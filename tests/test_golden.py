"""Golden expositions: what each collector serves for the demo cloud, byte for byte.

One file per collector in tests/golden/ (as prometheus-pve-exporter keeps one per fixture), so a
reviewer sees in the diff exactly what a change does to the exposition. After an intended
change, regenerate them and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from freezegun import freeze_time
from prometheus_client import generate_latest

from exporter.contract import all_collectors
from exporter.demo import DemoCloud
from exporter.server import _Families

GOLDEN = Path(__file__).parent / "golden"
NOW = "2026-11-25 12:00:00"
# Measured per probe, not the cloud's state.
VOLATILE = ("openstack_api_endpoint_response_seconds",)


@pytest.fixture
def cloud() -> DemoCloud:
    with freeze_time(NOW):
        return DemoCloud(hosts=6, seed=7)


@pytest.fixture(scope="module")
def collectors() -> list[str]:
    return sorted(all_collectors())


def test_every_collector_has_a_golden_file(collectors):
    if os.environ.get("UPDATE_GOLDEN"):
        pytest.skip("regenerating")
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == collectors


def test_expositions_match_the_golden_files(harness, cloud: DemoCloud, demo, collectors):
    with freeze_time(NOW):
        # Every collector, the opt-in ones (dns_quota_limits) included.
        h = harness(
            sources={"quota_limits": {"max_rate": 0}, "dns_quota_limits": {"max_rate": 0}},
            collectors={name: {"enabled": True} for name in collectors},
        )
        h.run()
    states = h.store.states()
    mismatched = []
    for name in collectors:
        text = generate_latest(_Families(states[name].families)).decode()
        text = "".join(
            line for line in text.splitlines(keepends=True) if not line.startswith(VOLATILE)
        ).replace(demo.base_url, "http://demo.invalid")  # the demo's port changes each run
        path = GOLDEN / f"{name}.txt"
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(text)
        elif not path.exists() or path.read_text() != text:
            mismatched.append(name)
    assert not mismatched, (
        f"expositions differ from tests/golden/ for {mismatched}; if intended, rerun with "
        "UPDATE_GOLDEN=1 and review the diff"
    )
