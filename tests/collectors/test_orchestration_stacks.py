"""orchestration_stacks: top-level stacks of all projects by action and status."""

from collections import Counter

from exporter.collectors.orchestration_stacks import ACTIONS, STATUSES
from exporter.demo import DemoCloud

STACKS = "openstack_orchestration_stacks"


def test_counts_match_the_demo(harness, cloud: DemoCloud):
    h = harness()
    h.run("orchestration_stacks")
    # The demo's own count: every project's top-level stacks, hidden-tag ones included,
    # nested ones (resources of their parent) not.
    want = Counter((s.action, s.status) for s in cloud.heat_stacks if s.parent is None)
    assert any(s.parent for s in cloud.heat_stacks)
    assert any(s.tags for s in cloud.heat_stacks if s.parent is None)
    for action in ACTIONS:
        for status in STATUSES:
            assert h.value(STACKS, action=action, status=status) == want[(action, status)]
    assert len(h.series(STACKS)) == len(ACTIONS) * len(STATUSES)
    assert h.value(STACKS, action="CREATE", status="FAILED") == 2


def test_a_new_failure_and_a_delete_show_at_the_next_run(harness, cloud: DemoCloud):
    h = harness()
    h.run("orchestration_stacks")
    before = h.value(STACKS, action="UPDATE", status="FAILED")
    busy = next(s for s in cloud.heat_stacks if s.stack_status == "UPDATE_IN_PROGRESS")
    cloud.fail_stack(busy.id, "Resource UPDATE failed: resources.asg: Timed out")
    gone = next(s for s in cloud.heat_stacks if s.stack_status == "DELETE_FAILED")
    cloud.heat_stacks.remove(gone)
    h.run("orchestration_stacks")
    assert h.value(STACKS, action="UPDATE", status="FAILED") == before + 1
    assert h.value(STACKS, action="UPDATE", status="IN_PROGRESS") == 0
    assert h.value(STACKS, action="DELETE", status="FAILED") == 0


def test_cloud_without_heat_is_skipped_not_failed(harness, cloud: DemoCloud):
    cloud.services = tuple(s for s in cloud.services if s != "orchestration")
    h = harness()
    h.run("orchestration_stacks")
    assert h.value("openstack_exporter_collector_success", collector="orchestration_stacks") == 1
    assert (
        h.value("openstack_exporter_collector_service_absent", collector="orchestration_stacks")
        == 1
    )
    assert h.series(STACKS) == []
