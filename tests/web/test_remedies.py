"""Every command shown on /problems is the runbooks' own, filled in with a (quoted) ID."""

import re

import pytest

from exporter.contract import Finding
from exporter.web.remedies import REMEDIES, commands, normalised, remedy_for
from tests.conftest import ROOT

RUNBOOKS = ROOT / "alerts" / "runbooks.md"


def runbook_text() -> str:
    # Commands wrap across lines inside backticks; compare as one line without the backticks.
    return re.sub(r"\s+", " ", RUNBOOKS.read_text().replace("`", ""))


@pytest.mark.parametrize(
    "template",
    sorted({t for r in REMEDIES.values() for t in (*r.inspect, *r.undo)}),
)
def test_every_template_is_in_the_runbooks(template):
    assert normalised(template) in runbook_text()


def test_commands_are_filled_with_the_id():
    f = Finding("server", "0d9f-1", "p", "stuck_build", "BUILD/spawning", None)
    got = commands(f)
    assert got["inspect"] == [
        "openstack server show 0d9f-1 -c status -c OS-EXT-STS:task_state -c updated"
    ]
    assert got["undo"][0] == "openstack server set --state error 0d9f-1"
    assert "{" not in " ".join(got["inspect"] + got["undo"])


def test_allocations_are_filled_by_consumer():
    f = Finding("allocation", "c-1", "", "orphan_allocation", "on cmp-005", None, "cmp-005")
    assert commands(f)["undo"] == ["openstack resource provider allocation delete c-1"]


def test_a_hostile_id_is_shell_quoted():
    f = Finding("volume", "x; rm -rf /", "p", "error", "error", None)
    assert commands(f)["inspect"] == ["openstack volume show 'x; rm -rf /'"]


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("server", "error"),
        ("server", "stuck_task"),
        ("server", "resize_unconfirmed"),
        ("server", "shutoff_long"),
        ("volume", "error_extending"),
        ("volume", "stuck_attaching"),
        ("volume", "attached_to_deleted_server"),
        ("snapshot", "error_deleting"),
        ("backup", "stuck_creating"),
        ("floating_ip", "floating_ip_unassociated"),
        ("port", "port_down_on_active_server"),
        ("router", "router_without_gateway"),
        ("stack", "create_failed"),
        ("stack", "delete_failed"),
        ("stack", "stuck_update"),
        ("dns_zone", "error"),
        ("dns_zone", "stuck_pending"),
    ],
)
def test_every_problem_the_collectors_report_has_a_remedy(kind, problem):
    remedy = remedy_for(kind, problem)
    assert remedy is not None
    assert remedy.inspect
    assert remedy.undo


def test_unknown_problem_has_no_commands():
    f = Finding("server", "x", "p", "something_new", "?", None)
    assert commands(f) == {"inspect": [], "undo": [], "note": ""}


def test_a_failed_delete_is_not_retried_as_an_update():
    f = Finding("stack", "s-1", "p", "delete_failed", "DELETE_FAILED", None)
    assert commands(f)["undo"] == ["openstack stack delete s-1"]
    f = Finding("stack", "s-1", "p", "rollback_failed", "ROLLBACK_FAILED", None)
    assert "openstack stack update --existing s-1" in commands(f)["undo"]
