"""Rule files: promtool accepts them, their unit tests pass, and every metric they read exists."""

import subprocess

import yaml

from tests.conftest import ROOT, RULE_FILES, rules, unknown_metrics

TEST_FILES = sorted((ROOT / "tests" / "alerts").glob("*_test.yml"))


def test_rule_files_exist():
    assert RULE_FILES
    assert TEST_FILES


def test_promtool_check_rules(promtool):
    result = subprocess.run(
        [promtool, "check", "rules", *map(str, RULE_FILES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests(promtool):
    result = subprocess.run(
        [promtool, "test", "rules", *map(str, TEST_FILES)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT / "tests" / "alerts",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_metric_in_rules_is_exported(harness):
    h = harness()
    h.run()
    assert not unknown_metrics(h, [rule["expr"] for rule in rules("record") + rules("alert")])


def alerts() -> list[dict]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_every_alert_is_complete_and_tested():
    tests = [yaml.safe_load(p.read_text()) for p in TEST_FILES]
    fired, quiet = set(), set()
    for doc in tests:
        for case in doc["tests"]:
            for check in case.get("alert_rule_test", []):
                (fired if check.get("exp_alerts") else quiet).add(check["alertname"])
    runbooks = (ROOT / "alerts" / "runbooks.md").read_text()
    anchors = {line[3:].strip().lower() for line in runbooks.splitlines() if line.startswith("## ")}
    for rule in rules("alert"):
        name = rule["alert"]
        assert name.startswith("OpenStack"), name
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, name
        assert rule["annotations"]["summary"].endswith("."), name
        assert rule["annotations"]["runbook_url"].endswith("#" + name.lower()), name
        assert name.lower() in anchors, f"{name} has no runbook section"
        assert name in fired, f"{name} has no firing test"
        assert name in quiet, f"{name} has no test where it must not fire yet"
