"""dns_services: a Designate service is up only when it says UP *and* its heartbeat is fresh.

Designate's status is pushed by the service itself: a killed one keeps saying UP until the
producer's hourly check, so the heartbeat's age decides (freezegun moves the clock)."""

from freezegun import freeze_time

from exporter.collectors.dns_services import newest
from exporter.demo import DemoCloud
from exporter.sources.dns_service_statuses import DnsService
from tests.conftest import sample

NOW = "2026-11-25 12:00:00"
T = 1795608000.0  # NOW as unix time
UP = "openstack_dns_service_up"
STATUS = "openstack_dns_service_status"
SEEN = "openstack_dns_service_last_seen_timestamp_seconds"


def statuses(h, service_name: str, hostname: str) -> dict[str, float]:
    return {
        s["status"]: h.value(STATUS, **s)
        for s in h.series(STATUS)
        if (s["service_name"], s["hostname"]) == (service_name, hostname)
    }


def test_demo_cloud_states(harness, cloud: DemoCloud):
    h = harness()
    h.run("dns_services")
    assert len(h.series(UP)) == len(cloud.dns_services) == 10
    assert h.value(UP, service_name="central", hostname="ctl-01") == 1
    # Killed 15 minutes ago: still UP as written, down by its heartbeat.
    assert statuses(h, "worker", "ctl-02") == {"UP": 1, "DOWN": 0, "WARNING": 0, "STOPPED": 0}
    assert h.value(UP, service_name="worker", hostname="ctl-02") == 0
    # Marked DOWN by the producer.
    assert statuses(h, "mdns", "ctl-02")["DOWN"] == 1
    assert h.value(UP, service_name="mdns", hostname="ctl-02") == 0
    c = {"collector": "dns_services"}
    assert h.value("openstack_exporter_collector_service_absent", **c) == 0


def test_a_killed_service_is_down_once_its_heartbeat_is_older_than_the_limit(
    harness, cloud: DemoCloud
):
    with freeze_time(NOW) as clock:
        h = harness()
        cloud.kill_dns_service("central", "ctl-01", T)
        clock.tick(30)
        h.run("dns_services")
        assert h.value(UP, service_name="central", hostname="ctl-01") == 1
        clock.tick(60)  # 90 s without a heartbeat; Designate still says UP
        h.run("dns_services")
    assert statuses(h, "central", "ctl-01")["UP"] == 1
    assert h.value(UP, service_name="central", hostname="ctl-01") == 0
    assert h.value(SEEN, service_name="central", hostname="ctl-01") == T


def test_heartbeat_max_age_is_an_option(harness, cloud: DemoCloud):
    h = harness(collectors={"dns_services": {"heartbeat_max_age": "20m"}})
    h.run("dns_services")
    # The worker killed 15 minutes ago is within 20 minutes; the DOWN mdns is not UP at all.
    assert h.value(UP, service_name="worker", hostname="ctl-02") == 1
    assert h.value(UP, service_name="mdns", hostname="ctl-02") == 0


def test_stopped_and_unknown_statuses(harness, cloud: DemoCloud):
    stopped = next(s for s in cloud.dns_services if s.service_name == "producer")
    stopped.status = "STOPPED"
    odd = next(s for s in cloud.dns_services if s.service_name == "api")
    odd.status = "MAINTENANCE"  # not a Designate value: shown as it is, never as up
    h = harness()
    h.run("dns_services")
    assert statuses(h, "producer", stopped.hostname)["STOPPED"] == 1
    assert h.value(UP, service_name="producer", hostname=stopped.hostname) == 0
    assert statuses(h, "api", odd.hostname) == {
        "UP": 0,
        "DOWN": 0,
        "WARNING": 0,
        "STOPPED": 0,
        "MAINTENANCE": 1,
    }
    assert h.value(UP, service_name="api", hostname=odd.hostname) == 0


def test_a_duplicate_record_keeps_the_newest_heartbeat():
    old = DnsService("1", "worker", "ctl-01", "DOWN", 100.0)
    new = DnsService("2", "worker", "ctl-01", "UP", 200.0)
    never = DnsService("3", "worker", "ctl-01", "UP", None)
    assert newest([old, new, never]) == [new]
    assert newest([never, old]) == [old]


def test_the_upstream_list_sample(harness, cloud: DemoCloud, samples):
    """Times as the list sample writes them (a space, no fraction): parsed, and a heartbeat
    from 2016 is not alive whatever its status says."""
    cloud.overrides[("GET", "/dns/v2/service_statuses")] = sample(
        samples, "dns/service_status/service_status_list.json"
    )
    h = harness()
    h.run("dns_services")
    labels = {"service_name": "api", "hostname": "dns-2.example.com."}
    assert h.value(STATUS, **labels, status="UP") == 1
    assert h.value(UP, **labels) == 0
    assert h.value(SEEN, **labels) == 1469016881.0  # 2016-07-20 12:14:41 UTC


def test_cloud_without_designate_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "dns")
    h = harness()
    h.run("dns_services")
    c = {"collector": "dns_services"}
    assert h.value("openstack_exporter_collector_success", **c) == 1
    assert h.value("openstack_exporter_collector_service_absent", **c) == 1
    assert h.series(UP) == []
