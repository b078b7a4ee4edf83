"""The console at /: what an admin paged at night looks at first, from the snapshot only.

Sections, most urgent first: services and agents down or disabled, API endpoints failing,
capacity per zone (free instances per flavor, N+1), projects closest to a quota, problem
resources by kind, and the exporter's own health. Each section says when the collector behind
it failed or went stale, so an empty list is never mistaken for "all is well".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from exporter.snapshot import CollectorState
from exporter.web.capacity import (
    HostResource,
    ZoneHeadroom,
    free_instances_by_zone,
    host_resources,
    n_plus_one,
)
from exporter.web.html import Markup, duration, esc, link, page, table, tag
from exporter.web.snapshot_view import States, by_labels, project_names, samples

SVC = ("binary", "host", "zone")
AGENT = ("agent_type", "binary", "host", "zone")
QUOTA = ("project_id", "service_type", "resource")
PLACEMENT = ("host", "resource_provider", "resource_class")
QUOTA_TOP = 10
QUOTA_BAD, QUOTA_WARN = 0.9, 0.75  # 0.9: OpenStackQuotaNearLimit's threshold


@dataclass(frozen=True, slots=True)
class ServiceIssue:
    kind: str
    binary: str
    host: str
    zone: str
    down: bool
    disabled: bool
    forced_down: bool
    last_seen: float | None
    reason: str


def render(states: States, cloud: str, now: float) -> str:
    issues, service_summary = service_issues(states)
    endpoints = failing_endpoints(states)
    zones, flavors_full = capacity(states)
    hosts = _hosts(states)
    headroom = n_plus_one(hosts)
    quotas = quota_top(states)
    finding_counts = Counter(
        (f.resource_type, f.problem) for st in states.values() for f in st.findings
    )
    unhealthy = [n for n, st in states.items() if (st.has_run and not st.last_ok) or st.stale(now)]
    down = sum(1 for i in issues if i.down)
    disabled = sum(1 for i in issues if i.disabled and not i.down)
    not_n1 = sorted({h.zone for h in headroom if not h.survives})
    near = sum(1 for q in quotas if q[4] >= QUOTA_BAD)
    glance = [
        ("services", f"{down} down", "bad" if down else ""),
        ("services", f"{disabled} disabled", "warn" if disabled else ""),
        ("endpoints", f"{len(endpoints)} endpoints failing", "bad" if endpoints else ""),
        ("capacity", f"{len(flavors_full)} flavors full somewhere", "warn" if flavors_full else ""),
        ("capacity", f"{len(not_n1)} zones not N+1", "warn" if not_n1 else ""),
        ("quotas", f"{near} quotas ≥ 90%", "warn" if near else ""),
        ("problems", f"{sum(finding_counts.values())} problem resources", ""),
        ("exporter", f"{len(unhealthy)} collectors failing or stale", "bad" if unhealthy else ""),
    ]
    items = "".join(
        f'<li class="{cls}"><a href="#{anchor}">{esc(text)}</a></li>'
        for anchor, text, cls in glance
    )
    body = (
        f'<ul class="glance">{items}</ul>'
        + _section(
            "services",
            "Services and agents down or disabled",
            states,
            (
                "compute_services",
                "block_storage_services",
                "network_agents",
                "shared_file_system_services",
                "orchestration_services",
                "dns_services",
            ),
            now,
            Markup(f'<p class="muted">{esc(service_summary)}</p>') + _services_table(issues, now),
        )
        + _section(
            "endpoints",
            "API endpoints failing",
            states,
            ("api_endpoints",),
            now,
            _endpoints_table(states, endpoints),
        )
        + _section(
            "capacity",
            "Capacity per availability zone",
            states,
            ("flavor_capacity", "placement", "compute_aggregates"),
            now,
            _capacity_html(zones, headroom, hosts),
        )
        + _section(
            "quotas",
            f"Projects closest to a quota (top {QUOTA_TOP})",
            states,
            ("quota_limits", "quota_usage"),
            now,
            _quota_table(quotas, project_names(states)),
        )
        + _section(
            "problems",
            "Problem resources",
            states,
            (
                "compute_server_problems",
                "block_storage_problems",
                "placement_orphans",
                "network_problems",
                "load_balancer_problems",
                "load_balancer_amphorae",
                "image_problems",
                "orchestration_stack_problems",
                "shared_file_system_problems",
                "dns_problems",
            ),
            now,
            _problems_table(finding_counts),
        )
        + _section("exporter", "Exporter health", states, (), now, _health_table(states, now))
    )
    return page("Console", cloud, body, now=now)


# -- services -------------------------------------------------------------------------------


def service_issues(states: States) -> tuple[list[ServiceIssue], str]:
    """Every service or agent down, disabled or forced down; and a one-line count of each kind."""
    issues: list[ServiceIssue] = []
    summary = []
    for kind, prefix in (
        ("compute", "openstack_compute_service"),
        ("block storage", "openstack_block_storage_service"),
        ("shared file system", "openstack_shared_file_system_service"),
    ):
        up = by_labels(states, f"{prefix}_up", *SVC)
        enabled = by_labels(states, f"{prefix}_enabled", *SVC)
        forced = by_labels(states, f"{prefix}_forced_down", *SVC)
        seen = by_labels(states, f"{prefix}_last_seen_timestamp_seconds", *SVC)
        reasons = {
            tuple(s.labels[k] for k in SVC): s.labels.get("disabled_reason", "")
            for s in samples(states, f"{prefix}_disabled_reason_info")
        }
        for key, value in sorted(up.items()):
            issue = ServiceIssue(
                kind,
                *key,
                down=value == 0,
                disabled=enabled.get(key, 1) == 0,
                forced_down=forced.get(key, 0) == 1,
                last_seen=seen.get(key),
                reason=reasons.get(key, ""),
            )
            if issue.down or issue.disabled or issue.forced_down:
                issues.append(issue)
        if up:
            n_up = sum(1 for v in up.values() if v == 1)
            summary.append(f"{kind}: {n_up} of {len(up)} up")
    up = by_labels(states, "openstack_network_agent_up", *AGENT)
    admin = by_labels(states, "openstack_network_agent_admin_state_up", *AGENT)
    seen = by_labels(states, "openstack_network_agent_last_seen_timestamp_seconds", *AGENT)
    for key, value in sorted(up.items()):
        agent_type, binary, host, zone = key
        if value == 0 or admin.get(key, 1) == 0:
            issues.append(
                ServiceIssue(
                    f"network agent ({agent_type})",
                    binary,
                    host,
                    zone,
                    down=value == 0,
                    disabled=admin.get(key, 1) == 0,
                    forced_down=False,
                    last_seen=seen.get(key),
                    reason="",
                )
            )
    if up:
        summary.append(f"network agents: {sum(1 for v in up.values() if v == 1)} of {len(up)} up")
    # Services that report no zone and no enabled flag: alive or not, by their heartbeat.
    for kind, prefix, keys in (
        ("orchestration", "openstack_orchestration_service", ("binary", "host")),
        ("DNS", "openstack_dns_service", ("service_name", "hostname")),
    ):
        up = by_labels(states, f"{prefix}_up", *keys)
        seen = by_labels(states, f"{prefix}_last_seen_timestamp_seconds", *keys)
        for (binary, host), value in sorted(up.items()):
            if value == 0:
                issues.append(
                    ServiceIssue(
                        kind,
                        binary,
                        host,
                        "",
                        down=True,
                        disabled=False,
                        forced_down=False,
                        last_seen=seen.get((binary, host)),
                        reason="",
                    )
                )
        if up:
            summary.append(f"{kind}: {sum(1 for v in up.values() if v == 1)} of {len(up)} up")
    # Down first (servers cannot be managed there), then disabled (capacity hidden).
    issues.sort(key=lambda i: (not i.down, i.kind, i.binary, i.host))
    return issues, "; ".join(summary) + "." if summary else "No service data yet."


def _services_table(issues: list[ServiceIssue], now: float) -> Markup:
    rows, classes = [], []
    for i in issues:
        state = [w for w, on in (("DOWN", i.down), ("forced down", i.forced_down)) if on]
        if i.disabled:
            state.append("disabled")
        if i.down:
            since = (
                f"{duration(now - i.last_seen)} (last heartbeat)"
                if i.last_seen is not None
                else "unknown (no heartbeat time)"
            )
        else:
            # os-services and Neutron agents record no time of disabling.
            since = "unknown"
        if i.disabled:
            reason = i.reason or (
                "Neutron records none" if i.kind.startswith("network") else "none given"
            )
        else:
            reason = "—"
        rows.append(
            (i.kind, i.binary, i.host, i.zone or "—", tag("span", ", ".join(state)), since, reason)
        )
        classes.append("bad" if i.down else "warn")
    return table(
        ("Service", "Binary", "Host", "Zone", "State", "For", "Disabled reason"),
        rows,
        empty="Every service and agent is up and enabled.",
        row_classes=classes,
    )


# -- endpoints ------------------------------------------------------------------------------

EP = ("service_type", "interface", "region_id")


def failing_endpoints(states: States) -> list[tuple[str, str, str]]:
    return sorted(
        k for k, v in by_labels(states, "openstack_api_endpoint_up", *EP).items() if not v
    )


def _endpoints_table(states: States, failing: list[tuple[str, str, str]]) -> Markup:
    status = by_labels(states, "openstack_api_endpoint_http_status_code", *EP)
    seconds = by_labels(states, "openstack_api_endpoint_response_seconds", *EP)
    urls = {
        tuple(s.labels[k] for k in EP): s.labels.get("url", "")
        for s in samples(states, "openstack_api_endpoint_info")
    }
    total = len(by_labels(states, "openstack_api_endpoint_up", *EP))
    rows = [
        (
            *key,
            f"HTTP {status[key]:.0f}" if key in status else "no answer",
            f"{seconds.get(key, 0):.2f} s",
            Markup(f"<code>{esc(urls.get(key, ''))}</code>"),
        )
        for key in failing
    ]
    return table(
        ("Service type", "Interface", "Region", "Answer", "Took", "URL"),
        rows,
        empty=f"All {total} endpoints answer." if total else "No endpoint data yet.",
        row_classes=["bad"] * len(rows),
    )


# -- capacity -------------------------------------------------------------------------------


def capacity(states: States) -> tuple[dict[str, dict[tuple[str, str], float]], list[str]]:
    """Free instances per zone and flavor, and the flavors with 0 free in at least one zone."""
    free = by_labels(
        states,
        "openstack_placement_flavor_free_instances",
        "flavor_id",
        "flavor_name",
        "host",
        "zone",
    )
    zones = free_instances_by_zone(free)
    full = sorted(
        {name for flavors in zones.values() for (_, name), n in flavors.items() if n == 0}
    )
    return zones, full


def _hosts(states: States) -> list[HostResource]:
    def fam(name: str) -> dict:
        return by_labels(states, f"openstack_placement_resource_{name}", *PLACEMENT)

    return host_resources(
        fam("inventory"),
        fam("reserved"),
        fam("allocation_ratio"),
        fam("usage"),
        by_labels(states, "openstack_compute_host_schedulable", "host", "zone"),
    )


def _amount(rc: str, value: float) -> str:
    if rc == "MEMORY_MB":
        return f"{value / 1024:,.0f} GiB"
    if rc == "DISK_GB":
        return f"{value:,.0f} GiB"
    return f"{value:,.0f}"


def _capacity_html(
    zones: dict[str, dict[tuple[str, str], float]],
    headroom: list[ZoneHeadroom],
    hosts: list[HostResource],
) -> Markup:
    if not zones and not headroom:
        return Markup('<p class="muted">No capacity data yet.</p>')
    names = sorted({k for flavors in zones.values() for k in flavors}, key=lambda k: k[1])
    zone_names = sorted(zones)
    rows, classes = [], []
    for key in names:
        cells: list[object] = [key[1]]
        zero_somewhere = False
        for z in zone_names:
            n = zones[z].get(key)
            if n is None:
                cells.append("—")
            elif n == 0:
                zero_somewhere = True
                cells.append(tag("span", "0 — full", "bad"))
            else:
                cells.append(f"{n:,.0f}")
        total = sum(zones[z].get(key, 0) for z in zone_names)
        cells.append(tag("span", "0 — nowhere", "bad") if total == 0 else f"{total:,.0f}")
        rows.append(cells)
        classes.append("bad" if total == 0 else "warn" if zero_somewhere else "")
    flavors = table(
        ("Flavor", *zone_names, "Cloud"),
        rows,
        empty="No flavor data yet.",
        row_classes=classes,
    )
    by_zone: dict[str, list[ZoneHeadroom]] = {}
    for h in headroom:
        by_zone.setdefault(h.zone, []).append(h)
    totals = Counter(h.zone for h in {(h.host, h.zone): h for h in hosts}.values())
    schedulable = Counter(
        h.zone for h in {(h.host, h.zone): h for h in hosts if h.schedulable}.values()
    )
    n1_rows, n1_classes = [], []
    for zone, items in sorted(by_zone.items()):
        failing = [h for h in items if not h.survives]
        shown = failing or [min(items, key=lambda h: h.free - h.largest_capacity)]
        detail = "; ".join(
            f"{h.resource_class}: largest host {h.largest_host} has "
            f"{_amount(h.resource_class, h.largest_capacity)}, zone free "
            f"{_amount(h.resource_class, h.free)}"
            for h in shown
        )
        verdict = (
            tag("span", "NOT N+1", "bad")
            if failing
            else tag("span", "survives its largest host", "ok")
        )
        n1_rows.append(
            (
                zone,
                f"{schedulable[zone]} of {totals[zone]}",
                verdict,
                detail if failing else f"tightest: {detail}",
            )
        )
        n1_classes.append("bad" if failing else "")
    n1 = table(
        ("Zone", "Schedulable hosts", "N+1", "Why"),
        n1_rows,
        empty="No schedulable hosts.",
        row_classes=n1_classes,
    )
    return Markup(
        "<h3>Free instances per flavor</h3>"
        '<p class="muted">Instances of each flavor that still fit, summed over the zone\'s '
        "hosts (Placement arithmetic; disabled or down hosts count 0).</p>"
        + flavors
        + "<h3>Losing the largest host (N+1)</h3>"
        '<p class="muted">As the OpenStackZoneNotNPlusOne alert: the largest schedulable '
        "host's capacity must fit in the zone's free capacity, per resource class.</p>" + n1
    )


# -- quotas ---------------------------------------------------------------------------------


def quota_top(states: States) -> list[tuple[str, str, str, float, float, float]]:
    """(project_id, service_type, resource, in use, limit, ratio), highest ratio first; unlimited
    (-1, exported as +Inf) and 0 limits (the resource is forbidden) have no ratio."""
    used = by_labels(states, "openstack_quota_in_use", *QUOTA)
    limits = by_labels(states, "openstack_quota_limit", *QUOTA)
    rows = [
        (*key, used[key], limit, used[key] / limit)
        for key, limit in limits.items()
        if key in used and math.isfinite(limit) and limit > 0
    ]
    rows.sort(key=lambda r: (-r[5], r[0], r[1], r[2]))
    return rows[:QUOTA_TOP]


def _quota_table(rows: Iterable[tuple], names: dict[str, str]) -> Markup:
    out, classes = [], []
    for project_id, service, resource, used, limit, ratio in rows:
        project = Markup(
            f'{esc(names.get(project_id) or "unknown")} <code class="muted">'
            f"{esc(project_id)}</code>"
        )
        bar = Markup(
            f'{ratio:.0%} <span class="bar"><i style="width:{min(ratio, 1) * 100:.0f}%"></i></span>'
        )
        out.append((project, service, resource, f"{used:,.0f}", f"{limit:,.0f}", bar))
        classes.append("bad" if ratio >= QUOTA_BAD else "warn" if ratio >= QUOTA_WARN else "")
    return table(
        ("Project", "Service", "Resource", "In use", "Limit", "Used"),
        out,
        empty="No quota data yet.",
        row_classes=classes,
    )


# -- problems and the exporter --------------------------------------------------------------


def _problems_table(counts: Counter) -> Markup:
    rows = [
        (
            link("/problems", kind, {"resource_type": kind}),
            problem,
            n,
        )
        for (kind, problem), n in sorted(counts.items())
    ]
    total = sum(counts.values())
    more = Markup(f"<p>{link('/problems', f'All {total} with their IDs, names and commands')}</p>")
    return table(("Kind", "Problem", "Count"), rows, empty="No problem resources.") + (
        more if total else Markup("")
    )


def _outcome(st: CollectorState) -> str:
    if not st.has_run:
        return "not run yet"
    if st.absent:
        return "skipped: service not in catalog"
    return "ok" if st.last_ok else "FAILED"


def _health_table(states: States, now: float) -> Markup:
    rows, classes = [], []
    for name, st in sorted(states.items()):
        stale = st.stale(now)
        outcome = _outcome(st)
        age = duration(now - st.last_success) if st.last_success is not None else "never"
        rows.append(
            (
                name,
                duration(st.interval),
                tag("span", outcome, "bad" if outcome == "FAILED" else ""),
                age,
                tag("span", "STALE", "bad") if stale else "no",
                st.series,
                st.last_error or "",
            )
        )
        classes.append("bad" if outcome == "FAILED" or stale else "")
    return table(
        ("Collector", "Interval", "Last run", "Data age", "Stale", "Series", "Last error"),
        rows,
        empty="No collectors enabled.",
        row_classes=classes,
    )


def _section(
    anchor: str, title: str, states: States, sources: tuple[str, ...], now: float, content: str
) -> str:
    """A section, with a warning when a collector behind it has no fresh, good data."""
    notes = []
    for name in sources:
        st = states.get(name)
        if st is None:
            notes.append(f"{name} is disabled: this part is empty")
        elif not st.has_run:
            notes.append(f"{name} has not run yet")
        elif not st.last_ok or st.stale(now):
            age = duration(now - st.last_success) if st.last_success is not None else "no"
            notes.append(
                f"{name} {_outcome(st)}{', STALE' if st.stale(now) else ''}: {age} old data"
            )
    warn = "".join(f'<p class="warn">{esc(n)}</p>' for n in notes)
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{warn}{content}</section>'
