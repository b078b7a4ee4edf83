"""Keep the README honest: its metric list, example config and commands are what the code does."""

import re
from pathlib import Path

import yaml
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from exporter.config import build
from exporter.contract import all_collectors

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def block_after(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```\w*\n(.*?)```", README, re.S)
    assert match, f"README has no block after <!-- {marker} -->"
    return match.group(1)


def test_metric_list_matches_the_exposition(harness):
    h = harness()
    h.run()
    exposed = {
        f.name + ("_total" if f.type == "counter" else "") + ("_info" if f.type == "info" else "")
        for f in text_string_to_metric_families(generate_latest(h.registry).decode())
        if f.name.startswith("openstack_")
    }
    table = README.split("<!-- metric-list -->")[1].strip().split("\n\n")[0]
    listed = set(re.findall(r"^\| `(openstack_[a-z_]+)`", table, re.M))
    assert listed == exposed


def test_example_config_is_valid():
    data = yaml.safe_load(block_after("example-config"))
    settings = build(data, all_collectors())
    assert settings.cloud == "production"
    assert settings.collectors["api_endpoints"].settings.options["interface"] == "public"


def test_two_commands_and_ci_runs_the_same_one():
    demo = block_after("demo-command").strip()
    test = block_after("test-command").strip()
    assert demo.endswith("openstack-admin-exporter --demo")
    assert test.endswith("python -m pytest")
    # .ci/run extracts the command from the README rather than repeating it.
    ci = (ROOT / ".ci" / "run").read_text()
    assert "test-command" in ci
