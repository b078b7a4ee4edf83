from collections import Counter

from exporter.demo import DemoCloud
from tests.conftest import sample


def test_counts_per_host_and_status(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_servers")
    expected = Counter((s.host or "", s.status) for s in cloud.servers)
    got = {
        (s["host"], s["status"]): h.value("openstack_compute_servers", **s)
        for s in h.series("openstack_compute_servers")
    }
    assert got == expected
    assert got[("", "ERROR")] == 1  # NoValidHost: never reached a host


def test_pages_not_servers(harness, cloud: DemoCloud):
    # resync 0: every sync is a full listing, paged.
    h = harness(sources={"servers": {"page_size": 10, "resync": 0}})
    h.run("compute_servers")  # warm: token and discovery
    path = "/compute/v2.1/servers/detail"
    before = cloud.requests_by_path[path]
    h.run("compute_servers")
    pages = -(-len(cloud.servers) // 10)
    assert len(cloud.servers) > 50
    assert cloud.requests_by_path[path] - before == pages
    total = sum(
        h.value("openstack_compute_servers", **s) for s in h.series("openstack_compute_servers")
    )
    assert total == len(cloud.servers)


def test_boot_and_delete_show(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_servers")
    before = h.value("openstack_compute_servers", host="cmp-005", status="ACTIVE")
    server = cloud.boot("m1.tiny", "cmp-005", cloud.projects[2].id)
    h.run("compute_servers")
    assert h.value("openstack_compute_servers", host="cmp-005", status="ACTIVE") == before + 1
    cloud.remove_host("cmp-005")
    h.run("compute_servers")
    assert h.value("openstack_compute_servers", host="cmp-005", status="ACTIVE") is None
    assert server.id not in {s.id for s in cloud.servers}


def test_upstream_sample_follows_next_link(harness, cloud: DemoCloud, samples):
    body = sample(samples, "compute/servers/servers-details-resp.json")
    body.pop("servers_links")  # its next link points at openstack.example.com
    cloud.overrides[("GET", "/compute/v2.1/servers/detail")] = body
    h = harness()
    h.run("compute_servers")
    host = body["servers"][0]["OS-EXT-SRV-ATTR:host"]
    assert h.value("openstack_compute_servers", host=host, status="ACTIVE") == 1
