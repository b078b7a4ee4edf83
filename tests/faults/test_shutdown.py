"""SIGTERM while an API hangs: the daemon stops within the 5-second budget, exit 0, and logs no
false failure for the runs it abandoned."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from exporter.demo import DemoCloud, DemoServer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(proc: subprocess.Popen, log: Path, event: str, timeout: float) -> None:
    until = time.monotonic() + timeout
    while time.monotonic() < until and proc.poll() is None:
        if event in log.read_text():
            return
        time.sleep(0.1)
    raise AssertionError(f"{event} not logged: {log.read_text()[-2000:]}")


def test_sigterm_with_a_hung_api_exits_promptly(tmp_path: Path) -> None:
    cloud = DemoCloud(hosts=4, seed=3)
    with DemoServer(cloud) as demo:
        cloud.set_fault("/placement", hang=True)
        clouds = demo.write_clouds_yaml(tmp_path / "clouds.yaml")
        config = tmp_path / "config.yml"
        config.write_text(f"cloud: demo\nclouds_file: {clouds}\napi_timeout: 5m\n")
        # A file, not a pipe: a pipe nobody reads while the test waits fills up with the
        # daemon's log lines and blocks it, shutdown included.
        log = tmp_path / "stderr"
        err = log.open("w")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "exporter",
                "--config.file",
                str(config),
                "--web.listen-address",
                f"127.0.0.1:{_free_port()}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            # Wait until the unaffected collectors have data: placement is hung by then.
            _wait_for(proc, log, '"collector": "compute_services"', 60)
            # The providers' sync starts after the servers' it uses: wait until it hangs too,
            # besides the endpoint probe of /placement.
            hung_by = time.monotonic() + 30
            while cloud.faults_served["/placement"] < 2 and time.monotonic() < hung_by:
                time.sleep(0.1)
            assert cloud.faults_served["/placement"] >= 2
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
            took = time.monotonic() - sent
            rest = log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            err.close()
    assert proc.returncode == 0
    assert took < 5, took
    after = [json.loads(x) for x in rest.splitlines() if x.startswith("{")]
    events = [x["event"] for x in after]
    assert "exporter_stopped" in events
    assert not [x for x in after if x.get("ok") is False], "a false failure was logged"
    assert "Traceback" not in rest
    assert "cannot schedule new futures" not in rest
    stopped = next(x for x in after if x["event"] == "exporter_stopped")
    assert "resource_providers" in stopped["abandoned"]
