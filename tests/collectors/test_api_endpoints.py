from exporter.demo import DemoCloud

PUB = {"interface": "public", "region_id": "RegionOne"}


def test_every_public_endpoint_probed(harness, demo):
    h = harness()
    h.run("api_endpoints")
    types = {s["service_type"] for s in h.series("openstack_api_endpoint_up")}
    assert types == {"identity", "compute", "placement", "block-storage", "network"}
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
