"""The console at /: what it shows for a snapshot built in a few lines."""

import math
import re

from exporter.contract import Finding
from exporter.web import console
from tests.web.snapshots import HOSTILE, NOW, gauge, info, projects, store

SVC = ["binary", "host", "zone"]
EP = ["service_type", "interface", "region_id"]
Q = ["project_id", "service_type", "resource"]


def services():
    return [
        gauge(
            "openstack_compute_service_up",
            SVC,
            [(["nova-compute", "cmp-1", "az1"], 1), (["nova-compute", "cmp-2", "az1"], 0)],
        ),
        gauge(
            "openstack_compute_service_enabled",
            SVC,
            [(["nova-compute", "cmp-1", "az1"], 0), (["nova-compute", "cmp-2", "az1"], 1)],
        ),
        gauge(
            "openstack_compute_service_last_seen_timestamp_seconds",
            SVC,
            [
                (["nova-compute", "cmp-1", "az1"], NOW),
                (["nova-compute", "cmp-2", "az1"], NOW - 1800),
            ],
        ),
        info(
            "openstack_compute_service_disabled_reason",
            [*SVC, "disabled_reason"],
            [["nova-compute", "cmp-1", "az1", HOSTILE[0]]],
        ),
    ]


def render(s) -> str:
    return console.render(s.states(), "prod", NOW)


def section(page: str, anchor: str) -> str:
    return re.search(rf'<section id="{anchor}">(.*?)</section>', page, re.S).group(1)


def test_down_and_disabled_services_with_reason_and_duration():
    page = render(store({"compute_services": services()}))
    part = section(page, "services")
    assert "compute: 1 of 2 up" in part
    assert "cmp-2" in part
    assert "DOWN" in part
    assert "30 min (last heartbeat)" in part
    # The reason is an operator's free text: escaped; how long it has been disabled is unknown.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in part
    assert "<script" not in page
    assert part.index("cmp-2") < part.index("cmp-1")  # down before disabled


def test_network_agents_down_or_disabled():
    labels = ["agent_type", "binary", "host", "zone"]
    fams = [
        gauge(
            "openstack_network_agent_up", labels, [(["L3 agent", "neutron-l3-agent", "n1", ""], 0)]
        ),
        gauge(
            "openstack_network_agent_admin_state_up",
            labels,
            [(["L3 agent", "neutron-l3-agent", "n1", ""], 0)],
        ),
    ]
    part = section(render(store({"network_agents": fams})), "services")
    assert "network agent (L3 agent)" in part
    assert "DOWN" in part
    assert "disabled" in part
    assert "Neutron records none" in part


def test_manila_heat_and_designate_services_down():
    fams = {
        "shared_file_system_services": [
            gauge(
                "openstack_shared_file_system_service_up",
                SVC,
                [(["manila-share", "shr-1@lvm", "nova"], 0)],
            ),
            gauge(
                "openstack_shared_file_system_service_enabled",
                SVC,
                [(["manila-share", "shr-1@lvm", "nova"], 1)],
            ),
        ],
        "orchestration_services": [
            gauge(
                "openstack_orchestration_service_up",
                ["binary", "host"],
                [(["heat-engine", "ctl-1"], 0), (["heat-engine", "ctl-2"], 1)],
            ),
            gauge(
                "openstack_orchestration_service_last_seen_timestamp_seconds",
                ["binary", "host"],
                [(["heat-engine", "ctl-1"], NOW - 600), (["heat-engine", "ctl-2"], NOW)],
            ),
        ],
        "dns_services": [
            gauge(
                "openstack_dns_service_up",
                ["service_name", "hostname"],
                [(["worker", "dns-1"], 0)],
            ),
        ],
    }
    part = section(render(store(fams)), "services")
    assert "shared file system: 0 of 1 up" in part
    assert "orchestration: 1 of 2 up" in part
    assert "DNS: 0 of 1 up" in part
    for shown in ("shr-1@lvm", "ctl-1", "dns-1", "10 min (last heartbeat)"):
        assert shown in part
    assert "ctl-2" not in part


def test_failing_endpoints():
    fams = [
        gauge(
            "openstack_api_endpoint_up",
            EP,
            [(["compute", "public", "R1"], 0), (["image", "public", "R1"], 1)],
        ),
        gauge("openstack_api_endpoint_http_status_code", EP, [(["compute", "public", "R1"], 503)]),
        info(
            "openstack_api_endpoint",
            [*EP, "url"],
            [["compute", "public", "R1", "https://nova.example/v2.1"]],
        ),
    ]
    part = section(render(store({"api_endpoints": fams})), "endpoints")
    assert "HTTP 503" in part
    assert "https://nova.example/v2.1" in part
    assert "image" not in part
    ok = section(render(store({"api_endpoints": fams[:1][:0]})), "endpoints")
    assert "No endpoint data yet." in ok


def test_capacity_flags_full_flavors_and_n_plus_one():
    free = gauge(
        "openstack_placement_flavor_free_instances",
        ["flavor_id", "flavor_name", "host", "zone"],
        [
            (["1", "m1.small", "a", "az1"], 3),
            (["1", "m1.small", "b", "az2"], 0),
            (["9", "huge", "a", "az1"], 0),
            (["9", "huge", "b", "az2"], 0),
        ],
    )
    pl = ["host", "resource_provider", "resource_class"]
    placement = [
        gauge(
            "openstack_placement_resource_inventory",
            pl,
            [(["a", "a", "VCPU"], 10), (["b", "b", "VCPU"], 10)],
        ),
        gauge(
            "openstack_placement_resource_reserved",
            pl,
            [(["a", "a", "VCPU"], 0), (["b", "b", "VCPU"], 0)],
        ),
        gauge(
            "openstack_placement_resource_allocation_ratio",
            pl,
            [(["a", "a", "VCPU"], 1), (["b", "b", "VCPU"], 1)],
        ),
        gauge(
            "openstack_placement_resource_usage",
            pl,
            [(["a", "a", "VCPU"], 5), (["b", "b", "VCPU"], 0)],
        ),
    ]
    sched = gauge(
        "openstack_compute_host_schedulable",
        ["host", "zone"],
        [(["a", "az1"], 1), (["b", "az2"], 1)],
    )
    page = render(
        store({"flavor_capacity": [free], "placement": placement, "compute_aggregates": [sched]})
    )
    part = section(page, "capacity")
    assert "0 — full" in part
    assert "0 — nowhere" in part
    # az1: its only host (10) has 5 used and nowhere to put them; az2's host has nothing used.
    assert part.count("NOT N+1") == 1
    assert "largest host a has 10, zone free 5" in part
    assert "2 flavors full somewhere" in page
    assert "1 zones not N+1" in page


def test_quota_top_ten_by_ratio_ignoring_unlimited():
    used = [([f"p{i}", "compute", "cores"], float(i)) for i in range(12)]
    limits = [([f"p{i}", "compute", "cores"], 10.0) for i in range(11)]
    limits.append((["p11", "compute", "cores"], math.inf))  # unlimited (-1): no ratio
    fams = {
        "quota_usage": [gauge("openstack_quota_in_use", Q, used)],
        "quota_limits": [gauge("openstack_quota_limit", Q, limits)],
        "identity_projects": projects(("p10", HOSTILE[1])),
    }
    rows = console.quota_top(store(fams).states())
    assert [r[0] for r in rows] == ["p10", "p9", "p8", "p7", "p6", "p5", "p4", "p3", "p2", "p1"]
    page = render(store(fams))
    part = section(page, "quotas")
    assert "100%" in part
    assert "p11" not in part
    assert "p0" not in part
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in part
    assert "<img" not in page


def test_problem_counts_link_to_filtered_problems():
    findings = [
        Finding("server", "s1", "p", "error", "ERROR", None),
        Finding("server", "s2", "p", "error", "ERROR", None),
        Finding("volume", "v1", "p", "stuck_creating", "creating", None),
    ]
    part = section(render(store(findings={"compute_server_problems": findings})), "problems")
    assert '<a href="/problems?resource_type=server">server</a>' in part
    assert re.search(r"error</td><td[^>]*>2</td>", part)
    assert "All 3 with their IDs" in part


def test_exporter_health_and_stale_warnings():
    s = store({"compute_services": services()}, finished=NOW - 3600)  # 60 s interval: stale
    s.record_failure("compute_services", "HttpException: 500 <boom>", finished=NOW, duration=1)
    page = render(s)
    health = section(page, "exporter")
    assert "FAILED" in health
    assert "STALE" in health
    assert "1 h" in health
    assert "HttpException: 500 &lt;boom&gt;" in health
    # The section fed by that collector says its data is old, not that all is well.
    assert "compute_services FAILED, STALE: 1 h old data" in section(page, "services")
    assert "1 collectors failing or stale" in page


def test_empty_store_renders():
    page = render(store())
    assert "No service data yet." in page
    assert "compute_services is disabled" in page
