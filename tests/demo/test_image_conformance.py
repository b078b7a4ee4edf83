"""The demo's Glance answers in the shapes of the upstream samples (image/), allowing exactly
these differences, each what a real Glance sends where the samples' deployment did not:

- list items carry ``stores`` (comma-separated) when the image has data and Glance runs
  multi-store (``_format_image``: only with ``enabled_backends``; the samples' images have none),
  and an import in flight carries Glance's reserved ``os_glance_*`` properties;
- ``image-create-response.json`` shows ``locations: []``, which Glance adds only with
  ``show_multiple_locations`` (off by default and in the demo);
- a list page that is full carries ``next`` (the list sample is a last page);
- the file store's ``properties`` say ``data_dir`` as ``glance/api/v2/discovery.py`` writes it,
  where the detail sample says ``datadir``; http stores (no sample) have ``{}``.

Skips cleanly without ../shared/api-samples.
"""

from typing import Any

import pytest

from exporter.demo import DemoServer
from tests.conftest import sample
from tests.test_demo_conformance import call, password_auth, shape

IMPORT_PROPERTIES = {
    "os_glance_import_task",
    "os_glance_importing_to_stores",
    "os_glance_failed_import",
}


@pytest.fixture
def token(demo: DemoServer) -> str:
    _, headers = call(demo, "/identity/v3/auth/tokens", "POST", password_auth(demo))
    return headers["X-Subject-Token"]


def get(demo: DemoServer, token: str, path: str) -> Any:
    return call(demo, path, **{"X-Auth-Token": token})[0]


def same_shape(ours: dict, theirs: dict, extra: set[str] = frozenset()) -> None:
    """Same keys (ours may add ``extra``) and, where both have a value, the same shape."""
    assert set(ours) - set(theirs) <= set(extra), sorted(set(ours) - set(theirs))
    assert set(theirs) <= set(ours), sorted(set(theirs) - set(ours))
    for key, value in theirs.items():
        if value is not None and ours[key] is not None:
            assert shape(ours[key]) == shape(value), (key, ours[key], value)


def test_image_list(demo, token, samples):
    theirs = sample(samples, "image/images-list-response.json")
    ours = get(demo, token, "/image/v2/images?visibility=all&limit=1000")
    assert set(ours) == set(theirs)  # a last page: no next
    assert ours["schema"] == theirs["schema"]
    reference = theirs["images"][0]
    for item in ours["images"]:
        same_shape(item, reference, {"stores"} | IMPORT_PROPERTIES)
        assert item["self"] == f"/v2/images/{item['id']}"
        assert item["file"] == f"/v2/images/{item['id']}/file"
    importing = [i for i in ours["images"] if i["status"] == "importing"]
    assert importing
    assert all(set(i) >= IMPORT_PROPERTIES for i in importing)


def test_a_full_page_has_next(demo, token, samples):
    theirs = sample(samples, "image/images-list-response.json")
    ours = get(demo, token, "/image/v2/images?limit=2")
    assert set(ours) == set(theirs) | {"next"}
    assert ours["next"].startswith("/v2/images?")
    assert f"marker={ours['images'][-1]['id']}" in ours["next"]


def test_an_image_without_data(demo, token, samples):
    theirs = sample(samples, "image/image-create-response.json")
    ours = get(demo, token, "/image/v2/images?visibility=all&limit=1000")["images"]
    queued = next(i for i in ours if i["status"] == "queued")
    theirs = {k: v for k, v in theirs.items() if k != "locations"}
    same_shape(queued, theirs)
    for key in ("size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value"):
        assert queued[key] is None, key


def test_stores(demo, token, samples):
    theirs = sample(samples, "image/stores-list-response.json")["stores"]
    ours = get(demo, token, "/image/v2/info/stores")["stores"]
    keys = {k for s in theirs for k in s}
    assert all(set(s) <= keys and {"id", "description"} <= set(s) for s in ours)
    # Flags are the string "true", and present only when true.
    assert [s["default"] for s in ours if "default" in s] == ["true"]
    assert [s["read-only"] for s in ours if "read-only" in s] == ["true"]


def test_stores_detail(demo, token, samples):
    theirs = {
        s["type"]: s for s in sample(samples, "image/stores-list-detail-response.json")["stores"]
    }
    ours = get(demo, token, "/image/v2/info/stores/detail")["stores"]
    assert {s["type"] for s in ours} & set(theirs) == {"rbd", "file", "swift"}
    for store in ours:
        ref = theirs.get(store["type"])
        if ref is None:
            assert (store["type"], store["properties"]) == ("http", {})
            continue
        same_shape(store, ref, {"default", "read-only"})
        ref_props = dict(ref["properties"])
        if store["type"] == "file":
            ref_props["data_dir"] = ref_props.pop("datadir")
        same_shape(store["properties"], ref_props)


def test_single_store_glance_has_no_store_api(demo, token):
    demo.cloud.set_multi_store(False)
    with pytest.raises(Exception, match="404"):
        get(demo, token, "/image/v2/info/stores/detail")
    images = get(demo, token, "/image/v2/images?visibility=all&limit=1000")["images"]
    assert not any("stores" in i for i in images)


def test_versions(demo, samples):
    theirs = sample(samples, "image/image-versions-response.json")["versions"]
    ours = call(demo, "/image")[0]["versions"]
    assert [v["id"] for v in ours] == [v["id"] for v in theirs]
    assert [v["status"] for v in ours] == [v["status"] for v in theirs]
    for mine, ref in zip(ours, theirs, strict=True):
        same_shape(mine, ref)
        assert mine["links"][0]["href"] == f"{demo.base_url}/image/v2/"
