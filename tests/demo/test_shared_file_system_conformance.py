"""The demo's Manila answers in the shapes of manila's api-ref samples, microversion by
microversion, allowing exactly the differences the samples README documents: the samples are
not pinned to one microversion (gotcha 43), the pool sample is minimal (gotcha 45), and the
version documents say 2.15 where Manila's maximum is 2.99 (gotcha 42).

Raw HTTP, no openstacksdk: the header Manila reads is the one under test. Skips cleanly where
../shared/api-samples is absent.
"""

from __future__ import annotations

import urllib.error
from typing import Any

import pytest

from exporter.demo import DemoServer
from tests.conftest import sample
from tests.test_demo_conformance import assert_same_items, call, password_auth, shape

SFS = "shared-file-system"


@pytest.fixture
def token(demo: DemoServer) -> str:
    _, headers = call(demo, "/identity/v3/auth/tokens", "POST", password_auth(demo))
    return headers["X-Subject-Token"]


def get(demo: DemoServer, token: str, path: str, mv: str | None = None, **headers: str) -> Any:
    if mv:
        headers["X-OpenStack-Manila-API-Version"] = mv
    return call(demo, "/share/v2" + path, **{"X-Auth-Token": token, **headers})[0]


def status_of(demo: DemoServer, token: str, path: str, **headers: str) -> int:
    try:
        call(demo, "/share/v2" + path, **{"X-Auth-Token": token, **headers})
    except urllib.error.HTTPError as exc:
        return exc.code
    return 200


def test_services(demo, token, samples):
    theirs = sample(samples, f"{SFS}/services-list-response.json")["services"]
    # The sample is the 2.7-2.82 shape: no disabled_reason (2.83), no ensuring (2.86).
    assert_same_items(get(demo, token, "/services", "2.7")["services"], theirs, "binary")
    ours = get(demo, token, "/services", "2.83")["services"]
    assert {frozenset(s) - frozenset(theirs[0]) for s in ours} == {frozenset({"disabled_reason"})}
    ours = get(demo, token, "/services", "2.86")["services"]
    assert {frozenset(s) - frozenset(theirs[0]) for s in ours} == {
        frozenset({"disabled_reason", "ensuring"})
    }


def test_manila_reads_only_its_own_header(demo, token):
    # No X-OpenStack-Manila-API-Version: 2.0, where /services does not exist (os-services).
    assert status_of(demo, token, "/services") == 404
    assert status_of(demo, token, "/services", **{"OpenStack-API-Version": f"{SFS} 2.83"}) == 404
    assert status_of(demo, token, "/services", **{"X-OpenStack-Manila-API-Version": "2.7"}) == 200
    # Above the server's maximum: 406.
    assert status_of(demo, token, "/services", **{"X-OpenStack-Manila-API-Version": "2.100"}) == (
        406
    )


# Fields real back ends report that the pool sample leaves out (samples README, gotcha 45;
# manila scheduler/host_manager.py reads qos too).
POOL_EXTRAS = {
    "allocated_capacity_gb",
    "provisioned_capacity_gb",
    "max_over_subscription_ratio",
    "thin_provisioning",
    "reserved_snapshot_percentage",
    "reserved_share_extend_percentage",
    "qos",
}


def test_pools(demo, token, samples):
    theirs = sample(samples, f"{SFS}/pools-list-detailed-response.json")["pools"]
    ours = get(demo, token, "/scheduler-stats/pools/detail", "2.23")["pools"]
    ref = theirs[0]
    for pool in ours:
        assert sorted(pool) == sorted(ref)
        assert pool["name"] == f"{pool['host']}@{pool['backend']}#{pool['pool']}"
        caps, ref_caps = pool["capabilities"], ref["capabilities"]
        assert set(ref_caps) <= set(caps), set(ref_caps) - set(caps)
        assert set(caps) - set(ref_caps) <= POOL_EXTRAS
        for key, value in caps.items():
            if key in ref_caps and value is not None and ref_caps[key] is not None:
                if value == "unknown":
                    continue  # a capacity a driver cannot measure (gotcha 45)
                assert shape(value) == shape(ref_caps[key]), (key, value, ref_caps[key])
    summary = get(demo, token, "/scheduler-stats/pools", "2.23")["pools"]
    assert sorted(summary[0]) == sorted(
        sample(samples, f"{SFS}/pools-list-response.json")["pools"][0]
    )


def test_shares(demo, token, samples):
    theirs = sample(samples, f"{SFS}/shares-list-detailed-response.json")
    ref = theirs["shares"][0]
    ours = get(demo, token, "/shares/detail?all_tenants=1", "2.71")["shares"]
    # The sample mixes versions: export_location(s) went at 2.9, source_backup_id came at 2.80;
    # and it lacks fields of 2.24, 2.27, 2.31, 2.32 and 2.69 that a 2.71 body has.
    missing = {"export_location", "export_locations", "source_backup_id"}
    added = {
        "create_share_from_snapshot_support",
        "revert_to_snapshot_support",
        "source_share_group_snapshot_member_id",
        "mount_snapshot_support",
        "is_soft_deleted",
        "scheduled_to_be_deleted_at",
    }
    for share in ours:
        assert set(share) == (set(ref) - missing) | added, set(share) ^ set(ref)
        for key, value in share.items():
            if key in ref and value is not None and ref[key] is not None:
                assert shape(value) == shape(ref[key]), (key, value, ref[key])
    at_280 = get(demo, token, "/shares/detail?all_tenants=1", "2.80")["shares"][0]
    assert "source_backup_id" in at_280
    # Below 2.6 share_type is the name; from 2.6 the ID, with the name beside it.
    old = get(demo, token, "/shares/detail?all_tenants=1", "2.5")["shares"][0]
    assert old["share_type"] == old["volume_type"]
    assert "share_type_name" not in old
    assert ours[0]["share_type_name"] == ours[0]["volume_type"] != ours[0]["share_type"]


def test_shares_page_by_offset_and_ignore_the_marker(demo, token):
    everything = get(demo, token, "/shares/detail?all_tenants=1&sort_key=id&sort_dir=asc", "2.71")
    ids = [s["id"] for s in everything["shares"]]
    assert ids == sorted(ids)
    assert "shares_links" not in everything  # no limit: all of them, no link
    first = get(
        demo, token, "/shares/detail?all_tenants=1&sort_key=id&sort_dir=asc&limit=5", "2.71"
    )
    assert [s["id"] for s in first["shares"]] == ids[:5]
    (link,) = first["shares_links"]
    assert link["rel"] == "next"
    assert f"marker={ids[4]}" in link["href"]
    # Following the link as a marker client would: Manila answers the first page again.
    again = get(
        demo,
        token,
        f"/shares/detail?all_tenants=1&sort_key=id&sort_dir=asc&limit=5&marker={ids[4]}",
        "2.71",
    )
    assert [s["id"] for s in again["shares"]] == ids[:5]
    second = get(
        demo,
        token,
        "/shares/detail?all_tenants=1&sort_key=id&sort_dir=asc&limit=5&offset=5",
        "2.71",
    )
    assert [s["id"] for s in second["shares"]] == ids[5:10]
    counted = get(demo, token, "/shares/detail?all_tenants=1&limit=5&with_count=true", "2.42")
    assert counted["count"] == len(ids)


def test_share_instances(demo, token, samples):
    theirs = sample(samples, f"{SFS}/share-instances-list-response.json")["share_instances"]
    ours = get(demo, token, "/share_instances", "2.71")["share_instances"]
    assert_same_items(ours, theirs, "status")
    # updated_at from 2.71, progress from 2.54; creating_from_snapshot is "creating" below 2.54.
    older = get(demo, token, "/share_instances", "2.70")["share_instances"]
    assert all("updated_at" not in i for i in older)
    assert status_of(
        demo, token, "/share_instances", **{"X-OpenStack-Manila-API-Version": "2.2"}
    ) == (404)


@pytest.mark.parametrize(
    ("path", "sample_path"),
    [
        ("/quota-sets/{pid}/detail", "quota-show-detail-response.json"),
        ("/quota-sets/{pid}", "quota-show-response.json"),
    ],
)
def test_quota_sets(demo, token, samples, path, sample_path):
    pid = demo.cloud.shares[0].project_id
    theirs = sample(samples, f"{SFS}/{sample_path}")["quota_set"]
    # The samples are the 2.80-2.89 shape (gotcha 43: no encryption_keys, 2.90).
    ours = get(demo, token, path.format(pid=pid), "2.80")["quota_set"]
    assert sorted(ours) == sorted(theirs)
    for key, value in ours.items():
        assert shape(value) == shape(theirs[key]), key
        if isinstance(value, dict):
            assert sorted(value) == sorted(theirs[key])
    # What the exporter asks, 2.71: no backup quotas (2.80).
    at_271 = get(demo, token, path.format(pid=pid), "2.71")["quota_set"]
    assert set(theirs) - set(at_271) == {"backups", "backup_gigabytes"}
    assert "encryption_keys" in get(demo, token, path.format(pid=pid), "2.90")["quota_set"]


@pytest.mark.parametrize(
    ("path", "sample_path"),
    [
        ("/share", "versions-index-response.json"),
        ("/share/v2", "versions-get-version-response.json"),
    ],
)
def test_version_documents(demo, samples, path, sample_path):
    ours, _ = call(demo, path)
    theirs = sample(samples, f"{SFS}/{sample_path}")
    assert sorted(ours) == sorted(theirs)
    assert len(ours["versions"]) == len(theirs["versions"])
    for mine, ref in zip(ours["versions"], theirs["versions"], strict=True):
        assert sorted(mine) == sorted(ref)
        assert (mine["id"], mine["status"], mine["min_version"]) == (
            ref["id"],
            ref["status"],
            ref["min_version"],
        )
    # The samples say 2.15; Manila's maximum is 2.99 (gotcha 42).
    assert ours["versions"][-1]["version"] == "2.99"
