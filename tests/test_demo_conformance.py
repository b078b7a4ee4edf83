"""The demo cloud answers in the shapes of the upstream API samples, microversion by microversion.

Runs where ../shared/api-samples exists (CI has it) and skips cleanly elsewhere. It compares
keys, value types and timestamp formats item by item, so a drift in the demo cloud shows here
before it can make the fast tests lie.
"""

import json
import re
import urllib.request
from typing import Any

import pytest

from exporter.demo import DemoServer
from tests.conftest import sample


def call(demo: DemoServer, path: str, method: str = "GET", body: Any = None, **headers: str):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        demo.base_url + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **headers},
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read()), resp.headers


def password_auth(demo: DemoServer) -> dict[str, Any]:
    user = {
        "name": demo.cloud.username,
        "password": demo.cloud.password,
        "domain": {"name": "Default"},
    }
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}


@pytest.fixture
def token(demo: DemoServer) -> str:
    _, headers = call(demo, "/identity/v3/auth/tokens", "POST", password_auth(demo))
    return headers["X-Subject-Token"]


def shape(value: Any) -> Any:
    """A value's type, with timestamps reduced to their format (digits → 0)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d[T ][\d:.]+Z?", value):
        return "time:" + re.sub(r"\d", "0", value)
    if value is None:
        return None
    return type(value).__name__


def assert_same_items(ours: list[dict], theirs: list[dict], key: str) -> None:
    """Each of our items has the same keys and value shapes as an upstream item of its kind."""
    upstream = {}
    for item in theirs:
        upstream.setdefault(item[key], item)
    assert {i[key] for i in ours} & set(upstream), "no kind in common"
    for item in ours:
        if item[key] not in upstream:
            continue
        ref = upstream[item[key]]
        assert sorted(item) == sorted(ref), (item[key], sorted(item), sorted(ref))
        for k, v in item.items():
            if v is not None and ref[k] is not None:
                assert shape(v) == shape(ref[k]), (item[key], k, v, ref[k])


@pytest.mark.parametrize(
    ("microversion", "path"),
    [
        ("2.1", "compute/os-services/services-list-get-resp.json"),
        ("2.11", "compute/os-services/v2.11/services-list-get-resp.json"),
        ("2.53", "compute/os-services/v2.53/services-list-get-resp.json"),
    ],
)
def test_compute_services(demo, token, samples, microversion, path):
    ours, headers = call(
        demo,
        "/compute/v2.1/os-services",
        **{"X-Auth-Token": token, "OpenStack-API-Version": f"compute {microversion}"},
    )
    assert headers["OpenStack-API-Version"] == f"compute {microversion}"
    assert_same_items(ours["services"], sample(samples, path)["services"], "binary")


def test_block_storage_services(demo, token, samples):
    ours, _ = call(
        demo,
        "/volume/v3/os-services",
        **{"X-Auth-Token": token, "OpenStack-API-Version": "volume 3.49"},
    )
    theirs = sample(samples, "block-storage/os-services/v3.49/services-list-response.json")
    assert_same_items(ours["services"], theirs["services"], "binary")
    # Below 3.7 there is no cluster: compare the scheduler with the base sample.
    ours, _ = call(demo, "/volume/v3/os-services", **{"X-Auth-Token": token})
    theirs = sample(samples, "block-storage/services-list-response.json")
    scheduler = [s for s in ours["services"] if s["binary"] == "cinder-scheduler"]
    assert_same_items(scheduler, theirs["services"], "binary")


def test_network_agents(demo, token, samples):
    ours, _ = call(demo, "/network/v2.0/agents", **{"X-Auth-Token": token})
    theirs = sample(samples, "network/agents/agents-list-response.json")
    assert_same_items(ours["agents"], theirs["agents"], "binary")
    topics = {a["binary"]: a["topic"] for a in theirs["agents"]}
    assert all(a["topic"] == topics[a["binary"]] for a in ours["agents"])


def test_token_and_catalog(demo, samples):
    auth = password_auth(demo)
    auth["auth"]["scope"] = {"project": {"name": "admin", "domain": {"name": "Default"}}}
    ours, _ = call(demo, "/identity/v3/auth/tokens", "POST", auth)
    theirs = sample(samples, "identity/admin/auth-password-project-scoped-response.json")
    assert sorted(ours["token"]) == sorted(theirs["token"])
    assert sorted(ours["token"]["catalog"][0]) == sorted(theirs["token"]["catalog"][0])
    ref_ep = theirs["token"]["catalog"][0]["endpoints"][0]
    for service in ours["token"]["catalog"]:
        for ep in service["endpoints"]:
            assert sorted(ep) == sorted(ref_ep)
    assert shape(ours["token"]["expires_at"]) == shape(theirs["token"]["expires_at"])


@pytest.mark.parametrize(
    ("path", "sample_path"),
    [
        ("/compute", "compute/versions/versions-get-resp.json"),
        ("/compute/v2.1", "compute/versions/v21-version-get-resp.json"),
        ("/volume", "block-storage/versions/versions-response.json"),
        ("/placement", "placement/root/get-root.json"),
    ],
)
def test_version_documents(demo, samples, path, sample_path):
    ours, _ = call(demo, path)
    theirs = sample(samples, sample_path)
    assert sorted(ours) == sorted(theirs)
    inner = "versions" if "versions" in theirs else "version"
    mine = ours[inner][-1] if inner == "versions" else ours[inner]
    ref = theirs[inner][-1] if inner == "versions" else theirs[inner]
    # The sample's version doc carries media-types and a describedby link we need not copy.
    assert set(ref) - {"media-types"} <= set(mine)


def _get(demo, token, path, mv=None):
    headers = {"X-Auth-Token": token}
    if mv:
        headers["OpenStack-API-Version"] = mv
    return call(demo, path, **headers)[0]


@pytest.mark.parametrize(
    ("path", "mv", "sample_path", "key", "kind"),
    [
        (
            "/compute/v2.1/flavors/detail",
            "compute 2.75",
            "compute/flavors/v2.75/flavors-detail-resp.json",
            "flavors",
            None,
        ),
        (
            "/compute/v2.1/os-aggregates",
            "compute 2.41",
            "compute/os-aggregates/v2.41/aggregates-list-get-resp.json",
            "aggregates",
            None,
        ),
        (
            "/volume/v3/scheduler-stats/get_pools",
            None,
            "block-storage/pools-list-detailed-response.json",
            "pools",
            None,
        ),
        (
            "/network/v2.0/network-ip-availabilities",
            None,
            "network/network-ip-availability/network-ip-availability-list.json",
            "network_ip_availabilities",
            None,
        ),
        (
            "/placement/resource_providers",
            "placement 1.14",
            "placement/resource_providers/get-resource_providers.json",
            "resource_providers",
            None,
        ),
    ],
)
def test_capacity_lists(demo, token, samples, path, mv, sample_path, key, kind):
    ours = _get(demo, token, path, mv)[key]
    theirs = sample(samples, sample_path)[key]
    assert ours
    ref = theirs[0]
    for item in ours:
        assert sorted(item) == sorted(ref), (sorted(item), sorted(ref))
        for k, v in item.items():
            if v is not None and ref[k] is not None and k not in ("capabilities",):
                assert shape(v) == shape(ref[k]), (k, v, ref[k])


def test_pool_capabilities_carry_the_sample_keys(demo, token, samples):
    ours = _get(demo, token, "/volume/v3/scheduler-stats/get_pools")["pools"]
    ref = sample(samples, "block-storage/pools-list-detailed-response.json")["pools"][0]
    for pool in ours:
        assert set(ref["capabilities"]) <= set(pool["capabilities"])


def test_placement_provider_documents(demo, token, samples):
    uuid = next(iter(demo.cloud.providers))
    base = f"/placement/resource_providers/{uuid}"
    for suffix, sample_path in [
        ("inventories", "placement/inventories/get-inventories.json"),
        ("usages", "placement/resource_provider_usages/get-resource_provider_usages.json"),
        ("traits", "placement/resource_provider_traits/get-resource_provider-traits.json"),
    ]:
        ours = _get(demo, token, f"{base}/{suffix}", "placement 1.14")
        theirs = sample(samples, sample_path)
        assert sorted(ours) == sorted(theirs)
        if suffix == "inventories":
            ref = next(iter(theirs["inventories"].values()))
            for inv in ours["inventories"].values():
                assert sorted(inv) == sorted(ref)


def test_servers_detail_admin_view(demo, token, samples):
    """At 2.100 the sample was made by a non-admin; an admin also sees the host attributes."""
    ours = _get(demo, token, "/compute/v2.1/servers/detail?all_tenants=1", "compute 2.100")
    ref = sample(samples, "compute/servers/v2.100/servers-details-resp.json")["servers"][0]
    admin = sample(samples, "compute/servers/v2.52/servers-details-resp.json")["servers"][0]
    admin_only = {k for k in admin if k.startswith("OS-EXT-SRV-ATTR:") or k == "host_status"}
    for server in ours["servers"]:
        assert set(server) == set(ref) | admin_only
    base = _get(demo, token, "/compute/v2.1/servers/detail?all_tenants=1")
    ref = sample(samples, "compute/servers/servers-details-resp.json")["servers"][0]
    assert set(base["servers"][0]) == set(ref)


def test_allocation_candidates_shape(demo, token, samples):
    ours = _get(
        demo,
        token,
        "/placement/allocation_candidates?resources=VCPU:1,MEMORY_MB:512",
        "placement 1.34",
    )
    theirs = sample(samples, "placement/allocation_candidates/get-allocation_candidates-1.34.json")
    assert sorted(ours) == sorted(theirs)
    assert sorted(ours["allocation_requests"][0]) == sorted(theirs["allocation_requests"][0])
    ref = next(iter(theirs["provider_summaries"].values()))
    for summary in ours["provider_summaries"].values():
        assert sorted(summary) == sorted(ref)


def test_quota_bodies(demo, token, samples):
    pid = demo.cloud.projects[2].id
    ours = _get(demo, token, f"/compute/v2.1/os-quota-sets/{pid}/detail", "compute 2.57")
    ref = sample(samples, "compute/os-quota-sets/v2.57/quotas-show-detail-get-resp.json")
    assert sorted(ours["quota_set"]) == sorted(ref["quota_set"])
    assert sorted(ours["quota_set"]["cores"]) == sorted(ref["quota_set"]["cores"])
    plain = _get(demo, token, f"/compute/v2.1/os-quota-sets/{pid}", "compute 2.57")
    ref = sample(samples, "compute/os-quota-sets/v2.57/quotas-show-get-resp.json")
    assert sorted(plain["quota_set"]) == sorted(ref["quota_set"])

    ours = _get(demo, token, f"/volume/v3/os-quota-sets/{pid}?usage=True")["quota_set"]
    ref = sample(samples, "block-storage/quota_sets/quotas-show-usage-response.json")["quota_set"]
    # Per-volume-type entries follow the cloud's types (the sample's is __DEFAULT__).
    assert {k for k in ours if "_" not in k or k in ref} == {k for k in ref if "___" not in k}
    assert sorted(ours["volumes"]) == sorted(ref["volumes"])

    ours = _get(demo, token, f"/network/v2.0/quotas/{pid}/details")["quota"]
    ref = sample(samples, "network/quota_details/quota-details-show-for-project-response.json")
    assert set(ref["quota"]) <= set(ours)
    for entry in ours.values():
        assert sorted(entry) == sorted(ref["quota"]["network"])
    listing = _get(demo, token, "/network/v2.0/quotas")["quotas"]
    ref = sample(samples, "network/quotas/quotas-list-response.json")["quotas"][0]
    for item in listing:
        assert set(ref) <= set(item)


@pytest.mark.parametrize(
    ("path", "sample_path", "key"),
    [
        ("/identity/v3/projects", "identity/admin/projects-list-response.json", "projects"),
        ("/identity/v3/limits", "identity/admin/limits-list-response.json", "limits"),
        (
            "/identity/v3/registered_limits",
            "identity/admin/registered-limits-list-response.json",
            "registered_limits",
        ),
    ],
)
def test_identity_lists(demo, token, samples, path, sample_path, key):
    ours = _get(demo, token, path)
    theirs = sample(samples, sample_path)
    assert sorted(ours) == sorted(theirs)
    ref = theirs[key][0]
    assert ours[key]
    for item in ours[key]:
        assert sorted(item) == sorted(ref)


@pytest.mark.parametrize(
    ("mv", "sample_path"),
    [
        ("volume 3.36", "block-storage/volumes/volumes-list-summary-response.json"),
        (
            "compute 2.59",
            "compute/os-migrations/v2.59/migrations-get-with-changes-since.json",
        ),
    ],
)
def test_summary_and_migrations_bodies(demo, token, cloud, samples, mv, sample_path):
    """What the deltas read: Cinder's volume summary and Nova's migrations at 2.59."""
    theirs = sample(samples, sample_path)
    if mv.startswith("volume"):
        ours = _get(demo, token, "/volume/v3/volumes/summary?all_tenants=1", mv)
        assert sorted(ours["volume-summary"]) == sorted(theirs["volume-summary"])
        assert ours["volume-summary"]["total_count"] == len(cloud.volumes)
        return
    server = next(s for s in cloud.servers if s.host and s.status == "ACTIVE")
    assert cloud.migrate(server.id, "cmp-002", finish=False) is not None
    ours = _get(demo, token, "/compute/v2.1/os-migrations?changes-since=2000-01-01T00:00:00Z", mv)
    assert [sorted(m) for m in ours["migrations"]] == [sorted(theirs["migrations"][0])]
