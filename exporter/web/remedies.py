"""What to type for each problem resource: the ``openstack`` CLI commands to inspect it and the
usual way to undo it. Shown as text on /problems, never executed.

The templates are the runbooks' own commands (alerts/runbooks.md; a test keeps the two the same):
a placeholder in braces (``{ID}``, ``{CONSUMER}``) is the runbook's word for the resource, filled
with the finding's ID. Other capitals (``NETWORK``) stay for the admin to fill in.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from fnmatch import fnmatchcase

from exporter.contract import Finding


@dataclass(frozen=True, slots=True)
class Remedy:
    inspect: tuple[str, ...]
    undo: tuple[str, ...]
    note: str = ""


_SERVER_STATE = "openstack server show {ID} -c status -c OS-EXT-STS:task_state -c updated"
_VOLUME_BACKEND = (
    "Check the volume on its back end first (openstack volume show ID: os-vol-host-attr:host)."
)

_SHARE_MIGRATION = Remedy(
    ("openstack share show {ID}", "openstack share instance list --share {ID}"),
    ("openstack share set --task-state none {ID}",),
    "The share stayed on its source and works; clear the task state once no destination "
    "instance is left (share instance list), and tell the owner the migration failed.",
)

# (resource_type, problem pattern) → remedy; the first pattern that matches wins.
REMEDIES: dict[tuple[str, str], Remedy] = {
    ("server", "error"): Remedy(
        ("openstack server show {ID} -c fault", "openstack server event list {ID}"),
        (
            "openstack server set --state active {ID}",
            "openstack server reboot --hard {ID}",
            "openstack server delete {ID}",
        ),
        "Fix the cause the fault names, then reset and hard-reboot it, or delete it with its "
        "owner; a boot that never found a host (no host) can only be deleted.",
    ),
    ("server", "stuck_build"): Remedy(
        (_SERVER_STATE,),
        ("openstack server set --state error {ID}", "openstack server delete {ID}"),
        "The boot was lost: mark it ERROR, then retry or delete it with its owner.",
    ),
    ("server", "stuck_task"): Remedy(
        (_SERVER_STATE, "openstack server migration list --server {ID}"),
        ("openstack server set --state error {ID}", "openstack server set --state active {ID}"),
        "Look at the compute log on the host first; set it active only once you know the "
        "server really runs where Nova thinks it does.",
    ),
    ("server", "stuck_deleting"): Remedy(
        (_SERVER_STATE,),
        ("openstack server set --state error {ID}", "openstack server delete {ID}"),
        "The compute host never answered the delete: reset the state, then delete again.",
    ),
    ("server", "resize_unconfirmed"): Remedy(
        ("openstack server show {ID} -c status -c flavor -c updated",),
        ("openstack server resize confirm {ID}", "openstack server resize revert {ID}"),
        "Ask the owner; confirming frees the old host's allocations.",
    ),
    ("server", "shutoff_long"): Remedy(
        ("openstack server show {ID} -c status -c updated",),
        ("openstack server delete {ID}",),
        "Probably forgotten: ask the owner before deleting it.",
    ),
    ("volume", "attached_to_deleted_server"): Remedy(
        ("openstack volume show {ID} -c status -c attachments",),
        ("openstack volume set --state available --detached {ID}",),
        "The server is gone; the volume only needs its attachment record cleared.",
    ),
    ("volume", "error*"): Remedy(
        ("openstack volume show {ID}",),
        ("openstack volume set --state available {ID}", "openstack volume delete {ID}"),
        _VOLUME_BACKEND,
    ),
    ("volume", "stuck_*"): Remedy(
        ("openstack volume show {ID}",),
        ("openstack volume set --state error {ID}", "openstack volume set --state available {ID}"),
        _VOLUME_BACKEND,
    ),
    ("snapshot", "*"): Remedy(
        ("openstack volume snapshot show {ID}",),
        (
            "openstack volume snapshot set --state error {ID}",
            "openstack volume snapshot delete {ID}",
        ),
        "Reset the state so Cinder accepts a new delete.",
    ),
    ("backup", "*"): Remedy(
        ("openstack volume backup show {ID}",),
        ("openstack volume backup set --state error {ID}", "openstack volume backup delete {ID}"),
        "Reset the state so Cinder accepts a new delete.",
    ),
    ("allocation", "orphan_allocation"): Remedy(
        (
            "openstack resource provider allocation show {CONSUMER}",
            "openstack server show {CONSUMER}",
        ),
        ("openstack resource provider allocation delete {CONSUMER}",),
        "Delete only once the consumer is really gone (server show: not found); "
        "nova-manage placement audit --delete does the same for a whole cloud.",
    ),
    ("floating_ip", "floating_ip_unassociated"): Remedy(
        ("openstack floating ip show {ID}",),
        ("openstack floating ip delete {ID}",),
        "Releasing returns the address to the pool: ask the owner first.",
    ),
    ("port", "port_down_on_active_server"): Remedy(
        ("openstack port show {ID} -c status -c binding_host_id -c device_id",),
        ("openstack port set --disable {ID}", "openstack port set --enable {ID}"),
        "Check the L2 agent of the port's binding_host_id first (openstack network agent list "
        "--host HOST); toggling the port makes the agent wire it again.",
    ),
    ("router", "router_without_gateway"): Remedy(
        ("openstack router show {ID}",),
        ("openstack router set --external-gateway NETWORK {ID}",),
        "NETWORK: the external network the project's floating IPs come from.",
    ),
    ("image", "stuck_saving"): Remedy(
        ("openstack image show {ID} -c status -c updated_at -c owner -c properties",),
        ("openstack image delete {ID}",),
        "The glance-api worker receiving the upload died (its log says why). Glance has no "
        "status reset: delete the image with its owner, who uploads it again.",
    ),
    ("image", "stuck_uploading"): Remedy(
        ("openstack image show {ID} -c status -c updated_at -c owner -c properties",),
        ("openstack image delete {ID}",),
        "Data staged for an import that never came; deleting the image also frees the staging "
        "area of the glance-api host that holds it. Ask the owner first.",
    ),
    ("image", "stuck_importing"): Remedy(
        ("openstack image show {ID} -c status -c updated_at -c owner -c properties",),
        ("openstack image delete {ID}",),
        "The import task died (a glance-api restart mid-import, a failed conversion: its log "
        "says which). The owner can start the import again, which takes over the stale lock, "
        "or delete the image.",
    ),
    ("image", "stuck_queued"): Remedy(
        ("openstack image show {ID} -c status -c updated_at -c owner -c properties",),
        ("openstack image delete {ID}",),
        "An image record never given data; it counts against the owner's image quota. Ask the "
        "owner, then delete it.",
    ),
    ("image", "killed"): Remedy(
        ("openstack image show {ID} -c status -c updated_at -c owner -c properties",),
        ("openstack image delete {ID}",),
        "An upload that failed under an older Glance: nothing revives it.",
    ),
    ("stack", "stuck_*"): Remedy(
        ("openstack stack show {ID}", "openstack stack event list {ID} --nested-depth 2"),
        (
            "openstack stack cancel --no-rollback {ID}",
            "heat-manage reset_stack_status {ID}",
            "openstack stack delete {ID}",
        ),
        "The engine running it died or lost it: cancel; if it stays in progress, reset it on a "
        "controller with the heat-engines stopped, then retry or delete with the owner.",
    ),
    ("stack", "delete_failed"): Remedy(
        ("openstack stack failures list --long {ID}",),
        ("openstack stack delete {ID}",),
        "Its resources stay behind: remove what the reason names as blocking (a port in use, an "
        "attached volume), then delete again.",
    ),
    ("stack", "*_failed"): Remedy(
        ("openstack stack failures list --long {ID}", "openstack stack show {ID}"),
        ("openstack stack update --existing {ID}", "openstack stack delete {ID}"),
        "Usually the owner's template, image or quota: fix what the reason names, then retry "
        "or delete with the owner.",
    ),
    ("dns_zone", "error"): Remedy(
        ("openstack zone show --all-projects {ID}", "openstack dns service list"),
        (
            "openstack zone set --all-projects --ttl TTL {ID}",
            "openstack zone abandon --all-projects {ID}",
            "openstack zone delete --all-projects {ID}",
        ),
        "Fix the pool's DNS servers first: Designate retries ERROR zones every 2 minutes. "
        "Setting the TTL (its current one) pushes the zone again; abandon only a zone whose "
        "delete failed and that the servers no longer hold (it leaves Designate only).",
    ),
    ("dns_zone", "stuck_pending"): Remedy(
        ("openstack zone show --all-projects {ID}", "openstack dns service list"),
        (
            "openstack zone set --all-projects --ttl TTL {ID}",
            "openstack zone abandon --all-projects {ID}",
        ),
        "A zone stuck PENDING usually means a dead worker or mdns, or DNS servers out of "
        "reach: bring them back and it goes ACTIVE by itself.",
    ),
    ("load_balancer", "error"): Remedy(
        (
            "openstack loadbalancer show {ID}",
            "openstack loadbalancer status show {ID}",
            "openstack loadbalancer amphora list --loadbalancer {ID}",
        ),
        ("openstack loadbalancer failover {ID}", "openstack loadbalancer delete --cascade {ID}"),
        "Read the octavia-worker log for the ID and fix the cause first; a failover rebuilds "
        "its amphorae and returns it to ACTIVE.",
    ),
    ("load_balancer", "stuck_pending_*"): Remedy(
        (
            "openstack loadbalancer show {ID} -c provisioning_status -c updated_at",
            "openstack loadbalancer amphora list --loadbalancer {ID}",
        ),
        ("openstack loadbalancer failover {ID}", "openstack loadbalancer delete --cascade {ID}"),
        "Octavia refuses every change while it is PENDING: unless a restarted worker resumes "
        "the flow (jobboard), first mark it ERROR in Octavia's database (UPDATE load_balancer "
        "SET provisioning_status='ERROR' WHERE id='ID';).",
    ),
    ("amphora", "error"): Remedy(
        ("openstack loadbalancer amphora show {ID}", "openstack server show COMPUTE_ID"),
        (
            "openstack loadbalancer amphora failover {ID}",
            "openstack loadbalancer amphora delete {ID}",
        ),
        "COMPUTE_ID is the compute ID in the detail (a server of Octavia's service project). "
        "Fix the cause (image, flavor, management network) before the failover; delete only "
        "a spare (no load balancer).",
    ),
    ("amphora", "failover_stopped"): Remedy(
        (
            "openstack loadbalancer amphora show {ID}",
            "openstack loadbalancer amphora list --status FAILOVER_STOPPED",
        ),
        ("openstack loadbalancer amphora failover {ID}",),
        "Octavia stopped failing amphorae over (failover_threshold): fix the outage "
        "underneath first.",
    ),
    ("share", "migration_error"): _SHARE_MIGRATION,
    ("share", "data_copying_error"): _SHARE_MIGRATION,
    ("share", "stuck_*"): Remedy(
        ("openstack share show {ID}", "openstack share instance list --share {ID}"),
        (
            "openstack share set --status error {ID}",
            "openstack share set --status available {ID}",
        ),
        "Read the manila-share log of the share's host first (openstack share show ID: host); "
        "set it available only once the back end has the share as Manila expects it.",
    ),
    ("share", "*"): Remedy(
        ("openstack share show {ID}", "openstack share message list --resource-id {ID}"),
        ("openstack share set --status available {ID}", "openstack share delete --force {ID}"),
        "The share's messages name the failed action. Reset to available only if the back end "
        "still serves the share intact; force-delete removes it, data included, with its owner's "
        "consent.",
    ),
}

_PLACEHOLDER = re.compile(r"\{([A-Z]+)\}")


def remedy_for(resource_type: str, problem: str) -> Remedy | None:
    for (kind, pattern), remedy in REMEDIES.items():
        if kind == resource_type and fnmatchcase(problem, pattern):
            return remedy
    return None


def fill(template: str, finding: Finding) -> str:
    """The template with its placeholders replaced by the finding's ID, shell-quoted: an ID is
    API text, and a command pasted into a shell must not run anything it carries."""
    return _PLACEHOLDER.sub(lambda m: shlex.quote(finding.resource_id), template)


def commands(finding: Finding) -> dict[str, list[str] | str]:
    """``inspect`` and ``undo`` command lines and a ``note``; empty for an unknown problem."""
    remedy = remedy_for(finding.resource_type, finding.problem)
    if remedy is None:
        return {"inspect": [], "undo": [], "note": ""}
    return {
        "inspect": [fill(t, finding) for t in remedy.inspect],
        "undo": [fill(t, finding) for t in remedy.undo],
        "note": remedy.note,
    }


def normalised(template: str) -> str:
    """The template as the runbook writes it: ``{ID}`` → ``ID``."""
    return _PLACEHOLDER.sub(lambda m: m.group(1), template)
