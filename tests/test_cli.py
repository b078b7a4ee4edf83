"""The command line as an admin meets it: bad config exits 2 with one clear message; --once."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from exporter.cli import EXIT_CONFIG, main


def run_main(*argv: str) -> int:
    try:
        return main(list(argv))
    except SystemExit as exc:  # argparse exits on its own for unknown flags
        return int(exc.code)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.yml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("cloud: demo\nintervall: 5\n", "unknown key 'intervall'"),
        (
            "cloud: demo\ncollectors:\n  compute_services:\n    interval: soon\n",
            "collectors.compute_services.interval must be a duration",
        ),
        (
            "cloud: demo\ncollectors:\n  compute_services:\n    interval: 0\n",
            "collectors.compute_services.interval must be a duration of at least 1s",
        ),
        ("cloud: demo\ncollectors:\n  nova:\n    enabled: true\n", "unknown collector 'nova'"),
        ("cloud: demo\nconcurrency: 0\n", "'concurrency' must be a whole number"),
        ("cloud: demo\napi_timeout: -3\n", "'api_timeout' must be a positive duration"),
        ("collectors: {}\n", "no cloud"),
        ("cloud: nowhere\n", "cloud 'nowhere'"),
        ("cloud: [demo\n", "not valid YAML at line"),
        ("- just\n- a list\n", "top level must be a mapping"),
        (
            "cloud: demo\ncollectors:\n  api_endpoints:\n    interface: 3\n",
            "collectors.api_endpoints.interface must be of type str",
        ),
    ],
)
def test_bad_config_exits_2_naming_the_problem(
    tmp_path, clouds_yaml, capsys, monkeypatch, config, message
):
    monkeypatch.delenv("OS_CLOUD", raising=False)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_yaml))
    assert run_main("--config.file", write(tmp_path, config), "--once") == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "invalid configuration" in err
    assert message in err


def test_every_problem_reported_at_once(tmp_path, clouds_yaml, capsys, monkeypatch):
    monkeypatch.delenv("OS_CLOUD", raising=False)
    config = "cloud: demo\nfoo: 1\nconcurrency: x\ncollectors:\n  bar: {}\n"
    assert run_main("--config.file", write(tmp_path, config), "--once") == EXIT_CONFIG
    err = capsys.readouterr().err
    for message in ("unknown key 'foo'", "'concurrency'", "unknown collector 'bar'"):
        assert message in err


def test_unreadable_file_and_bad_address(tmp_path, capsys):
    assert run_main("--config.file", str(tmp_path / "missing.yml"), "--once") == EXIT_CONFIG
    assert "cannot read it" in capsys.readouterr().err
    assert run_main("--os-cloud", "x", "--web.listen-address", "nowhere", "--once") == EXIT_CONFIG
    assert "--web.listen-address" in capsys.readouterr().err


def test_secret_in_a_mistyped_key_is_not_echoed(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OS_CLOUD", raising=False)
    config = "cloud: demo\npassword: hunter2-very-secret\n"
    assert run_main("--config.file", write(tmp_path, config), "--once") == EXIT_CONFIG
    captured = capsys.readouterr()
    assert "unknown key 'password'" in captured.err
    assert "hunter2-very-secret" not in captured.err + captured.out


def test_once_prints_exposition(capsys):
    assert run_main("--demo", "--demo.hosts", "4", "--once") == 0
    out = capsys.readouterr().out
    assert (
        'openstack_compute_service_up{binary="nova-compute",host="cmp-003",zone="az1"} 0.0' in out
    )
    assert 'openstack_exporter_collector_success{collector="compute_services"} 1.0' in out


def test_once_exits_1_when_a_collector_fails(clouds_yaml, demo, capsys, monkeypatch):
    demo.cloud.set_fault("/network", status=500)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_yaml))
    assert run_main("--os-cloud", "demo", "--once") == 1
    out = capsys.readouterr().out
    assert 'openstack_exporter_collector_success{collector="network_agents"} 0.0' in out
    assert 'openstack_exporter_collector_success{collector="compute_services"} 1.0' in out


def test_collector_flags(capsys):
    code = run_main(
        "--demo",
        "--demo.hosts",
        "2",
        "--once",
        "--collector.disable-defaults",
        "--collector.network_agents",
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "openstack_network_agent_up" in out
    assert "openstack_compute_service_up" not in out
    assert run_main("--demo", "--once", "--no-collector.api_endpoints") == 0
    assert "openstack_api_endpoint_up" not in capsys.readouterr().out


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_daemon_survives_keystone_unreachable(tmp_path):
    """Keystone down at start-up: the daemon serves, reports failure, and stops cleanly."""
    dead = _free_port()  # nothing listens here
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  down:\n    auth:\n"
        f"      auth_url: http://127.0.0.1:{dead}/identity/v3\n"
        "      username: admin\n      password: never-logged-secret\n"
        "      project_name: admin\n      user_domain_name: Default\n"
        "      project_domain_name: Default\n"
    )
    port = _free_port()
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(clouds)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "exporter",
            "--os-cloud",
            "down",
            "--web.listen-address",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=2):
                    pass
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert 'openstack_exporter_collector_success{collector="compute_services"} 0.0' in body
        assert proc.poll() is None, "the daemon died"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert "collector_run" in err
    assert "never-logged-secret" not in out + err + body
