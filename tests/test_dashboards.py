"""Dashboards: in sync with their source, consistent, and reading only metrics that exist."""

import importlib.util
import json
import re

from tests.conftest import ROOT, unknown_metrics

FILES = sorted((ROOT / "grafana").glob("*.json"))


def source():
    spec = importlib.util.spec_from_file_location("dashboards", ROOT / "grafana" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def panel_exprs(dashboard: dict) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_json_files_are_generated_from_source():
    src = source()
    assert {f.name for f in FILES} == set(src.DASHBOARDS)
    for f in FILES:
        assert f.read_text() == src.render(src.DASHBOARDS[f.name]), (
            f"{f.name} differs from grafana/dashboards.py: run python grafana/dashboards.py"
        )


def test_conventions():
    uids = set()
    for f in FILES:
        d = json.loads(f.read_text())
        assert d["uid"].startswith("openstack-admin-")
        assert d["uid"] not in uids
        uids.add(d["uid"])
        assert d["title"].startswith("OpenStack / ")
        assert d["tags"] == ["openstack-admin-exporter"]
        assert d["timezone"] == "utc"
        assert d["refresh"] == "1m"
        names = [v["name"] for v in d["templating"]["list"]]
        assert names[0] == "datasource"
        assert any(link.get("asDropdown") for link in d["links"])
        assert any(p["title"] == "Data age" for p in d["panels"])
        for p in d["panels"]:
            assert p["fieldConfig"]["defaults"].get("unit"), (f.name, p["title"])
            assert p["datasource"]["uid"] == "${datasource}"
            for t in p["targets"]:
                for var in re.findall(r"\$(\w+)", t["expr"]):
                    assert var in names, (f.name, p["title"], var)


def test_every_metric_in_dashboards_exists(harness):
    h = harness()
    h.run()
    exprs = []
    for f in FILES:
        d = json.loads(f.read_text())
        exprs += panel_exprs(d) + [
            v["query"]["query"] for v in d["templating"]["list"] if isinstance(v.get("query"), dict)
        ]
    assert not unknown_metrics(h, exprs)
