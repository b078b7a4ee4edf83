"""Catalog endpoints probed: up, status, response time; an outage is data, not a failure."""

from exporter.api import CatalogEndpoint
from exporter.collectors.api_endpoints import endpoint_families
from exporter.demo import DemoCloud
from exporter.sources.endpoints import ENDPOINT_OPTIONS, Probe, select

PUB = {"interface": "public", "region_id": "RegionOne"}


def test_every_public_endpoint_probed(harness, demo):
    h = harness()
    h.run("api_endpoints")
    types = {s["service_type"] for s in h.series("openstack_api_endpoint_up")}
    # Every service the demo offers (each service module adds its catalog entry).
    assert types == set(demo.cloud.services)
    assert {"identity", "compute", "placement", "block-storage", "network"} <= types
    assert h.value("openstack_api_endpoint_up", service_type="compute", **PUB) == 1
    assert h.value("openstack_api_endpoint_http_status_code", service_type="compute", **PUB) == 200
    assert (
        h.value(
            "openstack_api_endpoint_info",
            service_type="compute",
            **PUB,
            service_name="nova",
            url=f"{demo.base_url}/compute/v2.1",
            endpoint_id="computepublic0000000000000000000",
        )
        == 1
    )
    assert h.value("openstack_api_endpoint_response_seconds", service_type="compute", **PUB) > 0


def test_failing_and_hanging_endpoints(harness, cloud: DemoCloud):
    cloud.set_fault("/network", status=503)
    cloud.set_fault("/placement", delay=1.5)
    h = harness(api_timeout=0.5)
    h.run("api_endpoints")
    assert h.value("openstack_api_endpoint_up", service_type="network", **PUB) == 0
    assert h.value("openstack_api_endpoint_http_status_code", service_type="network", **PUB) == 503
    assert h.value("openstack_api_endpoint_up", service_type="placement", **PUB) == 0
    assert (
        h.value("openstack_api_endpoint_http_status_code", service_type="placement", **PUB) is None
    )
    assert (
        h.value("openstack_api_endpoint_response_seconds", service_type="placement", **PUB) >= 0.5
    )
    assert h.value("openstack_api_endpoint_up", service_type="compute", **PUB) == 1
    # Probing found the outage; the collector itself worked.
    assert h.value("openstack_exporter_collector_success", collector="api_endpoints") == 1


def test_selection_options(harness):
    h = harness(
        collectors={
            "api_endpoints": {"interface": "internal", "service_types": ["compute", "network"]}
        }
    )
    h.run("api_endpoints")
    got = {(s["service_type"], s["interface"]) for s in h.series("openstack_api_endpoint_up")}
    assert got == {("compute", "internal"), ("network", "internal")}
    h = harness(collectors={"api_endpoints": {"region": "RegionTwo"}})
    h.run("api_endpoints")
    assert h.series("openstack_api_endpoint_up") == []


def test_an_endpoint_that_does_not_answer_in_time_ends_the_probe_not_the_sync(harness, cloud):
    cloud.set_fault("/compute", delay=1.5)
    h = harness(api_timeout=0.5)
    h.run("api_endpoints")
    state = h.runner.sources["endpoints"].state
    assert state.last_ok
    assert state.last_duration < 1.5  # probed in parallel, each cut at api_timeout
    # The probes are requests on the cloud like any other: one per endpoint (the catalog is the
    # token's, no call).
    assert state.requests == len(cloud.services)


def test_probes_are_counted_changed_when_their_answer_changes(harness, cloud: DemoCloud):
    h = harness()
    h.run("api_endpoints")
    first = h.runner.sources["endpoints"].state.changed
    assert first == len(cloud.services)
    h.run("api_endpoints")
    assert h.runner.sources["endpoints"].state.changed == first
    cloud.set_fault("/network", status=503)
    h.run("api_endpoints")
    assert h.runner.sources["endpoints"].state.changed == first + 1


def _ep(service_type: str, interface: str, region: str = "RegionOne", n: int = 0):
    return CatalogEndpoint(
        service_type, f"{service_type}-name", interface, region, f"http://x/{n}", f"id{n}"
    )


def test_selection_of_endpoints():
    catalog = [
        _ep("compute", "public", n=1),
        _ep("compute", "public", n=2),  # a duplicate identity: the first one wins
        _ep("compute", "internal", n=3),
        _ep("network", "public", "RegionTwo", n=4),
    ]
    assert [ep.url for ep in select(catalog, ENDPOINT_OPTIONS)] == ["http://x/1", "http://x/4"]
    assert [ep.url for ep in select(catalog, {"interface": "internal"})] == ["http://x/3"]
    assert [ep.url for ep in select(catalog, {**ENDPOINT_OPTIONS, "region": "RegionTwo"})] == [
        "http://x/4"
    ]
    assert select(catalog, {**ENDPOINT_OPTIONS, "service_types": ["image"]}) == []


def test_families_of_probes():
    up, seconds, code, info = endpoint_families(
        [Probe(_ep("network", "public"), None, 0.5), Probe(_ep("compute", "public"), 401, 0.1)]
    )
    assert [(s.labels["service_type"], s.value) for s in up.samples] == [
        ("compute", 1.0),
        ("network", 0.0),
    ]
    assert [s.value for s in seconds.samples] == [0.1, 0.5]
    assert [(s.labels["service_type"], s.value) for s in code.samples] == [("compute", 401)]
    assert len(info.samples) == 2
