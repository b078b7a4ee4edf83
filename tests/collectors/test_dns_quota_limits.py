"""dns_quota_limits (opt-in): Designate's limits of the projects that own zones, one call per
such project with the all-projects header, nothing for the others; -1 unlimited as +Inf."""

import math

from exporter.demo import DemoCloud
from exporter.demo.services.dns import DNS_QUOTA_DEFAULTS
from tests.conftest import sample

LIMIT = "openstack_dns_quota_limit"
ON = {"dns_quota_limits": {"enabled": True}}
FAST = {"dns_quota_limits": {"max_rate": 0}}


def limits(h) -> dict[tuple[str, str], float]:
    return {(s["project_id"], s["resource"]): h.value(LIMIT, **s) for s in h.series(LIMIT)}


def quota_calls(cloud: DemoCloud) -> int:
    return sum(n for p, n in cloud.requests_by_path.items() if p.startswith("/dns/v2/quotas/"))


def test_off_by_default(harness):
    h = harness()
    assert "dns_quota_limits" not in h.settings.enabled
    assert "dns_quota_limits" not in h.runner.sources


def test_limits_of_the_projects_owning_zones(harness, cloud: DemoCloud):
    h = harness(collectors=ON, sources=FAST)
    h.run("dns_quota_limits")
    owners = {z.project_id for z in cloud.zones}
    got = limits(h)
    assert {pid for pid, _ in got} == owners
    assert quota_calls(cloud) == len(owners)  # one call per owner, none for the others
    for pid in owners:
        for resource, default in DNS_QUOTA_DEFAULTS.items():
            expected = cloud.dns_quota_overrides.get(pid, {}).get(resource, default)
            assert got[(pid, resource)] == expected, (pid, resource)
    # The demo's project at its zone quota: its override, not the default.
    ((full, override),) = cloud.dns_quota_overrides.items()
    assert got[(full, "zones")] == override["zones"] != DNS_QUOTA_DEFAULTS["zones"]


def test_negative_is_unlimited(harness, cloud: DemoCloud):
    owner = cloud.zones[0].project_id
    cloud.dns_quota_overrides[owner] = {"zones": -1}
    h = harness(collectors=ON, sources=FAST)
    h.run("dns_quota_limits")
    assert limits(h)[(owner, "zones")] == math.inf


def test_project_selection_narrows_the_calls(harness, cloud: DemoCloud):
    owner = cloud.zones[0].project_id
    h = harness(
        collectors={"dns_quota_limits": {"enabled": True, "projects": [owner]}}, sources=FAST
    )
    h.run("dns_quota_limits")
    assert {pid for pid, _ in limits(h)} == {owner}
    assert quota_calls(cloud) == 1


def test_the_upstream_sample(harness, cloud: DemoCloud, samples):
    owner = cloud.zones[0].project_id
    cloud.overrides[("GET", f"/dns/v2/quotas/{owner}")] = sample(
        samples, "dns/quotas/get-quotas-response.json"
    )
    h = harness(collectors=ON, sources=FAST)
    h.run("dns_quota_limits")
    got = limits(h)
    assert got[(owner, "zones")] == 100
    assert got[(owner, "api_export_size")] == 1000


def test_cloud_without_designate_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "dns")
    h = harness(collectors=ON, sources=FAST)
    h.run("dns_quota_limits")
    c = {"collector": "dns_quota_limits"}
    assert h.value("openstack_exporter_collector_success", **c) == 1
    assert h.value("openstack_exporter_collector_service_absent", **c) == 1
