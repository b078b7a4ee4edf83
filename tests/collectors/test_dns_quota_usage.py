"""dns_quota_usage: zones per project as Designate's zones quota counts them — every zone not
yet deleted, whatever its status — from the zone list, without a call of its own."""

from collections import Counter

from exporter.demo import DemoCloud

IN_USE = "openstack_dns_quota_in_use"


def usage(h) -> dict[str, float]:
    return {s["project_id"]: h.value(IN_USE, **s) for s in h.series(IN_USE)}


def test_zones_per_project(harness, cloud: DemoCloud):
    h = harness()
    h.run("dns_quota_usage")
    owned = Counter(z.project_id for z in cloud.zones)
    got = usage(h)
    assert got == {p.id: owned.get(p.id, 0) for p in cloud.projects}
    assert {s["resource"] for s in h.series(IN_USE)} == {"zones"}
    # ERROR and PENDING zones count against the quota too.
    troubled = next(z for z in cloud.zones if z.status == "ERROR")
    assert got[troubled.project_id] == owned[troubled.project_id] >= 1
    assert 0 in got.values()  # a project without zones: 0, not absent
    assert cloud.requests_by_path.get("/dns/v2/quotas", 0) == 0


def test_project_selection(harness, cloud: DemoCloud):
    owner = cloud.zones[0].project_id
    h = harness(collectors={"dns_quota_usage": {"projects": [owner]}})
    h.run("dns_quota_usage")
    assert list(usage(h)) == [owner]


def test_cloud_without_designate_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "dns")
    h = harness()
    h.run("dns_quota_usage")
    c = {"collector": "dns_quota_usage"}
    assert h.value("openstack_exporter_collector_success", **c) == 1
    assert h.value("openstack_exporter_collector_service_absent", **c) == 1
    assert h.series(IN_USE) == []
