"""The fault matrix: what the exporter publishes while OpenStack misbehaves.

Every case runs every collector once on a healthy demo cloud (the baseline), injects one fault,
runs them all again, then clears it and runs them once more. Through the real SDK over HTTP:
- the collectors that read the faulty API report success 0 and keep serving their baseline
  families, findings included, exactly;
- every other collector succeeds with values equal to the baseline;
- after the fault clears, everything succeeds again with the baseline values.
Which collectors read which API is what the access rules of the sources they read declare
(exporter/demo/readers.py): a failing source fails exactly its readers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client import generate_latest

from exporter.contract import all_collectors
from exporter.demo import DemoCloud
from exporter.demo.readers import readers as demo_readers
from exporter.server import _Families

from ..conftest import Harness

PREFIXES = [
    "/compute",
    "/placement",
    "/volume",
    "/network",
    "/identity/v3/projects",
    "/image",
    "/heat-api",
    "/dns",
    "/load-balancer",
    "/share",
]
SPECS = all_collectors()


def readers(prefix: str) -> set[str]:
    return demo_readers(SPECS, prefix)


def exposition(h: Harness, name: str) -> str:
    """The families one collector serves, as /metrics renders them, without the heartbeat
    timestamps the demo cloud moves forward as time passes."""
    text = generate_latest(_Families(h.store.states()[name].families)).decode()
    return "\n".join(
        line
        for line in text.splitlines()
        if "_timestamp_seconds{" not in line and "_response_seconds{" not in line
    )


class Matrix:
    def __init__(self, h: Harness) -> None:
        self.h = h
        h.runner.run_all_once()
        self.assert_all_ok()
        self.baseline = {name: exposition(h, name) for name in h.settings.enabled}
        self.findings = {name: st.findings for name, st in h.store.states().items()}

    def success(self, name: str) -> float | None:
        return self.h.value("openstack_exporter_collector_success", collector=name)

    def assert_all_ok(self) -> None:
        failed = {n: s.last_error for n, s in self.h.store.states().items() if not s.last_ok}
        assert not failed

    def check(self, failing: set[str], changing: frozenset[str] = frozenset()) -> None:
        """``failing`` report success 0; all serve their baseline except ``changing`` (whose
        values legitimately follow the fault, like an endpoint probe)."""
        states = self.h.store.states()
        for name in self.h.settings.enabled:
            assert self.success(name) == (0.0 if name in failing else 1.0), (
                name,
                states[name].last_error,
            )
            if name not in changing:
                assert exposition(self.h, name) == self.baseline[name], name
                assert states[name].findings == self.findings[name], name
        for name in failing:
            assert states[name].last_error, name

    def recover(self, cloud: DemoCloud) -> None:
        cloud.clear_faults()
        self.h.runner.run_all_once()
        self.assert_all_ok()
        for name in self.h.settings.enabled:
            if name != "api_endpoints":
                assert exposition(self.h, name) == self.baseline[name], name


@pytest.fixture
def matrix(harness: Callable[..., Harness]) -> Callable[..., Matrix]:
    def factory(**data: Any) -> Matrix:
        # Tight time-outs keep a hung API's cost small; per-collector deadlines stay generous.
        data.setdefault("api_timeout", 2)
        # No rate limit on the per-project quota calls: the demo cloud is not production.
        sources = data.setdefault("sources", {})
        sources.setdefault("quota_limits", {})["max_rate"] = 0
        sources.setdefault("dns_quota_limits", {})["max_rate"] = 0
        # Every collector, the opt-in ones (dns_quota_limits) included: a fault must fail
        # exactly the readers its access rules name, whichever are enabled by default.
        collectors = data.setdefault("collectors", {})
        for name in SPECS:
            collectors.setdefault(name, {}).setdefault("enabled", True)
        return Matrix(harness(**data))

    return factory


FAULTS: dict[str, dict[str, Any]] = {
    "500": {"status": 500},
    "503": {"status": 503},
    "hang": {"hang": True},
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_failing_service_fails_only_its_readers(matrix, cloud: DemoCloud, prefix, fault):
    m = matrix()
    cloud.set_fault(prefix, **FAULTS[fault])
    m.h.runner.run_all_once()
    # The endpoint probe sees the same fault on version documents: its values follow it, and
    # probing a failing endpoint is its success, not its failure.
    m.check(readers(prefix), changing=frozenset({"api_endpoints"}))
    m.recover(cloud)


BAD_BODIES: dict[str, dict[str, Any]] = {
    "html_error_page": {
        "status": 502,
        "body": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        "content_type": "text/html",
    },
    "html_with_200": {"body": b"<html><body>Login</body></html>", "content_type": "text/html"},
    "truncated_json": {"body": b'{"resource_providers": [{"uuid": '},
    "null": {"body": b"null"},
    "empty_body": {"body": b""},
    "wrong_shape": {"body": b'{"resource_providers": {"a": 1}}'},
    "missing_key": {"body": b'{"providers": []}'},
    "dropped_mid_body": {"drop": "mid_body"},
    "reset": {"drop": "reset"},
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_an_unbelievable_answer_fails_the_run(matrix, cloud: DemoCloud, case):
    """Placement's provider list answered badly: no provider is believed gone, no allocation
    is taken for an orphan, no free capacity vanishes."""
    m = matrix()
    cloud.set_fault("/placement/resource_providers", **BAD_BODIES[case])
    m.h.runner.run_all_once()
    m.check(readers("/placement/resource_providers"))
    m.recover(cloud)


def test_servers_answering_500_publish_no_false_orphans_or_quota_drop(matrix, cloud: DemoCloud):
    """The issue's first finding: an HTTP error on the server list was taken for an empty list."""
    m = matrix()
    in_use = sum(
        m.h.value("openstack_quota_in_use", **s) or 0 for s in m.h.series("openstack_quota_in_use")
    )
    cloud.set_fault("/compute/v2.1/servers", status=500)
    m.h.runner.run_all_once()
    failing = readers("/compute/v2.1/servers")
    assert failing == {
        "compute_servers",
        "compute_server_problems",
        "block_storage_problems",
        "network_problems",
        "placement_orphans",
        "quota_usage",
        # Placement's deltas learn of deleted servers from the servers source: without it a
        # delete would go unseen and usage read too high, so they fail too, loudly.
        "placement",
        "flavor_capacity",
    }
    m.check(failing)
    assert m.h.value("openstack_placement_orphan_allocations", host="cmp-001") is None
    assert (
        sum(
            m.h.value("openstack_quota_in_use", **s) or 0
            for s in m.h.series("openstack_quota_in_use")
        )
        == in_use
    )
    m.recover(cloud)


@pytest.mark.parametrize("paging", ["next_repeats", "endless"])
def test_pagination_that_never_ends_fails_the_run(matrix, cloud: DemoCloud, paging):
    # Every sync a full listing (resync 0), paged 5 at a time.
    m = matrix(sources={"servers": {"page_size": 5, "resync": 0}})
    cloud.set_fault("/compute/v2.1/servers/detail", paging=paging)
    m.h.run("compute_servers")
    state = m.h.store.states()["compute_servers"]
    assert not state.last_ok
    assert "pagination" in (state.last_error or "")
    assert exposition(m.h, "compute_servers") == m.baseline["compute_servers"]
    m.recover(cloud)


def test_an_error_on_page_two_fails_the_run(matrix, cloud: DemoCloud):
    # Every sync a full listing (resync 0), paged 5 at a time.
    m = matrix(sources={"servers": {"page_size": 5, "resync": 0}})
    cloud.set_fault("/compute/v2.1/servers/detail", status=500, pages_only=True)
    m.h.run("compute_servers")
    assert m.success("compute_servers") == 0
    assert exposition(m.h, "compute_servers") == m.baseline["compute_servers"]
    assert "HTTP 500" in (m.h.store.states()["compute_servers"].last_error or "")
    m.recover(cloud)


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503},
        {"status": 502},
        {"status": 503, "headers": {"Retry-After": "1"}},
        {"drop": "reset"},
    ],
)
def test_a_transient_error_is_retried_once(matrix, cloud: DemoCloud, fault):
    m = matrix()
    cloud.set_fault("/placement/resource_providers", count=1, **fault)
    m.h.run("placement")
    assert m.success("placement") == 1
    assert cloud.faults_served["/placement/resource_providers"] == 1
    assert exposition(m.h, "placement") == m.baseline["placement"]


def test_a_second_transient_error_fails_the_run(matrix, cloud: DemoCloud):
    m = matrix()
    cloud.set_fault("/placement/resource_providers", status=503, count=2)
    m.h.run("placement")
    assert m.success("placement") == 0
    assert cloud.faults_served["/placement/resource_providers"] == 2


def test_a_long_retry_after_is_not_waited_for(matrix, cloud: DemoCloud):
    m = matrix()
    cloud.set_fault("/placement/resource_providers", status=503, headers={"Retry-After": "600"})
    m.h.run("placement")
    state = m.h.store.states()["placement"]
    assert not state.last_ok
    assert (state.last_duration or 0) < 5


def test_token_revoked_mid_run_reauthenticates_once(matrix, cloud: DemoCloud):
    """Parallel Placement calls all meet the revoked token: one new token, every call retried."""
    # Full syncs (resync 0): every provider read again, 8 at a time.
    m = matrix(sources={"resource_providers": {"parallel": 8, "resync": 0}})
    cloud.revoke_tokens()
    m.h.run("placement", "flavor_capacity")
    m.assert_all_ok()
    assert exposition(m.h, "placement") == m.baseline["placement"]
    assert exposition(m.h, "flavor_capacity") == m.baseline["flavor_capacity"]


def test_a_second_401_fails_the_run(matrix, cloud: DemoCloud):
    m = matrix()
    cloud.revoke_tokens()
    cloud.set_fault("/identity/v3/auth/tokens", status=401)
    m.h.run("placement")
    assert m.success("placement") == 0
    assert exposition(m.h, "placement") == m.baseline["placement"]
    cloud.clear_faults()
    m.h.run("placement")
    assert m.success("placement") == 1


def test_keystone_down_at_start_fails_every_collector(harness, cloud: DemoCloud):
    cloud.set_fault("/identity", status=503)
    h = harness(api_timeout=1)
    h.runner.run_all_once()
    assert {n for n, s in h.store.states().items() if s.last_ok} == set()
    cloud.clear_faults()
    h.runner.run_all_once()
    assert all(s.last_ok for s in h.store.states().values())


def test_keystone_down_mid_run_spares_collectors_with_a_token(matrix, cloud: DemoCloud):
    """Tokens already issued stay valid: only the Keystone API's own readers fail."""
    m = matrix()
    cloud.set_fault("/identity", status=503)
    m.h.runner.run_all_once()
    m.check(readers("/identity/v3/"), changing=frozenset({"api_endpoints"}))
    m.recover(cloud)


def test_an_api_slower_than_the_deadline_fails_at_the_deadline(matrix, cloud: DemoCloud):
    m = matrix(api_timeout=10, collectors={"placement": {"timeout": 1}})
    cloud.set_fault("/placement", delay=3)
    m.h.run("placement")
    state = m.h.store.states()["placement"]
    assert not state.last_ok
    assert "deadline" in (state.last_error or "") or "time-out" in (state.last_error or "")
    assert (state.last_duration or 0) < 2.5
    assert exposition(m.h, "placement") == m.baseline["placement"]
    m.recover(cloud)
