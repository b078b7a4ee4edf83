"""Heat stacks of all projects, as slim records: status, its reason when not complete, times.

Full sync only: ⌈stacks / page_size⌉ calls of ``GET /v1/{project}/stacks?global_tenant=true
&show_hidden=true&limit=…`` (1 call at the 500 stacks of the 2,000-project bench cloud), every
sync. Heat has no delta: its list filters refuse ``updated_time`` ("don't support timestamp",
``heat/api/openstack/v1/stacks.py``) and a deleted stack simply leaves the list.

**All projects, or nothing.** Heat's endpoint holds the token's project (``/v1/%(tenant_id)s``),
and its default policy denies ``stacks:global_index`` — the ``global_tenant=true`` listing —
to everybody, admin included (``heat/policies/stacks.py``: ``rule:deny_everybody``). A
per-project listing instead would need a token per project: 2,000 projects every 5 minutes is
24,000 requests an hour, twice the whole exporter's budget. So this source needs the policy
override ``POLICY_LINE`` in Heat's ``policy.yaml`` (``--print-access-rules`` prints it), and
when Heat answers 403 the sync fails with an error naming it: never "0 stacks".

What is counted: top-level stacks. A nested stack (one per ``OS::Heat::Stack``, resource group
member or provider template) is a resource of its parent; its failure fails the parent's
resource and so the parent, whose ``stack_status_reason`` names it. Listing them too
(``show_nested``) would count one failure several times and multiply the list. Stacks hidden
by ``hidden_stack_tags`` are hidden from users' lists, not from an admin: ``show_hidden``.

Heat pages with ``limit``/``marker`` and a ``links`` next link whenever a page is exactly full
(``views_common.get_collection_links``); the marker is a stack ID, and one Heat cannot find
(the stack was purged) makes it start over, which the check for repeated stacks catches.

Memory: a frozen slotted record per stack; the free-text reason is kept only for stacks not
``*_COMPLETE`` (those are the findings), cut at ``REASON_CHARS``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from exporter.api import ApiError
from exporter.connection import timestamp
from exporter.contract import Source, SyncContext
from exporter.sources._diff import changed
from exporter.sources.orchestration_services import SERVICE_TYPES

PATH = "/stacks"
# Heat's own rule for "admin of the cloud": role admin (in the admin project, where Keystone
# has one configured). "role:admin" works as well where no admin project is set.
POLICY_LINE = '"stacks:global_index": "rule:context_is_admin"'
# Heat sets no maximum page size (it lists every stack when asked without limit); a page of
# 1,000 keeps each answer about 1 MB.
PAGE_SIZE = 1000
MAX_PAGES = 1000
REASON_CHARS = 1000


@dataclass(frozen=True, slots=True)
class Stack:
    id: str
    name: str
    project_id: str
    # stack_status split at its first "_": the action (CREATE, UPDATE, DELETE, ROLLBACK,
    # SUSPEND, RESUME, ADOPT, SNAPSHOT, CHECK, RESTORE) and the status (IN_PROGRESS, FAILED,
    # COMPLETE), as Heat keeps them apart itself.
    action: str
    status: str
    reason: str  # stack_status_reason, for stacks not COMPLETE only
    created: float | None
    updated: float | None

    @property
    def since(self) -> float | None:
        """When the stack last changed: Heat writes ``updated_time`` with every status change;
        a stack never updated has none, and its creation is its last change."""
        return self.updated if self.updated is not None else self.created


def stack(item: Mapping[str, Any]) -> Stack:
    sid = item.get("id")
    if not isinstance(sid, str) or not sid:
        raise ApiError("orchestration", PATH, "a stack without an id")
    project = item.get("project")
    if not isinstance(project, str) or not project:
        # Heat names the project in every stack of an all-projects listing: without it, the
        # answer is not one (a proxy dropped the query?) and cannot be counted per project.
        raise ApiError("orchestration", PATH, "a stack without its project: not a global listing")
    full = item.get("stack_status")
    action, _, status = str(full or "").partition("_")
    if not action or not status:
        raise ApiError("orchestration", PATH, f"a stack_status {full!r} not ACTION_STATUS")
    reason = "" if status == "COMPLETE" else str(item.get("stack_status_reason") or "")
    return Stack(
        id=sid,
        name=str(item.get("stack_name") or ""),
        project_id=sys.intern(project),
        action=sys.intern(action),
        status=sys.intern(status),
        reason=reason[:REASON_CHARS],
        created=timestamp(item.get("creation_time")),
        updated=timestamp(item.get("updated_time")),
    )


class OrchestrationStacks(Source[Mapping[str, Stack]]):
    name = "orchestration_stacks"
    services = SERVICE_TYPES
    access = (("orchestration", "/v1/*/stacks"),)
    policy = (("orchestration", POLICY_LINE),)
    options: ClassVar[Mapping[str, Any]] = {"page_size": PAGE_SIZE}

    def full(self, ctx: SyncContext) -> Mapping[str, Stack]:
        stacks: dict[str, Stack] = {}
        for item in listing(ctx):
            s = stack(item)
            if s.id in stacks:
                raise ApiError("orchestration", PATH, "pagination repeats a stack")
            stacks[s.id] = s
        ctx.count_changed(changed(ctx.previous, stacks))
        return stacks


def listing(ctx: SyncContext) -> Iterator[dict[str, Any]]:
    """Every top-level stack of every project, page by page."""
    first = {
        "global_tenant": "true",
        "show_hidden": "true",
        "limit": ctx.options["page_size"],
    }
    query: dict[str, Any] = first
    markers: set[str] = set()
    for _ in range(MAX_PAGES):
        try:
            body = ctx.api.body("orchestration", PATH, "stacks", list, params=query)
        except ApiError as exc:
            if exc.status != 403:
                raise
            raise ApiError(
                "orchestration",
                PATH,
                "Heat refused the all-projects stack list (policy stacks:global_index, denied "
                f"to everybody by default): add {POLICY_LINE} to Heat's policy.yaml, for a "
                "credential with the admin role",
                403,
            ) from None
        items = body["stacks"]
        if not all(isinstance(i, dict) for i in items):
            raise ApiError("orchestration", PATH, "a stack is not an object")
        yield from items
        marker = _next_marker(body.get("links"))
        if marker is None or not items:
            return
        if marker in markers:
            raise ApiError(
                "orchestration", PATH, "pagination loops: the next page repeats a marker"
            )
        markers.add(marker)
        query = {**first, "marker": marker}
    raise ApiError("orchestration", PATH, f"more than {MAX_PAGES} pages: pagination never ends")


def _next_marker(links: Any) -> str | None:
    """The marker of the ``next`` link (only it: a proxy may put the wrong host in the href)."""
    if links is None:
        return None
    if not isinstance(links, list):
        raise ApiError("orchestration", PATH, "links is not a list")
    for link in links:
        if isinstance(link, dict) and link.get("rel") == "next":
            marker = (parse_qs(urlsplit(str(link.get("href"))).query).get("marker") or [""])[-1]
            if not marker:
                raise ApiError("orchestration", PATH, "a next link without a marker")
            return marker
    return None
