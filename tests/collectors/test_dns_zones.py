"""dns_zones: zones of all projects by status and action, counted apart from the demo's own
arithmetic; Designate's known pairs always present, at 0 when no zone has them."""

from collections import Counter

from exporter.collectors.dns_zones import KNOWN
from exporter.demo import DemoCloud
from tests.conftest import sample

ZONES = "openstack_dns_zones"


def counts(h) -> dict[tuple[str, str], float]:
    return {(s["status"], s["action"]): h.value(ZONES, **s) for s in h.series(ZONES)}


def test_counts_match_the_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("dns_zones")
    expected = Counter({pair: 0 for pair in KNOWN})
    expected.update((z.status, z.action) for z in cloud.zones)
    assert counts(h) == dict(expected)
    assert counts(h)[("ERROR", "UPDATE")] == 0  # known, none in the demo: still a series
    assert sum(counts(h).values()) == len(cloud.zones)


def test_a_change_shows_at_the_next_sync(harness, cloud: DemoCloud):
    h = harness()
    h.run("dns_zones")
    before = counts(h)
    zone = next(z for z in cloud.zones if z.status == "ACTIVE")
    zone.status, zone.action = "PENDING", "DELETE"
    h.run("dns_zones")
    after = counts(h)
    assert after[("ACTIVE", "NONE")] == before[("ACTIVE", "NONE")] - 1
    assert after[("PENDING", "DELETE")] == before[("PENDING", "DELETE")] + 1
    cloud.zones.remove(zone)  # the back ends confirmed: Designate lists it no more
    h.run("dns_zones")
    assert counts(h) == {**after, ("PENDING", "DELETE"): before[("PENDING", "DELETE")]}


def test_the_upstream_list_sample(harness, cloud: DemoCloud, samples):
    """The sample's zone is ACTIVE with action CREATE, as older releases left it: counted as
    it is, besides the known pairs. Its next link leads to an empty page."""
    cloud.overrides[("GET", "/dns/v2/zones")] = sample(
        samples, "dns/zones/list-zones-response.json"
    )
    h = harness()
    h.run("dns_zones")
    got = counts(h)
    assert got[("ACTIVE", "CREATE")] == 1
    assert sum(got.values()) == 1


def test_cloud_without_designate_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "dns")
    h = harness()
    h.run("dns_zones")
    c = {"collector": "dns_zones"}
    assert h.value("openstack_exporter_collector_success", **c) == 1
    assert h.value("openstack_exporter_collector_service_absent", **c) == 1
    assert h.series(ZONES) == []
