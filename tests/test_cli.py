"""The command line as an admin meets it: bad config exits 2 with one clear message; --once."""

import os
import signal
import socket
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
            "collectors.api_endpoints.interface must be one of public, internal, admin",
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


def bad(collector: str, key: str, value: str, section: str = "collectors") -> tuple[str, str]:
    """A config setting one collector (or source) key, and the name the message must give it."""
    return (
        f"cloud: demo\n{section}:\n  {collector}:\n    {key}: {value}\n",
        f"{section}.{collector}.{key}",
    )


@pytest.mark.parametrize(
    ("config", "key"),
    [
        bad("compute_services", "interval", ".inf"),
        bad("compute_services", "interval", ".nan"),
        bad("compute_services", "interval", "1.0e+30"),
        bad("compute_services", "interval", "999999999999h"),
        bad("compute_services", "interval", "1m1h"),
        ("cloud: demo\napi_timeout: .nan\n", "'api_timeout'"),
        ("cloud: demo\napi_timeout: .inf\n", "'api_timeout'"),
        bad("resource_providers", "parallel", "0", "sources"),
        bad("resource_providers", "parallel", "-1", "sources"),
        bad("quota_limits", "max_rate", "-5", "sources"),
        bad("quota_limits", "max_rate", ".nan", "sources"),
        bad("quota_limits", "max_rate", ".inf", "sources"),
        bad("servers", "resync", "-1", "sources"),
        bad("compute_server_problems", "build", "-1"),
        bad("compute_server_problems", "shutoff", "-1s"),
        bad("block_storage_problems", "stuck", "-3"),
        bad("servers", "page_size", "0", "sources"),
        bad("volumes", "page_size", "-1", "sources"),
        bad("ports", "page_size", "20000", "sources"),
        bad("api_endpoints", "interface", "bogus"),
        bad("compute_services", "timeout", "0"),
        bad("compute_services", "timeout", ".nan"),
        bad("network_agents", "timeout", "999999999999h"),
    ],
)
def test_bad_setting_exits_2_naming_the_key(
    tmp_path, clouds_yaml, capsys, monkeypatch, config, key
):
    monkeypatch.delenv("OS_CLOUD", raising=False)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_yaml))
    assert run_main("--config.file", write(tmp_path, config), "--once") == EXIT_CONFIG
    err = capsys.readouterr().err
    assert f"  - {key} must be" in err
    assert "Traceback" not in err


def assert_refused(capsys, argv: list[str], *names: str) -> str:
    """``argv`` exits 2 before anything starts, naming each of ``names``; returns stderr."""
    assert run_main(*argv) == EXIT_CONFIG
    captured = capsys.readouterr()
    assert "invalid configuration" in captured.err
    for name in names:
        assert name in captured.err
    assert "Traceback" not in captured.err
    assert "demo_cloud_started" not in captured.err
    return captured.err


def test_config_file_not_utf8(tmp_path, capsys):
    path = tmp_path / "config.yml"
    path.write_bytes(b"cloud: demo\n# caf\xe9\n")
    assert_refused(capsys, ["--config.file", str(path), "--once"], f"config file {path}: not UTF-8")


@pytest.mark.parametrize("hosts", ["0", "-1", "20001"])
def test_demo_hosts_out_of_range_refused_before_the_demo_starts(capsys, hosts):
    assert_refused(capsys, ["--demo", "--demo.hosts", hosts, "--once"], "--demo.hosts")


def test_bad_flags_and_bad_config_in_one_message(tmp_path, capsys):
    config = write(tmp_path, "collectors:\n  placement: {parallel: 0}\n")
    argv = ["--demo", "--demo.hosts", "0", "--web.listen-address", "x", "--config.file", config]
    err = assert_refused(
        capsys, argv, "--demo.hosts", "--web.listen-address", "collectors.placement.parallel"
    )
    assert err.count("  - ") == 3


def clouds_file_config(tmp_path: Path, clouds: Path, cloud: str = "demo") -> str:
    return write(tmp_path, f"cloud: {cloud}\nclouds_file: {clouds}\n")


def test_clouds_entry_without_auth_url(tmp_path, capsys):
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  demo:\n    auth:\n      username: admin\n"
        "      password: never-echoed-secret\n      project_name: admin\n"
    )
    err = assert_refused(
        capsys,
        ["--config.file", clouds_file_config(tmp_path, clouds), "--once"],
        "cloud 'demo': clouds.yaml entry lacks auth_url",
    )
    assert "never-echoed-secret" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it (No such file or directory)"),
        ("clouds:\n  demo: [oops\n", "not valid YAML at line 3"),
        ("just text\n", "has no 'clouds:' mapping"),
        ("directory", "is a directory"),
        (b"clouds: {}\n# \xff\n", "not UTF-8 text"),
    ],
)
def test_clouds_file_problems_named_precisely(tmp_path, capsys, content, message):
    clouds = tmp_path / "clouds.yaml"
    if content == "directory":
        clouds.mkdir()
    elif isinstance(content, bytes):
        clouds.write_bytes(content)
    elif content is not None:
        clouds.write_text(content)
    err = assert_refused(
        capsys,
        ["--config.file", clouds_file_config(tmp_path, clouds), "--once"],
        f"clouds_file {clouds}: {message}",
    )
    assert "was not found" not in err


def test_clouds_file_without_the_entry_lists_the_known_ones(tmp_path, capsys):
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  alpha:\n    auth: {auth_url: 'http://127.0.0.1:1/v3', password: pw-alpha}\n"
        "  beta:\n    auth: {auth_url: 'http://127.0.0.1:1/v3', password: pw-beta}\n"
    )
    config = clouds_file_config(tmp_path, clouds, cloud="gamma")
    err = assert_refused(
        capsys,
        ["--config.file", config, "--once"],
        f"cloud 'gamma': {clouds} has no entry named 'gamma' (known: alpha, beta)",
    )
    assert "pw-alpha" not in err
    assert "pw-beta" not in err


def test_clouds_problem_reported_with_the_config_problems(tmp_path, capsys):
    config = write(tmp_path, f"cloud: demo\nclouds_file: {tmp_path}/none.yaml\nconcurrency: 0\n")
    assert_refused(capsys, ["--config.file", config, "--once"], "'concurrency'", "clouds_file")


def _no_scheduler(*_args: object) -> None:
    raise AssertionError("the scheduler must not start when the listen address is unusable")


def test_port_in_use_exits_2_before_the_scheduler(clouds_yaml, capsys, monkeypatch):
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_yaml))
    monkeypatch.setattr("exporter.cli.build_scheduler", _no_scheduler)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        argv = ["--os-cloud", "demo", "--web.listen-address", f"127.0.0.1:{port}"]
        assert_refused(capsys, argv, "--web.listen-address: cannot listen on it (Address")


def test_address_not_on_this_host_exits_2(clouds_yaml, capsys, monkeypatch):
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds_yaml))
    monkeypatch.setattr("exporter.cli.build_scheduler", _no_scheduler)
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    argv = ["--os-cloud", "demo", "--web.listen-address", "192.0.2.1:9886"]
    assert_refused(capsys, argv, "--web.listen-address: cannot listen on it")


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
    # Files, not pipes: nobody reads a pipe while the daemon runs, and once its start-up logs
    # outgrow the pipe's buffer (64 KiB) the daemon blocks on its next log line.
    out_file, err_file = (tmp_path / "stdout").open("w+"), (tmp_path / "stderr").open("w+")
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
        stdout=out_file,
        stderr=err_file,
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
        proc.wait(timeout=15)
        out, err = (tmp_path / "stdout").read_text(), (tmp_path / "stderr").read_text()
        out_file.close()
        err_file.close()
    assert proc.returncode == 0
    assert "collector_run" in err
    assert "never-logged-secret" not in out + err + body
