"""The demo's Octavia answers in the shapes of the upstream api-ref samples, allowing exactly
the documented differences between those samples and octavia 19 (api-samples README, gotchas
34-38; ``octavia/api/v2/types/``):

- a load balancer has ``vip_sg_ids`` (API v2.29), which the sample predates; a listener has
  ``connection_limit`` (``ListenerResponse``), which the sample leaves out;
- an amphora names its load balancer ``loadbalancer_id`` (the sample: ``load_balancer_id``),
  ``cert_busy`` is a boolean (the sample: 0), ``cert_expiration`` an ISO time (the sample:
  a space between date and time);
- quota bodies carry the deprecated aliases ``load_balancer`` and ``health_monitor`` next to
  ``loadbalancer`` and ``healthmonitor``, and ``project_id`` (the show and defaults samples
  have none); the quotas list has ``quotas_links``;
- every list has its ``<key>_links`` (the samples show none).

Skips cleanly without ../shared/api-samples.
"""

from __future__ import annotations

from typing import Any

import pytest

from exporter.demo import DemoServer
from tests.conftest import sample
from tests.test_demo_conformance import call, password_auth, shape

BASE = "/load-balancer/v2.0"
ALIASES = {"load_balancer", "health_monitor"}


@pytest.fixture
def token(demo: DemoServer) -> str:
    _, headers = call(demo, "/identity/v3/auth/tokens", "POST", password_auth(demo))
    return headers["X-Subject-Token"]


def get(demo: DemoServer, token: str, path: str) -> Any:
    return call(demo, f"{BASE}{path}", **{"X-Auth-Token": token})[0]


def same_shapes(ours: dict, ref: dict, allowed: frozenset[str] = frozenset()) -> None:
    for key, value in ours.items():
        if key in ref and key not in allowed and value is not None and ref[key] is not None:
            assert shape(value) == shape(ref[key]), (key, value, ref[key])


@pytest.mark.parametrize(
    ("path", "sample_path", "key", "extra"),
    [
        (
            "/lbaas/loadbalancers",
            "loadbalancers-list-response.json",
            "loadbalancers",
            {"vip_sg_ids"},
        ),
        ("/lbaas/listeners", "listeners-list-response.json", "listeners", {"connection_limit"}),
        ("/lbaas/pools", "pools-list-response.json", "pools", set()),
        ("/lbaas/providers", "provider-list-response.json", "providers", set()),
    ],
)
def test_lists(demo, token, samples, path, sample_path, key, extra):
    ours = get(demo, token, path)
    theirs = sample(samples, f"load-balancer/{sample_path}")
    assert set(ours) == set(theirs) | ({f"{key}_links"} if key != "providers" else set())
    ref = theirs[key][0]
    assert ours[key]
    for item in ours[key]:
        assert set(item) == set(ref) | extra, sorted(set(item) ^ set(ref))
        same_shapes(item, ref)


def test_members(demo, token, samples):
    pool = demo.cloud.lb_pools[0]
    ours = get(demo, token, f"/lbaas/pools/{pool.id}/members")
    theirs = sample(samples, "load-balancer/members-list-response.json")
    assert set(ours) == set(theirs) | {"members_links"}
    ref = theirs["members"][0]
    for item in ours["members"]:
        assert set(item) == set(ref)
        same_shapes(item, ref)
    show = get(demo, token, f"/lbaas/pools/{pool.id}")
    assert set(show["pool"]) == set(
        sample(samples, "load-balancer/pool-show-response.json")["pool"]
    )


def test_amphorae(demo, token, samples):
    ours = get(demo, token, "/octavia/amphorae")
    theirs = sample(samples, "load-balancer/amphora-list-response.json")
    ref = theirs["amphorae"][0]
    expected = set(ref) - {"load_balancer_id"} | {"loadbalancer_id"}
    for item in ours["amphorae"]:
        assert set(item) == expected
        assert isinstance(item["cert_busy"], bool)
        same_shapes(item, ref, frozenset({"cert_busy", "cert_expiration"}))
        assert shape(item["cert_expiration"]) == "time:0000-00-00T00:00:00"


def test_quotas(demo, token, samples):
    ours = get(demo, token, "/lbaas/quotas?limit=0")
    theirs = sample(samples, "load-balancer/quotas-list-response.json")
    assert set(ours) == set(theirs) | {"quotas_links"}
    ref = theirs["quotas"][0]
    assert ours["quotas"]
    for item in ours["quotas"]:
        assert set(item) == set(ref) | ALIASES
        same_shapes(item, ref)
    assert any(v is None for item in ours["quotas"] for v in item.values())  # nulls: defaults
    for path, sample_path in [
        ("/lbaas/quotas/defaults", "quotas-defaults-response.json"),
        (f"/lbaas/quotas/{demo.cloud.projects[2].id}", "quotas-show-response.json"),
    ]:
        body = get(demo, token, path)["quota"]
        ref = sample(samples, f"load-balancer/{sample_path}")["quota"]
        assert set(body) == set(ref) | ALIASES | {"project_id"}
        assert body["load_balancer"] == body["loadbalancer"]
        assert body["health_monitor"] == body["healthmonitor"]
        assert all(isinstance(body[k], int) for k in ref)  # resolved: no nulls


def test_version_document(demo, samples):
    ours, _ = call(demo, "/load-balancer")
    theirs = sample(samples, "load-balancer/versions-get-resp.json")
    assert set(ours) == set(theirs)
    for version in ours["versions"]:
        assert set(version) == set(theirs["versions"][0])
    # The sample stops at v2.1 (stale); octavia 19 lists up to v2.30.
    assert ours["versions"][-1]["id"] == "v2.30"
