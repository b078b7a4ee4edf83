"""The whole chain on real software: demo cloud → exporter → Prometheus (with our rules) →
Alertmanager → a webhook, and every dashboard panel's query against that Prometheus.

Prometheus and Alertmanager come from Debian (packages prometheus, prometheus-alertmanager).
The exporter serves over TLS with basic auth, as a production one should; Prometheus scrapes it
with the CA and the password. Alert `for:` durations are shortened to seconds here: their timing
is what the promtool tests check; this test checks that the pieces fit together.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import bcrypt
import pytest

from exporter.clouds import cloud_region
from exporter.config import build
from exporter.contract import all_collectors
from exporter.demo import DemoCloud, DemoServer
from exporter.scheduler import Runner, build_scheduler
from exporter.server import App
from exporter.snapshot import SnapshotStore
from exporter.web.serving import WebConfigSource, serve
from tests.conftest import installed
from tests.web.pki import make_pki

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.loads(resp.read())


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def chain(tmp_path: Path, require_tools: bool) -> Iterator[dict]:
    prometheus = installed(require_tools, "prometheus", package="prometheus")
    alertmanager = installed(
        require_tools, "prometheus-alertmanager", "alertmanager", package="prometheus-alertmanager"
    )
    cloud = DemoCloud(hosts=8, seed=3)
    demo = DemoServer(cloud).start()
    clouds = demo.write_clouds_yaml(tmp_path / "clouds.yaml")
    specs = all_collectors()
    settings = build(
        {
            "cloud": "demo",
            "clouds_file": str(clouds),
            "collectors": {name: {"interval": 2} for name in specs},
        },
        specs,
    )
    store = SnapshotStore()
    scheduler = build_scheduler(settings, Runner(settings, cloud_region(settings), specs, store))
    scheduler.start()
    pki = make_pki(tmp_path, require_tools)
    password = "scrape-password"
    web_config = tmp_path / "web-config.yml"
    web_config.write_text(
        json.dumps(
            {
                "tls_server_config": {
                    "cert_file": str(pki.server_cert),
                    "key_file": str(pki.server_key),
                },
                "basic_auth_users": {
                    "prometheus": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()
                },
            }
        )
    )
    httpd = serve(App(store, "demo"), "127.0.0.1", 0, WebConfigSource(str(web_config)))
    exporter = f"127.0.0.1:{httpd.port}"
    Hook.received = []
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()

    rules = []
    for path in sorted((ROOT / "alerts").glob("*.rules.yml")):
        fast = tmp_path / path.name
        fast.write_text(re.sub(r"for: \d+[smhd]", "for: 2s", path.read_text()))
        rules.append(str(fast))
    am_port, prom_port = free_port(), free_port()
    (tmp_path / "alertmanager.yml").write_text(
        json.dumps(
            {
                "route": {
                    "receiver": "hook",
                    "group_by": ["alertname", "host"],
                    "group_wait": "1s",
                    "group_interval": "1s",
                    "repeat_interval": "1h",
                },
                "receivers": [
                    {
                        "name": "hook",
                        "webhook_configs": [
                            {
                                "url": f"http://127.0.0.1:{hook.server_address[1]}/",
                                "send_resolved": False,
                            }
                        ],
                    }
                ],
            }
        )
    )
    (tmp_path / "prometheus.yml").write_text(
        json.dumps(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": rules,
                "alerting": {
                    "alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]
                },
                "scrape_configs": [
                    {
                        "job_name": "openstack-admin-exporter",
                        "scheme": "https",
                        "tls_config": {"ca_file": str(pki.ca)},
                        "basic_auth": {"username": "prometheus", "password": password},
                        "static_configs": [{"targets": [exporter]}],
                    }
                ],
            }
        )
    )
    logs = (tmp_path / "prometheus.log").open("w"), (tmp_path / "alertmanager.log").open("w")
    procs = [
        subprocess.Popen(
            [
                alertmanager,
                f"--config.file={tmp_path / 'alertmanager.yml'}",
                f"--storage.path={tmp_path / 'am'}",
                f"--web.listen-address=127.0.0.1:{am_port}",
                "--cluster.listen-address=",
            ],
            stdout=logs[1],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                prometheus,
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
            ],
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        prom = f"http://127.0.0.1:{prom_port}"
        wait_for(
            lambda: urllib.request.urlopen(f"{prom}/-/ready", timeout=5).status == 200,
            60,
            "Prometheus to be ready",
        )
        yield {"cloud": cloud, "prom": prom, "logs": tmp_path}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)
        for log in logs:
            log.close()
        scheduler.shutdown(wait=True)
        httpd.stop()
        hook.shutdown()
        demo.stop()


def query(prom: str, expr: str) -> dict:
    try:
        return get_json(f"{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    except urllib.error.HTTPError as exc:
        # A bad query is a 400/422 with the error in the body; anything else (a 503
        # while Prometheus is still starting) is raised, and wait_for tries again.
        if exc.code not in (400, 422):
            raise
        return json.loads(exc.read())


def test_prometheus_scrapes_over_tls_with_basic_auth(chain):
    prom = chain["prom"]
    target = wait_for(
        lambda: [
            t
            for t in get_json(f"{prom}/api/v1/targets")["data"]["activeTargets"]
            if t["health"] == "up"
        ],
        60,
        "the exporter target to be up",
    )[0]
    assert target["scrapeUrl"].startswith("https://")


def test_compute_service_down_reaches_alertmanager(chain):
    prom, cloud = chain["prom"], chain["cloud"]
    wait_for(
        lambda: query(prom, 'openstack_compute_service_up{host="cmp-005"} == 1')["data"]["result"],
        60,
        "Prometheus to scrape the exporter",
    )
    cloud.set_compute_service("cmp-005", state="down")

    def arrived():
        return [
            a
            for message in Hook.received
            for a in message["alerts"]
            if a["labels"].get("alertname") == "OpenStackComputeServiceDown"
            and a["labels"].get("host") == "cmp-005"
        ]

    alerts = wait_for(arrived, 90, "OpenStackComputeServiceDown for cmp-005 at the webhook")
    alert = alerts[0]
    assert alert["status"] == "firing"
    assert alert["labels"]["severity"] == "warning"
    assert alert["labels"]["binary"] == "nova-compute"
    assert alert["annotations"]["runbook_url"].endswith("#openstackcomputeservicedown")
    assert "cmp-005" in alert["annotations"]["description"]


def test_every_dashboard_query_is_valid_and_has_data(chain):
    prom = chain["prom"]
    wait_for(
        lambda: query(prom, "flavor:openstack_placement_flavor_free_instances:sum")["data"][
            "result"
        ],
        60,
        "recording rules to produce data",
    )
    exprs = []
    for path in sorted((ROOT / "grafana").glob("*.json")):
        dashboard = json.loads(path.read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                exprs.append((path.name, panel["title"], target["expr"]))
        for var in dashboard["templating"]["list"]:
            if isinstance(var.get("query"), dict):
                match = re.fullmatch(r"label_values\((.*), *(\w+)\)", var["query"]["query"])
                exprs.append((path.name, f"variable {var['name']}", match.group(1)))
    assert len(exprs) > 30
    for name, title, expr in exprs:
        concrete = re.sub(r"\$\w+", ".*", expr)

        def has_data(q: str = concrete, where: tuple = (name, title)) -> bool:
            body = query(prom, q)
            assert body["status"] == "success", (*where, body)
            return bool(body["data"]["result"])

        wait_for(has_data, 30, f"data for {name} / {title}: {concrete}")
