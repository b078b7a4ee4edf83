"""The Neutron sources: each asks with ``fields=`` for exactly what it reads, pages, checks every
item, and counts per project what Neutron's quota API reports as used."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from exporter.api import Api, ApiError
from exporter.clouds import cloud_region
from exporter.connection import connect
from exporter.contract import Source, SyncContext
from exporter.demo import DemoCloud
from exporter.demo.routes import Request
from exporter.demo.services import network
from exporter.sources.floating_ips import FloatingIps
from exporter.sources.networks import Networks
from exporter.sources.ports import Ports
from exporter.sources.routers import Routers
from exporter.sources.security_group_rules import SecurityGroupRules
from exporter.sources.security_groups import SecurityGroups
from exporter.sources.subnets import Subnets

# source -> (demo route, list key, quota resource)
LISTED: dict[type[Source[Any]], tuple[Callable[..., Any], str, str]] = {
    Networks: (network.networks, "networks", "network"),
    Subnets: (network.subnets, "subnets", "subnet"),
    Ports: (network.ports, "ports", "port"),
    Routers: (network.routers, "routers", "router"),
    FloatingIps: (network.floating_ips, "floatingips", "floatingip"),
    SecurityGroups: (network.security_groups, "security_groups", "security_group"),
    SecurityGroupRules: (
        network.security_group_rules,
        "security_group_rules",
        "security_group_rule",
    ),
}


class ListingApi:
    """Answers ``pages`` with fixed items, keeping only the ``fields`` asked for (as Neutron
    does) or, with ``strip=False``, every field; records what was asked."""

    def __init__(self, items: list[dict[str, Any]], *, strip: bool = True) -> None:
        self.items, self.strip = items, strip
        self.asked: list[Mapping[str, Any]] = []

    def pages(self, service: str, path: str, key: str, params: Mapping[str, Any], **kw: Any):
        self.asked.append(params)
        fields = params["fields"]
        for item in self.items:
            yield {k: v for k, v in item.items() if k in fields} if self.strip else dict(item)


def ctx(api: Any, previous: Any = None) -> SyncContext:
    return SyncContext(api, {"page_size": 1000}, None, 60.0, 0.0, previous=previous)


def demo_items(cloud: DemoCloud, source: type[Source[Any]]) -> list[dict[str, Any]]:
    route, key, _ = LISTED[source]
    status, body = route(Request(cloud, "", (0, 0), {}))
    assert status == 200
    return body[key]


@pytest.mark.parametrize("source", list(LISTED), ids=lambda s: s.name)
def test_fields_asked_are_all_that_is_read(cloud: DemoCloud, source):
    """With only the fields asked for, the data is what the whole items would give: nothing
    read is missing from ``fields``, and ``fields`` is always sent."""
    items = demo_items(cloud, source)
    slim, whole = ListingApi(items), ListingApi(items, strip=False)
    assert source().full(ctx(slim)) == source().full(ctx(whole))
    assert slim.asked
    assert all(a["fields"] for a in slim.asked)
    # Only the attributes read are asked for: never the whole port.
    assert len(slim.asked[0]["fields"]) < len(items[0])


def test_ports_ask_for_what_network_problems_and_quota_usage_read():
    api = ListingApi([])
    Ports().full(ctx(api))
    assert sorted(api.asked[0]["fields"]) == sorted(
        ["id", "name", "project_id", "device_owner", "device_id", "status"]
    )


def project_ids(cloud: DemoCloud) -> list[str]:
    return [p.id.replace("-", "") for p in cloud.projects]


@pytest.fixture
def sync(make_settings) -> Callable[..., Any]:
    """One real sync of a source against the demo cloud, over HTTP."""
    settings = make_settings()
    conn = connect(cloud_region(settings))

    def run(source: type[Source[Any]], previous: Any = None, page_size: int = 1000) -> Any:
        api = Api(conn, api_timeout=2, deadline=time.monotonic() + 30)
        context = SyncContext(api, {"page_size": page_size}, None, 60.0, 0.0, previous=previous)
        data = source().full(context)
        run.changed, run.requests = context.changed, api.requests  # type: ignore[attr-defined]
        return data

    return run


@pytest.mark.parametrize("source", list(LISTED), ids=lambda s: s.name)
def test_per_project_counts_are_the_quota_in_use(cloud: DemoCloud, sync, source):
    data = sync(source, page_size=2)
    counts = data if isinstance(data, Mapping) else data.per_project
    resource = LISTED[source][2]
    for pid in {p for p in counts} | set(project_ids(cloud)):
        assert counts.get(pid, 0) == cloud.quota_usage("network", pid)[resource], pid
    assert sync.requests > 1  # paged


def test_changes_are_counted(cloud: DemoCloud, sync):
    first = sync(Routers)
    assert sync.changed == len(cloud.routers)
    assert sync(Routers, previous=first) == first
    assert sync.changed == 0
    cloud.routers.pop()  # gone
    cloud.routers[0].gateway_network_id = None  # changed
    sync(Routers, previous=first)
    assert sync.changed == 2
    counts = sync(SecurityGroupRules)
    cloud.security_groups[0].rules += 3
    sync(SecurityGroupRules, previous=counts)
    assert sync.changed == 3


@pytest.mark.parametrize(
    ("source", "item", "problem"),
    [
        (Ports, {"project_id": "p", "status": "DOWN"}, "without an id"),
        (Routers, {"id": "r"}, "without a project_id"),
        (Routers, {"id": "r", "project_id": "p", "external_gateway_info": "x"}, "not an object"),
        (Subnets, {"project_id": 7}, "not a string"),
        (Networks, {"id": "n", "project_id": "p", "router:external": "yes"}, "not a boolean"),
    ],
)
def test_unexpected_items_are_refused(source, item, problem):
    with pytest.raises(ApiError, match=problem):
        source().full(ctx(ListingApi([item], strip=False)))


def test_project_id_may_be_empty():
    api = ListingApi([{"id": "p1", "project_id": ""}, {"id": "p2", "project_id": None}])
    assert dict(Ports().full(ctx(api)).per_project) == {"": 2}
