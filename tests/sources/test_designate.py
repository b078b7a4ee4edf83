"""Designate's paging, as the DNS sources read it: ``links.next`` markers, the empty page after
an exactly full one, loops, a list that ends short of its ``total_count``, and the all-projects
header — through a fake Api and through the real SDK against the demo cloud."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pytest

from exporter.api import ApiError
from exporter.demo import DemoCloud
from exporter.sources._designate import ALL_PROJECTS, listing


class PagedApi:
    """Answers each ``body`` call with the next of ``pages`` and records what was asked."""

    max_pages = 10

    def __init__(self, *pages: dict[str, Any]) -> None:
        self.pages = list(pages)
        self.asked: list[tuple[Mapping[str, Any], Mapping[str, str]]] = []

    def body(self, service, path, key, kind, *, params, headers):
        self.asked.append((dict(params), dict(headers)))
        return self.pages.pop(0)


def page(ids: list[str], next_marker: str | None = None, total: int | None = None):
    body: dict[str, Any] = {"zones": [{"id": i} for i in ids], "links": {"self": "x"}}
    if next_marker:
        body["links"]["next"] = f"https://elsewhere.invalid/v2/zones?limit=2&marker={next_marker}"
    if total is not None:
        body["metadata"] = {"total_count": total}
    return body


def test_follows_next_markers_to_the_empty_page_after_a_full_one():
    api = PagedApi(page(["a", "b"], "b", 4), page(["c", "d"], "d", 4), page([], None, 4))
    got = [i["id"] for i in listing(api, "/zones", "zones", page_size=2)]  # type: ignore[arg-type]
    assert got == ["a", "b", "c", "d"]
    assert [q for q, _ in api.asked] == [
        {"limit": 2},
        {"limit": 2, "marker": "b"},
        {"limit": 2, "marker": "d"},
    ]
    # All projects by default: Designate's scope header on every page.
    assert all(h == ALL_PROJECTS for _, h in api.asked)


def test_a_repeated_marker_fails():
    api = PagedApi(page(["a"], "a"), page(["b"], "a"))
    with pytest.raises(ApiError, match="repeats a marker"):
        list(listing(api, "/zones", "zones", page_size=1))  # type: ignore[arg-type]


def test_a_list_that_ends_short_of_its_total_fails():
    """A server that cut the page below the limit asked sends no next link (Designate adds
    one only to a page of exactly ``limit`` items): total_count shows the rest is missing."""
    api = PagedApi(page(["a", "b"], None, 5))
    with pytest.raises(ApiError, match="ends after 2 of its 5"):
        list(listing(api, "/zones", "zones", page_size=1000))  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [{"name": "no id"}, "zone", {"id": ""}])
def test_an_item_without_an_id_fails(bad):
    api = PagedApi({"zones": [bad], "links": {}})
    with pytest.raises(ApiError, match="without an id"):
        list(listing(api, "/zones", "zones"))  # type: ignore[arg-type]


def test_links_must_be_an_object():
    api = PagedApi({"zones": [{"id": "a"}], "links": [{"rel": "next", "href": "x"}]})
    with pytest.raises(ApiError, match="links is not an object"):
        list(listing(api, "/zones", "zones"))  # type: ignore[arg-type]


def test_endless_paging_stops_at_the_page_cap():
    api = PagedApi(*(page([str(i)], str(i)) for i in range(20)))
    with pytest.raises(ApiError, match="more than 10 pages"):
        list(listing(api, "/zones", "zones", page_size=1))  # type: ignore[arg-type]


def test_small_pages_of_the_demo_through_the_sdk(harness, cloud: DemoCloud):
    """Pages of two through the real SDK: every zone of every project, each page asked with
    X-Auth-All-Projects (the demo, like Designate, lists the token's project without it)."""
    h = harness(sources={"dns_zones": {"page_size": 2}})
    h.run("dns_zones")
    counted = sum(
        s.value for f in h.registry.collect() for s in f.samples if s.name == "openstack_dns_zones"
    )
    assert counted == len(cloud.zones)
    n = len(cloud.zones)
    assert cloud.requests_by_path["/dns/v2/zones"] == math.ceil(n / 2) + (n % 2 == 0)
