"""/problems across the problem collectors: every finding listed with its resource's ID, owner,
host, age and name (each collector's own counts are tested in its own file)."""

import json
import urllib.request

from exporter.demo import DemoCloud
from exporter.server import App
from exporter.web.serving import serve
from tests.collectors.test_compute_server_problems import named


def test_problems_page_lists_resources(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_server_problems", "block_storage_problems", "placement_orphans")
    httpd = serve(App(h.store, "demo"), "127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{httpd.port}/problems"
        body = json.loads(urllib.request.urlopen(url, timeout=5).read())
    finally:
        httpd.stop()
    items = {(p["resource_type"], p["problem"]): p for p in body["problems"]}
    build = items[("server", "stuck_build")]
    assert build["resource_id"] == named(cloud, "stuck-build").id
    assert build["project_id"] == named(cloud, "stuck-build").project_id
    assert 2 * 3600 <= build["age_seconds"] < 2 * 3600 + 60
    assert build["host"] == "cmp-001"
    assert items[("allocation", "orphan_allocation")]["host"] == "cmp-005"
    assert body["count"] == len(body["problems"]) >= 10


def test_findings_carry_resource_names(harness, cloud: DemoCloud):
    h = harness()
    h.run("compute_server_problems", "block_storage_problems")
    names = {
        (f.resource_type, f.problem): f.resource_name
        for st in h.store.states().values()
        for f in st.findings
    }
    assert names[("server", "stuck_build")] == "stuck-build"
    assert names[("server", "error")] == "novalid-1"
    assert names[("volume", "attached_to_deleted_server")] == "orphan-data"
