"""The demo's Designate answers in the shapes of designate's api-ref samples, allowing exactly
the differences ../shared/api-samples/README.md documents between the samples and the server:

- service status list: the sample predates the v2 adapter's ``updated_at`` and writes times as
  ``2016-05-20 06:15:42``; the server (and the show sample) render ``%Y-%m-%dT%H:%M:%S.%f``;
- zones: the v2 adapter adds ``shared``, which no sample shows (gotcha 49);
- version document: the server lists v2.1 to v2.4 after the sample's v2 and v2.0.

Skips cleanly where the samples are absent (the ``samples`` fixture).
"""

from __future__ import annotations

import urllib.error

import pytest

from exporter.demo import DemoServer
from tests.conftest import sample
from tests.test_demo_conformance import call, password_auth, shape

ALL = {"X-Auth-All-Projects": "true"}


@pytest.fixture
def token(demo: DemoServer) -> str:
    _, headers = call(demo, "/identity/v3/auth/tokens", "POST", password_auth(demo))
    return headers["X-Subject-Token"]


def get(demo: DemoServer, token: str, path: str, **headers: str):
    return call(demo, path, **{"X-Auth-Token": token, **headers})[0]


def same_shapes(ours: dict, ref: dict, *, besides: frozenset[str] = frozenset()) -> None:
    assert sorted(set(ours) - besides) == sorted(ref), (sorted(ours), sorted(ref))
    for k, v in ref.items():
        if v is not None and ours[k] is not None:
            assert shape(ours[k]) == shape(v), (k, ours[k], v)


def test_service_statuses(demo, token, samples):
    ours = get(demo, token, "/dns/v2/service_statuses")
    assert sorted(ours) == ["links", "service_statuses"]
    shown = sample(samples, "dns/service_status/service_status_show.json")
    listed = sample(samples, "dns/service_status/service_status_list.json")
    for item in ours["service_statuses"]:
        # Key for key and format for format, the server's rendering is the show sample's.
        same_shapes(item, shown)
    # The list sample: no updated_at, and times written with a space — documented only.
    ref = listed["service_statuses"][0]
    item = ours["service_statuses"][0]
    assert sorted(set(item) - set(ref)) == ["updated_at"]
    assert shape(ref["heartbeated_at"]) == "time:0000-00-00 00:00:00"
    assert shape(item["heartbeated_at"]) == shape(shown["heartbeated_at"])
    assert sorted(ours["links"]) == sorted(listed["links"])


def test_zones(demo, token, samples):
    ours = get(demo, token, "/dns/v2/zones?limit=1000", **ALL)
    theirs = sample(samples, "dns/zones/list-zones-response.json")
    assert sorted(ours) == sorted(theirs)
    assert sorted(ours["metadata"]) == sorted(theirs["metadata"])
    assert isinstance(ours["metadata"]["total_count"], int)
    for zone in ours["zones"]:
        same_shapes(zone, theirs["zones"][0], besides=frozenset({"shared"}))
        assert isinstance(zone["shared"], bool)
    shown = sample(samples, "dns/zones/zone-response.json")
    assert sorted(shown) == sorted(theirs["zones"][0])


def test_zone_states_are_designates(demo, token):
    zones = get(demo, token, "/dns/v2/zones?limit=1000", **ALL)["zones"]
    # designate objects/zone.py: the values a listed zone's status and action take.
    assert {z["status"] for z in zones} <= {"ACTIVE", "PENDING", "ERROR"}
    assert {z["action"] for z in zones} <= {"CREATE", "UPDATE", "DELETE", "NONE"}
    assert {z["type"] for z in zones} <= {"PRIMARY", "SECONDARY", "CATALOG"}
    assert all(z["action"] == "NONE" for z in zones if z["status"] == "ACTIVE")


def test_scope_is_a_header(demo, token):
    """Without X-Auth-All-Projects a list holds the token's project only, and another
    project's quotas are forbidden — as designate's middleware and central decide."""
    cloud = demo.cloud
    own = cloud.project_id.replace("-", "")
    everyone = get(demo, token, "/dns/v2/zones?limit=1000", **ALL)["zones"]
    mine = get(demo, token, "/dns/v2/zones?limit=1000")["zones"]
    assert len(everyone) == len(cloud.zones)
    assert [z["id"] for z in mine] == [z["id"] for z in everyone if z["project_id"] == own]
    assert len(mine) < len(everyone)
    other = next(z["project_id"] for z in everyone if z["project_id"] != own)
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(demo, token, f"/dns/v2/quotas/{other}")
    assert refused.value.code == 403
    assert get(demo, token, f"/dns/v2/quotas/{other}", **ALL)["zones"] >= 0


def test_pages_of_twenty_with_next_on_a_full_page(demo, token):
    cloud = demo.cloud
    first = get(demo, token, "/dns/v2/zones", **ALL)
    assert len(first["zones"]) == min(20, len(cloud.zones))
    page = get(demo, token, "/dns/v2/zones?limit=2", **ALL)
    assert len(page["zones"]) == 2
    assert "marker=" in page["links"]["next"]
    assert page["metadata"]["total_count"] == len(cloud.zones)
    # Exactly full last page: a next link all the same, to an empty page.
    n = len(cloud.zones)
    last = get(demo, token, f"/dns/v2/zones?limit={n}", **ALL)
    empty = get(demo, token, last["links"]["next"].removeprefix(demo.base_url), **ALL)
    assert empty["zones"] == []
    assert "next" not in empty["links"]


def test_quotas(demo, token, samples):
    pid = demo.cloud.projects[3].id
    ours = get(demo, token, f"/dns/v2/quotas/{pid}", **ALL)
    theirs = sample(samples, "dns/quotas/get-quotas-response.json")
    assert sorted(ours) == sorted(theirs)
    assert all(isinstance(v, int) for v in ours.values())


def test_version_document(demo, samples):
    ours, _ = call(demo, "/dns")
    theirs = sample(samples, "dns/versions/get-versions-response.json")
    assert sorted(ours) == sorted(theirs)
    ids = [v["id"] for v in ours["versions"]]
    assert ids[:2] == [v["id"] for v in theirs["versions"]]
    for version in ours["versions"]:
        same_shapes(version, theirs["versions"][0])
        assert [link["rel"] for link in version["links"]] == ["self", "help"]
