"""A real, minimal OpenStack control plane on 127.0.0.1, for the integration tests.

    python tests/integration/harness.py up      # install (first time), start, seed
    python tests/integration/harness.py down    # stop what it started, by recorded PID

Keystone, Placement, Glance, Neutron (server, no agents), Nova (api, conductor, scheduler and
three nova-compute services with the fake virt driver: 1,000 vCPUs, 800,000 MiB each; cells v2)
and Cinder (api, scheduler, a volume service on Cinder's fake driver) from PyPI, pinned by
constraints.txt next to this file; MariaDB, RabbitMQ and memcached from Debian. Must run as
root: it writes /etc/<service>.
Everything lives under $OAE_CLOUD_HOME (default /opt/oae-cloud): venv/, log/, run/ (PIDs).
It writes $OAE_CLOUD_HOME/clouds.yaml with three clouds: ``oae-admin`` (the admin user),
``oae-monitor`` (a reader-role user: most admin reads are refused) and ``oae-least`` (an
application credential of admin restricted by access rules to the GETs the exporter makes).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HOME = Path(os.environ.get("OAE_CLOUD_HOME", "/opt/oae-cloud"))
PW = os.environ.get("OAE_CLOUD_PASSWORD", "oae-secret-pw")
HERE = Path(__file__).resolve().parent
V = HOME / "venv" / "bin"
LOG, RUN = HOME / "log", HOME / "run"
COMPUTES = 3
PACKAGES = [
    "nova==34.0.0",
    "keystone==30.0.0",
    "openstack-placement==16.0.0",
    "glance==33.0.0",
    "neutron==29.0.0",
    "cinder==29.0.0",
    "python-openstackclient",
    "PyMySQL",
    "python-memcached",
    "gunicorn",
]
DEBIAN = ["mariadb-server", "rabbitmq-server", "memcached"]
KEYSTONE = "http://127.0.0.1:5000/v3"
RABBIT = {
    "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
    "RABBITMQ_NODENAME": "rabbit@localhost",
    "HOME": "/var/lib/rabbitmq",
    "ERL_EPMD_ADDRESS": "127.0.0.1",
    "RABBITMQ_DIST_PORT": "25672",
}


def sh(
    *cmd: str | Path, check: bool = True, env: dict | None = None, quiet: bool = True
) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [str(c) for c in cmd],
        check=False,
        text=True,
        capture_output=quiet,
        env={**os.environ, **(env or {})},
    )
    if check and out.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {out.stderr[-2000:]}")
    return out


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except (urllib.error.HTTPError, http.client.HTTPException):
        return True  # an HTTP error, or something that is not HTTP: the port is taken
    except OSError:
        return False


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait(predicate, what: str, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(1)
    raise RuntimeError(f"timed out waiting for {what}; logs in {LOG}")


def alive(name: str) -> bool:
    pid = RUN / f"{name}.pid"
    if not pid.exists():
        return False
    try:
        os.kill(int(pid.read_text()), 0)
        return True
    except (OSError, ValueError):
        return False


def daemon(name: str, *cmd: str | Path, env: dict | None = None) -> None:
    """Start a long-running process in its own session, PID recorded, unless it runs."""
    if alive(name):
        return
    with (LOG / f"{name}.out").open("a") as out:
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
        )
    (RUN / f"{name}.pid").write_text(str(proc.pid))


def wsgi(name: str, port: int, module: str, env: dict) -> None:
    """Serve one OpenStack WSGI app with gunicorn on loopback."""
    if answers(f"http://127.0.0.1:{port}/"):
        return
    shim = HOME / "wsgi" / f"{name}_app.py"
    shim.parent.mkdir(exist_ok=True)
    # oslo.config parses sys.argv: the app must not see gunicorn's arguments.
    shim.write_text(
        f"import sys\nsys.argv = sys.argv[:1]\nfrom {module} import application  # noqa\n"
    )
    daemon(
        name,
        V / "gunicorn",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "2",
        "--timeout",
        "120",
        "--chdir",
        shim.parent,
        "--access-logfile",
        LOG / f"{name}-access.log",
        f"{name}_app:application",
        env=env,
    )
    wait(lambda: answers(f"http://127.0.0.1:{port}/"), f"{name} on port {port}")


def sql(statement: str) -> None:
    sh("mysql", "-e", statement)


def database(name: str, user: str) -> str:
    sql(
        f"CREATE DATABASE IF NOT EXISTS {name}; "
        f"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{PW}'; "
        f"GRANT ALL ON {name}.* TO '{user}'@'127.0.0.1';"
    )
    return f"mysql+pymysql://{user}:{PW}@127.0.0.1/{name}"


def ini(path: Path, sections: dict[str, dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{k} = {v}" for k, v in values.items()]
        lines.append("")
    path.write_text("\n".join(lines))


def authtoken(user: str, service_type: str) -> dict[str, object]:
    # service_type lets keystonemiddleware enforce application-credential access rules.
    return {
        "service_type": service_type,
        "www_authenticate_uri": "http://127.0.0.1:5000/",
        "auth_url": "http://127.0.0.1:5000/",
        "memcached_servers": "127.0.0.1:11211",
        "auth_type": "password",
        "project_domain_name": "Default",
        "user_domain_name": "Default",
        "project_name": "service",
        "username": user,
        "password": PW,
    }


def service_auth(user: str) -> dict[str, object]:
    return {
        "auth_type": "password",
        "auth_url": KEYSTONE,
        "project_name": "service",
        "project_domain_name": "Default",
        "username": user,
        "user_domain_name": "Default",
        "password": PW,
        "region_name": "RegionOne",
    }


def openstack(*args: str, check: bool = True, project: str | None = None) -> str:
    env = {"OS_CLOUD": "oae-admin", "OS_CLIENT_CONFIG_FILE": str(HOME / "clouds.yaml")}
    extra = ["--os-project-name", project] if project else []
    return sh(V / "openstack", *extra, *args, env=env, check=check).stdout


def exists(*show: str) -> bool:
    env = {"OS_CLOUD": "oae-admin", "OS_CLIENT_CONFIG_FILE": str(HOME / "clouds.yaml")}
    return sh(V / "openstack", *show, env=env, check=False).returncode == 0


# -- steps -----------------------------------------------------------------------------------------


def install() -> None:
    if not all(shutil.which(b) for b in ("mariadbd", "rabbitmq-server", "memcached")):
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", *DEBIAN, env={"DEBIAN_FRONTEND": "noninteractive"})
    if not (V / "nova-manage").exists():
        HOME.mkdir(parents=True, exist_ok=True)
        sh(sys.executable, "-m", "venv", HOME / "venv")
        sh(V / "pip", "install", "-q", *PACKAGES, "-c", HERE / "constraints.txt")


def infra() -> None:
    if sh("mysqladmin", "ping", check=False).returncode:
        Path("/run/mysqld").mkdir(exist_ok=True)
        shutil.chown("/run/mysqld", "mysql", "mysql")
        if not Path("/var/lib/mysql/mysql").exists():
            sh("mariadb-install-db", "--user=mysql")
        daemon(
            "mariadb",
            "mariadbd",
            "--user=mysql",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            "--max-connections=1000",
        )
        wait(lambda: sh("mysqladmin", "ping", check=False).returncode == 0, "MariaDB")
    # A broker or memcached already listening (started by the Debian package on a machine with
    # an init system, say) is used as it is: starting a second one would fight for the port.
    if not port_open(5672):
        daemon("rabbitmq", "rabbitmq-server", env=RABBIT)
        wait(lambda: port_open(5672), "RabbitMQ", 120)
    if not port_open(11211):
        daemon("memcached", "memcached", "-u", "memcache", "-l", "127.0.0.1", "-p", "11211")


def keystone() -> None:
    ini(
        Path("/etc/keystone/keystone.conf"),
        {
            "DEFAULT": {"log_file": LOG / "keystone.log"},
            "database": {"connection": database("keystone", "keystone")},
            "token": {"provider": "fernet"},
            "fernet_tokens": {"key_repository": "/etc/keystone/fernet-keys"},
            "credential": {"key_repository": "/etc/keystone/credential-keys"},
        },
    )
    manage = V / "keystone-manage"
    sh(manage, "db_sync")
    sh(manage, "fernet_setup", "--keystone-user", "root", "--keystone-group", "root")
    sh(manage, "credential_setup", "--keystone-user", "root", "--keystone-group", "root")
    sh(
        manage,
        "bootstrap",
        "--bootstrap-password",
        PW,
        "--bootstrap-admin-url",
        KEYSTONE,
        "--bootstrap-internal-url",
        KEYSTONE,
        "--bootstrap-public-url",
        KEYSTONE,
        "--bootstrap-region-id",
        "RegionOne",
    )
    wsgi("keystone", 5000, "keystone.wsgi.api", {})


def catalog(user: str, service_type: str, name: str, url: str) -> None:
    if not exists("project", "show", "service"):
        openstack("project", "create", "--domain", "default", "service")
    if not exists("role", "show", "service"):
        openstack("role", "create", "service")
    if not exists("user", "show", user):
        openstack("user", "create", "--domain", "default", "--password", PW, user)
        openstack("role", "add", "--project", "service", "--user", user, "admin")
        # Service tokens between services must carry this role, or keystonemiddleware says 401.
        openstack("role", "add", "--project", "service", "--user", user, "service")
    if not exists("service", "show", service_type):
        openstack("service", "create", "--name", name, service_type)
        for interface in ("public", "internal", "admin"):
            openstack("endpoint", "create", "--region", "RegionOne", service_type, interface, url)


def placement() -> None:
    ini(
        Path("/etc/placement/placement.conf"),
        {
            "DEFAULT": {"log_file": LOG / "placement.log"},
            "placement_database": {"connection": database("placement", "placement")},
            "api": {"auth_strategy": "keystone"},
            "keystone_authtoken": authtoken("placement", "placement"),
        },
    )
    catalog("placement", "placement", "placement", "http://127.0.0.1:8778")
    sh(V / "placement-manage", "db", "sync")
    wsgi("placement", 8778, "placement.wsgi.api", {"OS_PLACEMENT_CONFIG_DIR": "/etc/placement"})


def glance() -> None:
    Path("/etc/glance").mkdir(exist_ok=True)
    shutil.copy(HOME / "venv/etc/glance/glance-api-paste.ini", "/etc/glance/")
    ini(
        Path("/etc/glance/glance-api.conf"),
        {
            "DEFAULT": {"log_file": LOG / "glance.log", "enabled_backends": "fs:file"},
            "database": {"connection": database("glance", "glance")},
            "paste_deploy": {"flavor": "keystone"},
            "glance_store": {"default_backend": "fs"},
            "fs": {"filesystem_store_datadir": HOME / "images"},
            "keystone_authtoken": authtoken("glance", "image"),
        },
    )
    catalog("glance", "image", "glance", "http://127.0.0.1:9292")
    sh(V / "glance-manage", "db_sync")
    wsgi("glance", 9292, "glance.wsgi.api", {"OS_GLANCE_CONFIG_DIR": "/etc/glance"})
    if not exists("image", "show", "tiny"):
        image = HOME / "tiny.img"
        image.write_bytes(b"\0" * 1024 * 1024)
        openstack(
            "image",
            "create",
            "--public",
            "--disk-format",
            "raw",
            "--container-format",
            "bare",
            "--file",
            str(image),
            "tiny",
        )


def neutron() -> None:
    Path("/etc/neutron/plugins/ml2").mkdir(parents=True, exist_ok=True)
    shutil.copy(HOME / "venv/etc/neutron/api-paste.ini", "/etc/neutron/")
    state = HOME / "neutron"
    ini(
        Path("/etc/neutron/neutron.conf"),
        {
            "DEFAULT": {
                "core_plugin": "ml2",
                "service_plugins": "router",
                "auth_strategy": "keystone",
                "transport_url": "rabbit://guest:guest@127.0.0.1:5672/",
                "api_paste_config": "/etc/neutron/api-paste.ini",
                "state_path": state,
                "log_file": LOG / "neutron.log",
                "notify_nova_on_port_status_changes": "false",
                "notify_nova_on_port_data_changes": "false",
            },
            "database": {"connection": database("neutron", "neutron")},
            "oslo_concurrency": {"lock_path": state / "locks"},
            "keystone_authtoken": authtoken("neutron", "network"),
        },
    )
    ini(
        Path("/etc/neutron/plugins/ml2/ml2_conf.ini"),
        {
            "ml2": {
                "type_drivers": "flat,vlan,vxlan",
                "tenant_network_types": "vxlan",
                "mechanism_drivers": "openvswitch",
                "extension_drivers": "port_security",
            },
            "ml2_type_flat": {"flat_networks": "public"},
            "ml2_type_vxlan": {"vni_ranges": "1:1000"},
        },
    )
    catalog("neutron", "network", "neutron", "http://127.0.0.1:9696")
    confs = [
        "--config-file",
        "/etc/neutron/neutron.conf",
        "--config-file",
        "/etc/neutron/plugins/ml2/ml2_conf.ini",
    ]
    sh(V / "neutron-db-manage", *confs, "upgrade", "heads")
    wsgi("neutron-api", 9696, "neutron.wsgi.api", {"OS_NEUTRON_CONFIG_DIR": "/etc/neutron"})
    daemon("neutron-rpc", V / "neutron-rpc-server", *confs)


def nova() -> None:
    Path("/etc/nova").mkdir(exist_ok=True)
    shutil.copy(HOME / "venv/etc/nova/api-paste.ini", "/etc/nova/")
    state = HOME / "nova"
    ini(
        Path("/etc/nova/nova.conf"),
        {
            "DEFAULT": {
                "transport_url": "rabbit://guest:guest@127.0.0.1:5672/",
                # The single-node fake driver keeps a stable node identity, so a nova-compute can
                # be stopped and started again (with the multi-node fake drivers Nova refuses a
                # restart: no node identity file).
                "compute_driver": "fake.FakeDriverWithoutFakeNodes",
                "state_path": state,
                "my_ip": "127.0.0.1",
                "enabled_apis": "osapi_compute",
            },
            "api_database": {"connection": database("nova_api", "nova")},
            "database": {"connection": database("nova", "nova")},
            "api": {"auth_strategy": "keystone"},
            "wsgi": {"api_paste_config": "/etc/nova/api-paste.ini"},
            "oslo_concurrency": {"lock_path": state / "locks"},
            "oslo_messaging_notifications": {"driver": "noop"},
            "vnc": {"enabled": "false"},
            "scheduler": {"discover_hosts_in_cells_interval": 10},
            "placement": service_auth("nova"),
            "glance": {"region_name": "RegionOne"},
            "neutron": service_auth("neutron"),
            "keystone_authtoken": authtoken("nova", "compute"),
        },
    )
    database("nova_cell0", "nova")
    catalog("nova", "compute", "nova", "http://127.0.0.1:8774/v2.1")
    manage = V / "nova-manage"
    sh(manage, "api_db", "sync")
    cells = sh(manage, "cell_v2", "list_cells", check=False).stdout
    if "cell0" not in cells:
        sh(
            manage,
            "cell_v2",
            "map_cell0",
            "--database_connection",
            f"mysql+pymysql://nova:{PW}@127.0.0.1/nova_cell0",
        )
    if "cell1" not in cells:
        sh(manage, "cell_v2", "create_cell", "--name=cell1")
    sh(manage, "db", "sync")
    wsgi("nova-api", 8774, "nova.wsgi.osapi_compute", {"OS_NOVA_CONFIG_DIR": "/etc/nova"})
    conf = ["--config-file", "/etc/nova/nova.conf"]
    daemon("nova-conductor", V / "nova-conductor", *conf, "--log-file", LOG / "nova-conductor.log")
    daemon("nova-scheduler", V / "nova-scheduler", *conf, "--log-file", LOG / "nova-scheduler.log")
    for i in range(1, COMPUTES + 1):
        start_compute(i)
    wait(
        lambda: (
            openstack(
                "compute",
                "service",
                "list",
                "--service",
                "nova-compute",
                "-f",
                "value",
                "-c",
                "State",
                check=False,
            )
            .split()
            .count("up")
            >= COMPUTES
        ),
        "nova-compute services up",
        180,
    )
    sh(manage, "cell_v2", "discover_hosts")


def start_compute(i: int) -> None:
    # Each compute needs its own state_path: Nova keeps the node's stable identity there.
    path = HOME / "nova" / f"compute-{i}"
    path.mkdir(parents=True, exist_ok=True)
    ini(
        Path(f"/etc/nova/compute-{i}.conf"),
        {"DEFAULT": {"host": f"compute-{i}", "state_path": path}},
    )
    daemon(
        f"nova-compute-{i}",
        V / "nova-compute",
        "--config-file",
        "/etc/nova/nova.conf",
        "--config-file",
        f"/etc/nova/compute-{i}.conf",
        "--log-file",
        LOG / f"nova-compute-{i}.log",
    )


def cinder() -> None:
    Path("/etc/cinder").mkdir(exist_ok=True)
    shutil.copy(HOME / "venv/etc/cinder/api-paste.ini", "/etc/cinder/")
    state = HOME / "cinder"
    ini(
        Path("/etc/cinder/cinder.conf"),
        {
            "DEFAULT": {
                "transport_url": "rabbit://guest:guest@127.0.0.1:5672/",
                "auth_strategy": "keystone",
                "enabled_backends": "fake",
                "default_volume_type": "fake",
                "state_path": state,
                "my_ip": "127.0.0.1",
                "api_paste_config": "/etc/cinder/api-paste.ini",
                "root_helper": "env",
                "glance_api_servers": "http://127.0.0.1:9292",
            },
            "database": {"connection": database("cinder", "cinder")},
            "oslo_concurrency": {"lock_path": state / "locks"},
            "privsep": {"helper_command": V / "privsep-helper"},
            # Cinder's own logging test driver: volumes become available, no disk is needed, and
            # it reports its capacity as the string 'infinite', as some real drivers do.
            "fake": {
                "volume_driver": "cinder.tests.fake_driver.FakeLoggingVolumeDriver",
                "volume_backend_name": "fake",
                "target_helper": "fake",
            },
            "keystone_authtoken": authtoken("cinder", "block-storage"),
        },
    )
    catalog("cinder", "block-storage", "cinder", "http://127.0.0.1:8776/v3/%(project_id)s")
    sh(V / "cinder-manage", "--config-file", "/etc/cinder/cinder.conf", "db", "sync")
    wsgi("cinder-api", 8776, "cinder.wsgi.api", {"OS_CINDER_CONFIG_DIR": "/etc/cinder"})
    conf = ["--config-file", "/etc/cinder/cinder.conf"]
    daemon(
        "cinder-scheduler",
        V / "cinder-scheduler",
        *conf,
        "--log-file",
        LOG / "cinder-scheduler.log",
    )
    daemon("cinder-volume", V / "cinder-volume", *conf, "--log-file", LOG / "cinder-volume.log")
    wait(
        lambda: (
            openstack("volume", "service", "list", "-f", "value", "-c", "State", check=False)
            .split()
            .count("up")
            >= 2
        ),
        "cinder services up",
        120,
    )
    if not exists("volume", "type", "show", "fake"):
        openstack("volume", "type", "create", "--property", "volume_backend_name=fake", "fake")


def clouds_yaml(extra: dict | None = None) -> None:
    auth = {"auth_url": KEYSTONE, "user_domain_name": "Default"}
    clouds = {
        "oae-admin": {
            "auth": {
                **auth,
                "username": "admin",
                "password": PW,
                "project_name": "admin",
                "project_domain_name": "Default",
            },
            "region_name": "RegionOne",
            "identity_api_version": 3,
        },
        "oae-monitor": {
            "auth": {
                **auth,
                "username": "monitor",
                "password": PW,
                "project_name": "admin",
                "project_domain_name": "Default",
            },
            "region_name": "RegionOne",
            "identity_api_version": 3,
        },
        **(extra or {}),
    }
    path = HOME / "clouds.yaml"
    path.write_text(json.dumps({"clouds": clouds}, indent=1))  # JSON is YAML
    path.chmod(0o600)


def up() -> None:
    for d in (HOME, LOG, RUN, HOME / "images"):
        d.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    install()
    print(f"installed in {time.monotonic() - started:.0f} s", flush=True)
    clouds_yaml(extra=_existing_extra())
    infra()
    keystone()
    placement()
    glance()
    neutron()
    nova()
    cinder()
    print(f"control plane up in {time.monotonic() - started:.0f} s", flush=True)
    from tests.integration import seed

    seed.run(openstack, exists, PW, HOME)
    print(f"seeded; total {time.monotonic() - started:.0f} s", flush=True)


def _existing_extra() -> dict:
    path = HOME / "clouds.yaml"
    if not path.exists():
        return {}
    clouds = json.loads(path.read_text())["clouds"]
    return {k: v for k, v in clouds.items() if k not in ("oae-admin", "oae-monitor")}


def down() -> None:
    """Stop every process group the harness started: SIGTERM, then SIGKILL after 30 s."""
    if (RUN / "rabbitmq.pid").exists():
        # Debian's rabbitmq-server runs the broker through su, in a session of its own that
        # killing our process group does not reach: ask the broker itself to stop.
        sh("rabbitmqctl", "stop", env=RABBIT, check=False)
    groups = []
    for pid_file in sorted(RUN.glob("*.pid")):
        with contextlib.suppress(OSError, ValueError):
            groups.append(int(pid_file.read_text()))
        pid_file.unlink()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pgid in groups:
            with contextlib.suppress(OSError):
                os.killpg(pgid, sig)
        deadline = time.monotonic() + 30
        while groups and time.monotonic() < deadline:
            groups = [g for g in groups if _group_alive(g)]
            time.sleep(0.5)
        if not groups:
            return


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    {"up": up, "down": down}[sys.argv[1]]()
