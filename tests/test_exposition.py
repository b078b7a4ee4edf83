"""The whole exposition, as Prometheus sees it: promtool's linter and basic hygiene."""

import subprocess

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families


@pytest.fixture
def exposition(harness) -> str:
    h = harness()
    h.run()
    return generate_latest(h.registry).decode()


def test_promtool_check_metrics_is_clean(exposition, promtool):
    result = subprocess.run(
        [promtool, "check", "metrics"],
        input=exposition,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_no_duplicate_series_and_every_family_documented(exposition):
    seen: set[tuple] = set()
    names = []
    for family in text_string_to_metric_families(exposition):
        names.append(family.name)
        assert family.documentation, f"{family.name} has no HELP"
        for s in family.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            assert key not in seen, f"duplicate series {key}"
            seen.add(key)
    assert len(names) == len(set(names))
    ours = [n for n in names if n.startswith("openstack_")]
    assert len(ours) >= 20
    # Labels STYLE.md forbids: they clash with Prometheus target labels.
    forbidden = {"type", "service", "region", "cluster", "env"}
    assert not any(forbidden & set(labels) for _, labels in ((k[0], dict(k[1])) for k in seen))
