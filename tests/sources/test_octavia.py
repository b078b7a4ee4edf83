"""The Octavia listing sources: each asks with ``fields=`` for what it reads, parses the
upstream samples and whole bodies alike, and refuses items without the values it needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from exporter.api import ApiError
from exporter.contract import Source, SyncContext
from exporter.sources.load_balancer_amphorae import LoadBalancerAmphorae
from exporter.sources.load_balancer_listeners import LoadBalancerListeners
from exporter.sources.load_balancer_pools import LoadBalancerPools
from exporter.sources.load_balancer_providers import LoadBalancerProviders
from exporter.sources.load_balancers import LoadBalancers
from tests.conftest import sample

# source -> (sample file, list key)
SAMPLES: dict[type[Source[Any]], tuple[str, str]] = {
    LoadBalancers: ("loadbalancers-list-response.json", "loadbalancers"),
    LoadBalancerListeners: ("listeners-list-response.json", "listeners"),
    LoadBalancerPools: ("pools-list-response.json", "pools"),
    LoadBalancerAmphorae: ("amphora-list-response.json", "amphorae"),
}


class FakeApi:
    """Answers ``pages`` and ``get`` with fixed items, keeping only the ``fields`` asked for
    unless ``strip`` is off (Octavia with allow_field_selection = false)."""

    def __init__(self, items: list[Any], *, strip: bool = True) -> None:
        self.items, self.strip = items, strip
        self.asked: list[Mapping[str, Any]] = []

    def pages(self, service: str, path: str, key: str, params: Mapping[str, Any], **kw: Any):
        self.asked.append(params)
        for item in self.items:
            keep = self.strip and isinstance(item, dict)
            yield {k: v for k, v in item.items() if k in params["fields"]} if keep else item

    def get(self, service: str, path: str, key: str, kind: type = list, **kw: Any) -> Any:
        return self.items


def run(source: type[Source[Any]], api: Any) -> Any:
    return source().full(SyncContext(api, {"page_size": 1000}, None, 300.0, 0.0))


@pytest.mark.parametrize("source", list(SAMPLES), ids=lambda s: s.name)
@pytest.mark.parametrize("strip", [True, False], ids=["fields", "whole"])
def test_samples_parse_with_or_without_field_selection(samples, source, strip):
    name, key = SAMPLES[source]
    items = sample(samples, f"load-balancer/{name}")[key]
    api = FakeApi(items, strip=strip and source is not LoadBalancerAmphorae)
    found = run(source, api)
    assert [r.id for r in found] == [i["id"] for i in items]
    assert api.asked[0]["fields"]


def test_sample_values(samples):
    lb = run(
        LoadBalancers,
        FakeApi(sample(samples, "load-balancer/loadbalancers-list-response.json")["loadbalancers"]),
    )[0]
    assert (lb.provisioning_status, lb.operating_status, lb.provider) == (
        "ACTIVE",
        "ONLINE",
        "octavia",
    )
    assert lb.vip_address == "203.0.113.50"
    assert lb.changed is not None
    pools = sample(samples, "load-balancer/pools-list-response.json")["pools"]
    (pool,) = run(LoadBalancerPools, FakeApi(pools))
    # The sample's members[0] holds "id" twice: JSON keeps one, so one member.
    assert pool.member_ids == ("692e8358-f8fd-4b92-bbca-6e4b97c75571",)
    assert pool.healthmonitor_id == ""
    listeners = sample(samples, "load-balancer/listeners-list-response.json")["listeners"]
    assert run(LoadBalancerListeners, FakeApi(listeners))[0].l7policies == 1
    amphorae = sample(samples, "load-balancer/amphora-list-response.json")["amphorae"]
    first = run(LoadBalancerAmphorae, FakeApi(amphorae, strip=False))[0]
    assert first.loadbalancer_id == "09eedfc6-2c55-41a8-a75c-2cd4e95212ca"  # load_balancer_id
    assert (first.role, first.status) == ("MASTER", "ALLOCATED")
    providers = sample(samples, "load-balancer/provider-list-response.json")["providers"]
    assert [p.name for p in run(LoadBalancerProviders, FakeApi(providers))] == [
        "amphora",
        "octavia",
    ]


@pytest.mark.parametrize(
    ("source", "item", "error"),
    [
        (LoadBalancers, {}, "an item without an id"),
        (LoadBalancers, {"id": "x", "provisioning_status": "ACTIVE"}, "without project_id"),
        (
            LoadBalancers,
            {"id": "x", "project_id": "p", "provisioning_status": "ACTIVE"},
            "without operating_status",
        ),
        (
            LoadBalancerPools,
            {
                "id": "x",
                "project_id": "p",
                "provisioning_status": "ACTIVE",
                "operating_status": "ONLINE",
                "members": ["m1"],
            },
            "members are not objects with an id",
        ),
        (LoadBalancerAmphorae, {"id": "x", "status": 5}, "without status"),
        (LoadBalancerProviders, {"description": "no name"}, "without name"),
        (LoadBalancerProviders, "amphora", "a provider is not an object"),
    ],
)
def test_items_without_their_values_are_refused(source, item, error):
    with pytest.raises(ApiError, match=error):
        run(source, FakeApi([item], strip=False))
