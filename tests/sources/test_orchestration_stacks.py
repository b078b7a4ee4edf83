"""The orchestration_stacks source: all projects in one listing (global_tenant), paged by
limit/marker and Heat's ``links``; a 403 from Heat's default policy fails the sync with the
policy line to add, never as "0 stacks"."""

import json
import math

from exporter.cli import main
from exporter.demo import DemoCloud
from exporter.sources.orchestration_stacks import POLICY_LINE
from tests.conftest import sample

STACKS = "openstack_orchestration_stacks"
OK = "openstack_exporter_collector_success"


def path(cloud: DemoCloud) -> str:
    return f"/heat-api/v1/{cloud.project_id.replace('-', '')}/stacks"


def listed(cloud: DemoCloud) -> int:
    """What an all-projects listing holds: top-level stacks, hidden-tag ones included."""
    return sum(1 for s in cloud.heat_stacks if s.parent is None)


def total(h) -> float:
    return sum(s.value for m in h.registry.collect() for s in m.samples if s.name == STACKS)


def test_pages_by_marker(harness, cloud: DemoCloud):
    h = harness(sources={"orchestration_stacks": {"page_size": 3}})
    h.run("orchestration_stacks")
    n = listed(cloud)
    assert total(h) == n
    # Heat adds a next link to every full page, so an exact multiple costs one empty page more.
    assert cloud.requests_by_path[path(cloud)] == math.floor(n / 3) + 1
    assert h.store.sources()["orchestration_stacks"].requests == math.ceil((n + 1) / 3)


def test_one_page_at_the_default_size(harness, cloud: DemoCloud):
    h = harness()
    h.run("orchestration_stacks")
    assert cloud.requests_by_path[path(cloud)] == 1


def test_the_default_policy_fails_the_sync_naming_the_override(harness, cloud: DemoCloud):
    cloud.heat_global_index = False  # Heat 2026.2's default: stacks:global_index is "!"
    h = harness()
    h.run("orchestration_stacks", "orchestration_stack_problems")
    for name in ("orchestration_stacks", "orchestration_stack_problems"):
        state = h.store.states()[name]
        assert h.value(OK, collector=name) == 0
        assert POLICY_LINE in (state.last_error or "")
        assert "HTTP 403" in (state.last_error or "")
    assert POLICY_LINE == '"stacks:global_index": "rule:context_is_admin"'
    # Nothing is published rather than zero stacks.
    assert h.series(STACKS) == []
    assert h.series("openstack_orchestration_stack_problems") == []


def test_a_policy_reverted_later_keeps_the_last_good_data(harness, cloud: DemoCloud):
    h = harness()
    h.run("orchestration_stacks")
    cloud.heat_global_index = False
    h.run("orchestration_stacks")
    assert h.value(OK, collector="orchestration_stacks") == 0
    assert total(h) == listed(cloud)


def test_a_listing_without_projects_is_refused(harness, cloud: DemoCloud, samples):
    # The upstream sample is a project member's listing: no "project" in its stacks.
    cloud.overrides[("GET", path(cloud))] = sample(
        samples, "orchestration/stacks-list-response.json"
    )
    h = harness()
    h.run("orchestration_stacks")
    assert h.value(OK, collector="orchestration_stacks") == 0
    assert "not a global listing" in (h.store.states()["orchestration_stacks"].last_error or "")


def test_the_sample_stack_parses_once_it_names_its_project(harness, cloud: DemoCloud, samples):
    body = sample(samples, "orchestration/stacks-list-response.json")
    body["stacks"][0]["project"] = "eb1c63a4f77141548385f113a28f0f52"
    cloud.overrides[("GET", path(cloud))] = body
    h = harness()
    h.run("orchestration_stacks")
    assert h.value(STACKS, action="CREATE", status="COMPLETE") == 1
    assert total(h) == 1


def test_a_page_repeating_a_stack_fails(harness, cloud: DemoCloud):
    h = harness()
    h.run("orchestration_stacks")
    one, two = (
        {
            "id": sid,
            "project": "p",
            "stack_name": sid,
            "stack_status": "CREATE_COMPLETE",
            "creation_time": "2026-01-01T00:00:00Z",
            "updated_time": None,
        }
        for sid in ("a", "b")
    )
    # Page 1 ends its next link on "a"; the server (the demo's override paging) answers with
    # what follows "a": "b" once more, as Heat does when it cannot find a marker.
    cloud.overrides[("GET", path(cloud))] = {
        "stacks": [one, two],
        "links": [{"rel": "next", "href": "http://heat.invalid/v1/x/stacks?limit=2&marker=a"}],
    }
    h.run("orchestration_stacks")
    assert h.value(OK, collector="orchestration_stacks") == 0
    assert "repeats a stack" in (h.store.states()["orchestration_stacks"].last_error or "")
    assert total(h) == listed(cloud)  # the last good data


def test_a_status_that_is_not_action_status_fails(harness, cloud: DemoCloud):
    cloud.overrides[("GET", path(cloud))] = {
        "stacks": [{"id": "a", "project": "p", "stack_status": "BROKEN"}]
    }
    h = harness()
    h.run("orchestration_stacks")
    assert "not ACTION_STATUS" in (h.store.states()["orchestration_stacks"].last_error or "")


def test_print_access_rules_names_the_policy_override(clouds_yaml, capsys, monkeypatch):
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_yaml))
    assert main(["--os-cloud", "demo", "--print-access-rules"]) == 0
    out, err = capsys.readouterr()
    rules = json.loads(out)  # stdout stays pure JSON, ready for --access-rules
    assert {"service": "orchestration", "method": "GET", "path": "/v1/*/stacks"} in rules
    assert {"service": "orchestration", "method": "GET", "path": "/v1/*/services"} in rules
    assert f"orchestration: {POLICY_LINE}" in err
    assert "policy.yaml" in err
    # Without the stacks collectors, nothing to override.
    main(
        [
            "--os-cloud",
            "demo",
            "--print-access-rules",
            "--no-collector.orchestration_stacks",
            "--no-collector.orchestration_stack_problems",
        ]
    )
    assert "policy.yaml" not in capsys.readouterr().err
