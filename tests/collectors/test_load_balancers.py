"""load_balancers: load balancers counted by provider and both statuses, as the demo holds them;
a change shows at the next run; a cloud without Octavia is absent, not failed."""

from collections import Counter
from dataclasses import replace

from exporter.collectors.load_balancers import load_balancer_family
from exporter.demo import DemoCloud
from exporter.sources.load_balancers import LoadBalancer

LBS = "openstack_load_balancer_loadbalancers"


def counts(h) -> dict[tuple[str, str, str], float]:
    return {
        (s["provider"], s["provisioning_status"], s["operating_status"]): h.value(LBS, **s)
        for s in h.series(LBS)
    }


def test_counts_match_the_cloud(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancers")
    expected = Counter(
        (lb.provider, lb.provisioning_status, lb.operating_status) for lb in cloud.lb_loadbalancers
    )
    assert counts(h) == expected
    assert counts(h)[("amphora", "ERROR", "ERROR")] == 1
    assert sum(counts(h).values()) == len(cloud.lb_loadbalancers)


def test_a_change_shows_at_the_next_run(harness, cloud: DemoCloud):
    h = harness()
    h.run("load_balancers")
    lb = next(lb for lb in cloud.lb_loadbalancers if lb.name == "lb-broken")
    cloud.set_load_balancer_status(lb.id, "ACTIVE", "ONLINE")  # an admin failed it over
    h.run("load_balancers")
    assert ("amphora", "ERROR", "ERROR") not in counts(h)


def test_cloud_without_octavia_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "load-balancer")
    h = harness()
    h.run("load_balancers")
    assert h.value("openstack_exporter_collector_success", collector="load_balancers") == 1
    assert h.value("openstack_exporter_collector_service_absent", collector="load_balancers") == 1
    assert h.series(LBS) == []


def test_family_counts_each_combination_once():
    lb = LoadBalancer("a", "", "p", "ACTIVE", "ONLINE", "amphora", "10.0.0.1", None)
    pending = replace(lb, id="b", provisioning_status="PENDING_UPDATE")
    fam = load_balancer_family([lb, replace(lb, id="c"), pending])
    assert [(s.labels["provisioning_status"], s.value) for s in fam.samples] == [
        ("ACTIVE", 2.0),
        ("PENDING_UPDATE", 1.0),
    ]
