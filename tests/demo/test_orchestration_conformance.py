"""The demo's Heat answers in the shapes of Heat's upstream API samples (heat
``api-ref/source/v1/samples/``), allowing exactly the documented differences:

- an admin's listing names each stack's ``project`` (``include_project=cnxt.is_admin`` in
  ``heat/api/openstack/v1/stacks.py``); the sample was made by a project member and has none;
- ``links`` (next) only when the request had ``limit`` and the page is full, ``count`` only with
  ``with_count`` (``views_common.get_collection_links``, ``stacks_view.collection``);
- stacks in ``*_FAILED`` / ``*_IN_PROGRESS``, nested (``parent`` set) or tagged: no sample has
  them, the shapes are those of the sample's fields.

Skips cleanly where ../shared/api-samples is absent.
"""

import urllib.error

import pytest

from exporter.demo import DemoServer
from tests.conftest import sample
from tests.test_demo_conformance import assert_same_items, call, password_auth, shape


@pytest.fixture
def token(demo: DemoServer) -> str:
    _, headers = call(demo, "/identity/v3/auth/tokens", "POST", password_auth(demo))
    return headers["X-Subject-Token"]


def base(demo: DemoServer) -> str:
    return f"/heat-api/v1/{demo.cloud.project_id.replace('-', '')}"


def get(demo: DemoServer, tok: str, path: str):
    return call(demo, path, **{"X-Auth-Token": tok})[0]


def test_services(demo, token, samples):
    ours = get(demo, token, f"{base(demo)}/services")["services"]
    theirs = sample(samples, "orchestration/services-list-response.json")["services"]
    assert_same_items(ours, theirs, "binary")
    assert {s["status"] for s in ours} == {"up", "down"}


def test_stack_list_as_admin(demo, token, samples):
    ours = get(demo, token, f"{base(demo)}/stacks?global_tenant=true&show_hidden=true")
    theirs = sample(samples, "orchestration/stacks-list-response.json")
    assert sorted(ours) == sorted(theirs) == ["stacks"]
    ref = theirs["stacks"][0]
    assert ours["stacks"]
    for item in ours["stacks"]:
        assert sorted(item) == sorted([*ref, "project"]), sorted(item)
        for k, v in item.items():
            if v is not None and ref.get(k) is not None:
                assert shape(v) == shape(ref[k]), (k, v, ref[k])
        assert item["stack_status"].partition("_")[2] in ("COMPLETE", "FAILED", "IN_PROGRESS")
    statuses = {i["stack_status"] for i in ours["stacks"]}
    assert {"CREATE_FAILED", "DELETE_IN_PROGRESS", "CREATE_COMPLETE"} <= statuses
    # Stacks' times: whole seconds and Z, like the sample's creation_time.
    assert shape(ours["stacks"][0]["creation_time"]) == "time:0000-00-00T00:00:00Z"


def test_nested_and_hidden_stacks_need_their_flags(demo, token):
    cloud = demo.cloud
    every = f"{base(demo)}/stacks?global_tenant=true"
    plain = {s["id"] for s in get(demo, token, every)["stacks"]}
    hidden = {s["id"] for s in get(demo, token, every + "&show_hidden=true")["stacks"]}
    nested = {s["id"] for s in get(demo, token, every + "&show_nested=true")["stacks"]}
    assert plain == {s.id for s in cloud.heat_stacks if s.parent is None and not s.tags}
    assert hidden - plain == {s.id for s in cloud.heat_stacks if s.tags}
    assert nested - plain == {s.id for s in cloud.heat_stacks if s.parent}


def test_paging_links_and_count(demo, token):
    cloud = demo.cloud
    every = f"{base(demo)}/stacks?global_tenant=true&show_hidden=true"
    n = sum(1 for s in cloud.heat_stacks if s.parent is None)
    first = get(demo, token, every + "&limit=4&with_count=true")
    assert len(first["stacks"]) == 4
    assert first["count"] == n
    assert [link["rel"] for link in first["links"]] == ["next"]
    assert "marker=" in first["links"][0]["href"]
    # Newest first (created_at descending), as Heat sorts by default.
    times = [s["creation_time"] for s in get(demo, token, every)["stacks"]]
    assert times == sorted(times, reverse=True)
    plain = get(demo, token, every)
    assert "links" not in plain
    assert "count" not in plain


def test_the_default_policy_denies_the_global_listing(demo, token):
    demo.cloud.heat_global_index = False
    with pytest.raises(urllib.error.HTTPError) as err:
        get(demo, token, f"{base(demo)}/stacks?global_tenant=true")
    assert err.value.code == 403
    body = err.value.read().decode()
    assert "You are not authorized to use stacks:global_index." in body
    # The token's own project stays listable.
    own = get(demo, token, f"{base(demo)}/stacks")["stacks"]
    assert all(s["project"] == demo.cloud.project_id.replace("-", "") for s in own)


def test_another_projects_path_is_forbidden(demo, token):
    for suffix in ("services", "stacks"):
        with pytest.raises(urllib.error.HTTPError) as err:
            get(demo, token, f"/heat-api/v1/{'0' * 32}/{suffix}")
        assert err.value.code == 403


def test_catalog_endpoint_holds_the_project(demo, token):
    auth = password_auth(demo)
    ours, _ = call(demo, "/identity/v3/auth/tokens", "POST", auth)
    heat = next(s for s in ours["token"]["catalog"] if s["type"] == "orchestration")
    assert {ep["url"] for ep in heat["endpoints"]} == {demo.base_url + base(demo)}


def test_version_document(demo, samples):
    ours, _ = call(demo, "/heat-api")
    theirs = sample(samples, "orchestration/versions-list-response.json")
    assert sorted(ours) == sorted(theirs)
    assert [sorted(v) for v in ours["versions"]] == [sorted(v) for v in theirs["versions"]]
    assert ours["versions"][0]["id"] == theirs["versions"][0]["id"] == "v1.0"
