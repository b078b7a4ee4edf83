"""load_balancer_providers: one info series per provider driver the API accepts."""

from exporter.demo import DemoCloud
from tests.conftest import sample

INFO = "openstack_load_balancer_provider_info"


def test_providers_of_the_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancer_providers")
    assert {s["provider"]: s["description"] for s in h.series(INFO)} == cloud.lb_providers
    assert h.value(INFO, provider="amphora", description="The Octavia Amphora driver.") == 1
    del cloud.lb_providers["ovn"]  # octavia-api restarted without it
    h.run("load_balancer_providers")
    assert "ovn" not in {s["provider"] for s in h.series(INFO)}


def test_upstream_sample(harness, cloud: DemoCloud, samples):
    body = sample(samples, "load-balancer/provider-list-response.json")
    cloud.overrides[("GET", "/load-balancer/v2.0/lbaas/providers")] = body
    h = harness()
    h.run("load_balancer_providers")
    assert [s["provider"] for s in h.series(INFO)] == ["amphora", "octavia"]
