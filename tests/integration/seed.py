"""Seed the harness cloud with what an admin's cloud has: projects with quota overrides, public
and private flavors (one too big for any host), two aggregates (one an availability zone),
servers spread over projects (one in ERROR: no valid host), a disabled compute service, volumes,
a reader-role user and a least-privilege application credential. Re-running is harmless."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

PROJECTS = ("alpha", "beta", "gamma", "delta")
FLAVORS = [  # name, vcpus, ram MiB, disk GiB, extra args
    ("m1.tiny", 1, 512, 1, []),
    ("m1.small", 1, 2048, 20, []),
    ("m1.medium", 2, 4096, 40, []),
    # The fake driver's hosts have 1,000 vCPUs (VCPU max_unit 1,000): this one fits nowhere.
    ("m1.huge", 2000, 512, 1, []),
    ("p1.private", 2, 1024, 10, ["--private", "--project", "beta"]),
]
SERVERS = [
    ("a1", "alpha", "m1.small"),
    ("a2", "alpha", "m1.medium"),
    ("a3", "alpha", "m1.tiny"),
    ("b1", "beta", "m1.medium"),
    ("b2", "beta", "m1.small"),
    ("g1", "gamma", "m1.small"),
    ("d1", "delta", "m1.tiny"),
    ("broken", "alpha", "m1.huge"),
]


def run(
    openstack: Callable[..., str], exists: Callable[..., bool], password: str, home: Path
) -> None:
    for project in PROJECTS:
        if not exists("project", "show", project):
            openstack("project", "create", "--domain", "default", project)
        openstack("role", "add", "--project", project, "--user", "admin", "member")
    if not exists("user", "show", "monitor"):
        openstack("user", "create", "--domain", "default", "--password", password, "monitor")
    openstack("role", "add", "--project", "admin", "--user", "monitor", "reader")
    for name, vcpus, ram, disk, extra in FLAVORS:
        if not exists("flavor", "show", name):
            openstack(
                "flavor",
                "create",
                "--vcpus",
                str(vcpus),
                "--ram",
                str(ram),
                "--disk",
                str(disk),
                *extra,
                name,
            )
    if not exists("aggregate", "show", "ssd"):
        openstack("aggregate", "create", "ssd")
        openstack("aggregate", "set", "--property", "ssd=true", "ssd")
        openstack("aggregate", "add", "host", "ssd", "compute-1")
    if not exists("aggregate", "show", "az2"):
        openstack("aggregate", "create", "--zone", "az2", "az2")
        openstack("aggregate", "add", "host", "az2", "compute-3")
    openstack("quota", "set", "--instances", "4", "--cores", "8", "--ram", "16384", "beta")
    openstack("quota", "set", "--instances", "20", "--cores", "-1", "gamma")
    openstack("quota", "set", "--instances", "2", "delta")
    # Unlimited cores for alpha, so its m1.huge boot reaches the scheduler: NoValidHost, ERROR.
    openstack("quota", "set", "--cores", "-1", "alpha")
    listed = openstack("server", "list", "--all-projects", "-f", "value", "-c", "Name").split()
    for name, project, flavor in SERVERS:
        if name not in listed:
            openstack(
                "server",
                "create",
                "--image",
                "tiny",
                "--flavor",
                flavor,
                "--nic",
                "none",
                name,
                project=project,
                check=False,
            )
    for _ in range(90):
        statuses = openstack("server", "list", "--all-projects", "-f", "value", "-c", "Status")
        if "BUILD" not in statuses.split():
            break
        time.sleep(2)
    volumes = openstack("volume", "list", "--all-projects", "-f", "value", "-c", "Name").split()
    for name, project, size in (("va1", "alpha", 1), ("va2", "alpha", 2), ("vb1", "beta", 5)):
        if name not in volumes:
            openstack("volume", "create", "--size", str(size), name, project=project, check=False)
    openstack(
        "compute",
        "service",
        "set",
        "--disable",
        "--disable-reason",
        "maintenance: disk replacement",
        "compute-2",
        "nova-compute",
    )
    least_privilege(openstack, home)


def least_privilege(openstack: Callable[..., str], home: Path) -> None:
    """An application credential of admin that may only GET what the exporter reads."""
    from exporter.contract import access_rules, all_collectors

    clouds = json.loads((home / "clouds.yaml").read_text())
    rules = home / "access-rules.json"
    wanted = json.dumps(access_rules(all_collectors().values()))
    # A harness kept from an older checkout holds a credential for the rules of then: a new
    # source's reads would be refused (401). Same rules, same credential.
    if "oae-least" in clouds["clouds"] and rules.exists() and rules.read_text() == wanted:
        return
    rules.write_text(wanted)
    # The secret is shown once, at creation: a credential left by an interrupted run is useless.
    openstack("application", "credential", "delete", "oae-exporter", check=False)
    created = json.loads(
        openstack(
            "application",
            "credential",
            "create",
            "--access-rules",
            str(rules),
            "-f",
            "json",
            "oae-exporter",
        )
    )
    out = {key.lower(): value for key, value in created.items()}  # OSC says "ID" or "id"
    clouds["clouds"]["oae-least"] = {
        "auth": {
            "auth_url": "http://127.0.0.1:5000/v3",
            "application_credential_id": out["id"],
            "application_credential_secret": out["secret"],
        },
        "auth_type": "v3applicationcredential",
        "region_name": "RegionOne",
        "identity_api_version": 3,
    }
    (home / "clouds.yaml").write_text(json.dumps(clouds, indent=1))
