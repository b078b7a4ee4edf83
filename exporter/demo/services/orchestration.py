"""Orchestration (Heat): its catalog entry and version document, its part of the cloud's state,
and its routes: the engines' service records and the stack list.

Modelled on heat 2026.2 (``heat/api/openstack/v1/stacks.py``, ``views/stacks_view.py``,
``heat/common/service_utils.py``, ``heat/db/api.py``):

- the endpoint holds the project (``/v1/%(tenant_id)s``, which Keystone fills in per token); a
  path naming another project is refused with 403, as ``registered_policy_enforce`` does;
- ``GET /services`` lists one record per heat-engine worker (``engine_id``), several per host;
  ``status`` is computed when asked: ``up`` while ``updated_at`` (else ``created_at``) is
  within 2 × ``report_interval``. A worker that died keeps its record, ``down``;
- ``GET /stacks`` lists top-level stacks (nested ones only with ``show_nested``, hidden-tag ones
  only with ``show_hidden``), newest first, ``limit``/``marker`` paging with a ``links`` next
  link whenever a page is exactly full (even the last one, as Heat does). ``global_tenant=true``
  lists every project's stacks — and is denied (403, ``stacks:global_index``) unless the policy
  override is in place: ``heat_global_index`` (on by default, so the demo has data). ``project``
  is in each stack for an admin token, as ``include_project=cnxt.is_admin`` does.

Known difference: Heat answers its version document with 300 Multiple Choices; the demo's
public documents all answer 200 (keystoneauth reads both alike).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from exporter.demo import bodies
from exporter.demo.routes import Request, Result, Service, offer, route

if TYPE_CHECKING:
    import random

    from exporter.demo.cloud import DemoCloud

# Heat's periodic_interval: how often an engine worker writes its heartbeat.
REPORT_INTERVAL = 60
# hidden_stack_tags is empty by default; a deployment that sets it hides such stacks from lists.
HIDDEN_TAG = "data-processing-cluster"
# Heat's 403 for a denied policy rule (heat/api/middleware/fault.py, exception.Forbidden).
FORBIDDEN_GLOBAL_INDEX: dict[str, Any] = {
    "explanation": "Access was denied to this resource.",
    "code": 403,
    "error": {
        "message": "You are not authorized to use stacks:global_index.",
        "traceback": None,
        "type": "Forbidden",
    },
    "title": "Forbidden",
}
FORBIDDEN: dict[str, Any] = {
    "explanation": "Access was denied to this resource.",
    "code": 403,
    "error": {
        "message": "Access was denied to this resource.",
        "traceback": None,
        "type": "HTTPForbidden",
    },
    "title": "Forbidden",
}


@dataclass(slots=True)
class Engine:
    """One heat-engine worker's service record."""

    id: str
    engine_id: str
    host: str
    hostname: str
    created: float
    # The last heartbeat of a worker that died; None while it reports.
    down_since: float | None = None


@dataclass(slots=True)
class Stack:
    id: str
    name: str
    project_id: str
    # stack_status is ACTION_STATUS: CREATE, UPDATE, DELETE, ROLLBACK, SUSPEND, RESUME, ADOPT,
    # SNAPSHOT, CHECK or RESTORE, then IN_PROGRESS, FAILED or COMPLETE.
    action: str
    status: str
    reason: str
    created: float
    updated: float | None = None
    parent: str | None = None  # the owning stack of a nested stack
    tags: tuple[str, ...] = ()
    user_project_id: str = ""
    owner: str = "demo"

    @property
    def stack_status(self) -> str:
        return f"{self.action}_{self.status}"


class OrchestrationState:
    """DemoCloud's orchestration part: heat-engine workers and stacks."""

    heat_engines: list[Engine]
    heat_stacks: list[Stack]
    # Whether Heat's policy.yaml overrides stacks:global_index (the default denies everybody).
    heat_global_index: bool

    def seed(self: DemoCloud, rng: random.Random, hosts: int, projects: int) -> None:
        """Three engine hosts (one dead, one with a crashed worker's record) and a stack or so
        per four projects, with a few failed, stuck and nested ones."""
        now = self.now()

        def uid() -> str:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))

        self.heat_global_index = True
        # ctl-01 and ctl-02 run two workers each; on ctl-02 a third crashed two days ago and its
        # record stays (Heat deletes it only at the next engine start there); ctl-03's engine
        # stopped 20 minutes ago.
        workers = [
            ("ctl-01", None),
            ("ctl-01", None),
            ("ctl-02", None),
            ("ctl-02", None),
            ("ctl-02", now - 2 * 86400),
            ("ctl-03", now - 1200),
            ("ctl-03", now - 1200),
        ]
        self.heat_engines = [
            Engine(uid(), uid(), host, host, now - 30 * 86400, gone) for host, gone in workers
        ]

        tenants = [p.id for p in self.projects if p.name != "service"] or [self.project_id]
        self.heat_stacks = []

        def add(action: str, status: str, reason: str, age: float, **kw: Any) -> Stack:
            stack = Stack(
                uid(),
                kw.pop("name", f"stack-{len(self.heat_stacks) + 1:04d}"),
                kw.pop("project_id", rng.choice(tenants)),
                action,
                status,
                reason,
                created=kw.pop("created", now - age - rng.randrange(86400)),
                updated=kw.pop("updated", None),
                user_project_id=uid().replace("-", ""),
                **kw,
            )
            self.heat_stacks.append(stack)
            return stack

        for _ in range(max(4, projects // 4)):
            if rng.random() < 0.7:
                add("CREATE", "COMPLETE", "Stack CREATE completed successfully", 86400 * 3)
            else:
                s = add("UPDATE", "COMPLETE", "Stack UPDATE completed successfully", 86400 * 5)
                s.updated = s.created + rng.randrange(3600, 86400 * 4)
        # What an admin meets: failures with Heat's reasons, lost operations, and the rest.
        failed = add(
            "CREATE",
            "FAILED",
            "Resource CREATE failed: ValueError: resources.broken: Test Resource failed broken",
            3600,
            name="app-broken",
        )
        failed.updated = now - 1800
        # Its failing nested stack is a resource of it: listed only with show_nested.
        add(
            "CREATE",
            "FAILED",
            "Resource CREATE failed: ValueError: resources.broken: Test Resource failed broken",
            3600,
            name="app-broken-inner-x3k2",
            project_id=failed.project_id,
            parent=failed.id,
            updated=now - 1800,
        )
        s = add("UPDATE", "FAILED", "Timed out", 86400 * 10, name="web-tier")
        s.updated = now - 3 * 86400
        s = add(
            "DELETE",
            "FAILED",
            "Resource DELETE failed: Conflict: resources.port: Port is still in use",
            86400 * 20,
            name="old-lb",
        )
        s.updated = now - 10 * 86400
        add("CREATE", "IN_PROGRESS", "Stack CREATE started", 0, created=now - 3 * 3600, name="db")
        s = add("UPDATE", "IN_PROGRESS", "Stack UPDATE started", 86400, name="autoscale")
        s.updated = now - 300  # busy, not stuck
        s = add("DELETE", "IN_PROGRESS", "Stack DELETE started", 86400 * 4, name="scratch")
        s.updated = now - 86400
        add("ROLLBACK", "COMPLETE", "Stack ROLLBACK completed successfully", 86400 * 2)
        add("SUSPEND", "COMPLETE", "Stack SUSPEND completed successfully", 86400 * 6)
        add("CHECK", "COMPLETE", "Stack CHECK completed successfully", 86400)
        # A hidden-tag stack (a deployment that sets hidden_stack_tags): users don't list it,
        # an admin counting failures must.
        add(
            "CREATE",
            "FAILED",
            "Resource CREATE failed: OverQuota: resources.master: Quota exceeded for cores",
            7200,
            name="cluster-7",
            tags=(HIDDEN_TAG,),
            updated=now - 5400,
        )

    def fail_stack(self: DemoCloud, stack_id: str, reason: str) -> None:
        """The operation in progress on the stack fails, as the engine records it."""
        with self.lock:
            stack = next(s for s in self.heat_stacks if s.id == stack_id)
            stack.status, stack.reason, stack.updated = "FAILED", reason, self.now()

    def stop_engine_host(self: DemoCloud, host: str) -> None:
        """Every heat-engine worker of ``host`` dies: their records stay, going ``down``."""
        with self.lock:
            for engine in self.heat_engines:
                if engine.host == host and engine.down_since is None:
                    engine.down_since = self.now()


# -- catalog entry and version document ------------------------------------------------------------


def orchestration_versions(base: str) -> dict[str, Any]:
    return {
        "versions": [
            {
                "status": "CURRENT",
                "id": "v1.0",
                "links": [{"href": f"{base}/heat-api/v1/", "rel": "self"}],
            }
        ]
    }


SERVICE = offer(
    Service(
        "orchestration",
        "heat",
        "/heat-api/v1/%(tenant_id)s",
        "heat-api",
        lambda base: {"/heat-api": orchestration_versions(base)},
        OrchestrationState,
    )
)


# -- routes ----------------------------------------------------------------------------------------


def heat_time(ts: float) -> str:
    """Stacks' times, as heat_timeutils.isotime writes them: whole seconds and Z."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _own_project(req: Request, project: str) -> bool:
    return project == req.cloud.project_id.replace("-", "")


def services_body(cloud: DemoCloud) -> dict[str, Any]:
    now = cloud.now()
    out = []
    with cloud.lock:
        for e in cloud.heat_engines:
            updated = bodies.heartbeat(e.down_since, now)
            out.append(
                {
                    "binary": "heat-engine",
                    "created_at": bodies.nova_time(e.created),
                    "deleted_at": None,
                    "engine_id": e.engine_id,
                    "host": e.host,
                    "hostname": e.hostname,
                    "id": e.id,
                    "report_interval": REPORT_INTERVAL,
                    # heat/common/service_utils.py format_service
                    "status": "up" if now - updated <= 2 * REPORT_INTERVAL else "down",
                    "topic": "engine",
                    "updated_at": bodies.nova_time(updated),
                }
            )
    return {"services": out}


@route(r"/heat-api/v1/([0-9a-f]{32})/services")
def services(req: Request, project: str) -> Result:
    if not _own_project(req, project):
        return 403, FORBIDDEN
    return 200, services_body(req.cloud)


def _flag(req: Request, name: str) -> bool:
    return (req.arg(name) or "").lower() in ("1", "true", "yes", "on", "y", "t")


def stack_body(req: Request, s: Stack, project: str) -> dict[str, Any]:
    return {
        "creation_time": heat_time(s.created),
        "deletion_time": None,
        "description": "",
        "id": s.id,
        "links": [
            {
                "href": f"{req.base}/heat-api/v1/{project}/stacks/{s.name}/{s.id}",
                "rel": "self",
            }
        ],
        "parent": s.parent,
        # An admin's listing names each stack's project (include_project=cnxt.is_admin).
        "project": s.project_id,
        "stack_name": s.name,
        "stack_owner": s.owner,
        "stack_status": s.stack_status,
        "stack_status_reason": s.reason,
        "stack_user_project_id": s.user_project_id,
        "tags": list(s.tags) or None,
        "updated_time": heat_time(s.updated) if s.updated is not None else None,
    }


@route(r"/heat-api/v1/([0-9a-f]{32})/stacks")
def stacks(req: Request, project: str) -> Result:
    cloud = req.cloud
    if not _own_project(req, project):
        return 403, FORBIDDEN
    every_project = _flag(req, "global_tenant")
    if every_project and not cloud.heat_global_index:
        return 403, FORBIDDEN_GLOBAL_INDEX
    nested, hidden = _flag(req, "show_nested"), _flag(req, "show_hidden")
    with cloud.lock:
        chosen = [
            s
            for s in cloud.heat_stacks
            if (every_project or s.project_id == project)
            and (nested or s.parent is None)
            and (hidden or HIDDEN_TAG not in s.tags)
        ]
        # heat/db/api.py _paginate_query: created_at descending, then id.
        chosen.sort(key=lambda s: (s.created, s.id), reverse=True)
        items = [stack_body(req, s, project) for s in chosen]
    marker = req.arg("marker")
    if marker:
        ids = [i["id"] for i in items]
        # Heat looks the marker up; an unknown one pages from the start.
        items = items[ids.index(marker) + 1 :] if marker in ids else items
    try:
        limit = int(req.arg("limit") or 0)
    except ValueError:
        return 400, {"code": 400, "title": "Bad Request", "error": {"message": "bad limit"}}
    page = items[:limit] if limit > 0 else items
    body: dict[str, Any] = {"stacks": page}
    # heat/api/openstack/v1/views/views_common.py: a next link when the page is exactly full.
    if limit > 0 and len(page) == limit:
        query = "&".join(f"{k}={v[-1]}" for k, v in sorted(req.query.items()) if k != "marker")
        href = f"{req.base}/heat-api/v1/{project}/stacks?{query}&marker={page[-1]['id']}"
        body["links"] = [{"rel": "next", "href": href}]
    if _flag(req, "with_count"):
        body["count"] = len(chosen)
    return 200, body
