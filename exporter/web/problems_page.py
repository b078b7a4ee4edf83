"""/problems: every problem resource the collectors found, as JSON, CSV or an HTML page.

Format: ``?format=json|csv|html`` wins; otherwise HTML only for a client that asks for
``text/html`` (a browser) ahead of JSON, and JSON for everything else (``*/*``, no Accept header,
``application/json``, curl), so scripts keep the answer they always had. Filters (query
parameters, the same for every format): ``resource_type``, ``project`` (an ID or a name) and
``min_age`` (seconds or a Prometheus duration such as ``1h``).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from exporter.config import parse_duration
from exporter.web.html import Markup, duration, esc, link, page
from exporter.web.remedies import commands
from exporter.web.snapshot_view import States, project_names

FORMATS = ("json", "csv", "html")


class BadRequestError(ValueError):
    """A filter the page cannot use; the message names the parameter, never echoes the value."""


@dataclass(frozen=True, slots=True)
class Filters:
    resource_type: str = ""
    project: str = ""
    min_age: float | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, list[str]]) -> Filters:
        def one(key: str) -> str:
            return (query.get(key) or [""])[0].strip()

        min_age = None
        if one("min_age"):
            try:
                min_age = parse_duration(one("min_age"))
            except ValueError:
                raise BadRequestError(
                    "min_age must be seconds or a duration such as 1h or 2d"
                ) from None
        return cls(one("resource_type"), one("project"), min_age)

    def params(self) -> dict[str, str]:
        """The filters as query parameters, for links to the other formats."""
        return {
            "resource_type": self.resource_type,
            "project": self.project,
            "min_age": "" if self.min_age is None else f"{self.min_age:g}",
        }


def choose_format(accept: str, query: Mapping[str, list[str]]) -> str:
    explicit = (query.get("format") or [""])[0].strip().lower()
    if explicit:
        if explicit not in FORMATS:
            raise BadRequestError("format must be json, csv or html")
        return explicit
    quality: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media.lower()] = max(q, quality.get(media.lower(), 0.0))
    # Only an explicit text/html counts: */* is what curl and scripts send, and they get JSON.
    html_q = quality.get("text/html", 0.0)
    return "html" if html_q > 0 and html_q >= quality.get("application/json", 0.0) else "json"


def problem_items(states: States, now: float, filters: Filters) -> list[dict[str, Any]]:
    """The findings as /problems lists them, filtered; keys of the original JSON first."""
    names = project_names(states)
    out = []
    for collector, st in sorted(states.items()):
        for f in st.findings:
            age = None if f.since is None else round(now - f.since)
            project_name = names.get(f.project_id, "")
            if filters.resource_type and f.resource_type != filters.resource_type:
                continue
            if filters.project and filters.project not in (f.project_id, project_name):
                continue
            # A resource whose age is unknown cannot be shown to be older than the minimum.
            if filters.min_age is not None and (age is None or age < filters.min_age):
                continue
            out.append(
                {
                    "collector": collector,
                    "resource_type": f.resource_type,
                    "resource_id": f.resource_id,
                    "project_id": f.project_id,
                    "problem": f.problem,
                    "status": f.status,
                    "host": f.host,
                    "age_seconds": age,
                    "data_collected_seconds_ago": None
                    if st.last_success is None
                    else round(now - st.last_success),
                    "resource_name": f.resource_name,
                    "detail": f.detail,
                    "project_name": project_name,
                    "commands": commands(f),
                }
            )
    return out


def render_json(items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"count": len(items), "problems": items}, indent=1).encode()


CSV_COLUMNS = (
    "resource_type",
    "problem",
    "resource_id",
    "resource_name",
    "project_id",
    "project_name",
    "status",
    "host",
    "detail",
    "age_seconds",
    "data_collected_seconds_ago",
    "collector",
    "inspect_commands",
    "undo_commands",
)
# A spreadsheet runs a cell starting with these as a formula (OWASP "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(items: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = dict(item)
        row["inspect_commands"] = "\n".join(item["commands"]["inspect"])
        row["undo_commands"] = "\n".join(item["commands"]["undo"])
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue().encode()


def render_html(
    states: States, items: list[dict[str, Any]], filters: Filters, cloud: str, now: float
) -> str:
    every = problem_items(states, now, Filters())
    kinds = Counter(i["resource_type"] for i in every)
    projects = sorted(
        {(i["project_name"] or i["project_id"], i["project_id"]) for i in every if i["project_id"]}
    )
    kind_options = "".join(
        f'<option value="{esc(k)}"{" selected" if k == filters.resource_type else ""}>'
        f"{esc(k)} ({n})</option>"
        for k, n in sorted(kinds.items())
    )
    project_options = "".join(
        f'<option value="{esc(pid)}"'
        f"{' selected' if filters.project in (pid, label) else ''}>{esc(label)}</option>"
        for label, pid in projects
    )
    min_age = "" if filters.min_age is None else f"{filters.min_age:g}"
    form = (
        '<form class="filters" method="get" action="/problems">'
        '<label>Kind<select name="resource_type"><option value="">all</option>'
        f"{kind_options}</select></label>"
        '<label>Project<select name="project"><option value="">all</option>'
        f"{project_options}</select></label>"
        '<label>Older than<input name="min_age" size="6" placeholder="e.g. 1h, 2d" '
        f'value="{esc(min_age)}"></label>'
        '<button type="submit">Filter</button> '
        f"{link('/problems', 'clear')}</form>"
    )
    params = filters.params()
    formats = Markup(
        f"As {link('/problems', 'JSON', {**params, 'format': 'json'})} · "
        f"{link('/problems', 'CSV', {**params, 'format': 'csv'})} (same filters)."
    )
    cards = "".join(_card(i) for i in sorted(items, key=_urgency))
    body = (
        f"<section><h2>{len(items)} problem resources"
        f"{' (filtered)' if any(params.values()) else ''}</h2>"
        f'{form}<p class="muted">Most urgent first. {formats} Commands are the runbooks\' '
        "(alerts/runbooks.md), filled in with each ID: shown here, never run.</p></section>"
        + (f'<div class="findings">{cards}</div>' if cards else '<p class="ok">Nothing found.</p>')
    )
    return page("Problem resources", cloud, body, now=now)


def _urgency(item: dict[str, Any]) -> tuple[int, float]:
    """Broken or stuck first, then leaks that hold capacity, then waste; oldest first within."""
    problem = item["problem"]
    if problem.startswith(("error", "stuck_")):
        rank = 0
    elif problem in (
        "attached_to_deleted_server",
        "orphan_allocation",
        "port_down_on_active_server",
    ):
        rank = 1
    else:
        rank = 2
    return rank, -(item["age_seconds"] or 0)


def _card(item: dict[str, Any]) -> str:
    name = item["resource_name"] or "(no name)"
    project = item["project_name"] or "unknown project"
    age = "unknown" if item["age_seconds"] is None else duration(item["age_seconds"])
    project_link = (
        link("/problems", project, {"project": item["project_id"]})
        if item["project_id"]
        else esc("none (Placement consumer)")
    )
    rows = [
        ("ID", Markup(f"<code>{esc(item['resource_id'])}</code>")),
        ("Project", Markup(f"{project_link} <code>{esc(item['project_id'])}</code>")),
        ("Status", esc(item["status"])),
        ("Host", esc(item["host"] or "—")),
        ("Unchanged for", esc(age)),
    ]
    if item["detail"]:
        rows.append(("Detail", esc(item["detail"])))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    cmds = item["commands"]
    blocks = ""
    for label in ("inspect", "undo"):
        if cmds[label]:
            lines = "".join(f"<pre>{esc(line)}</pre>" for line in cmds[label])
            blocks += f'<p class="muted">{esc(label.capitalize())}:</p>{lines}'
    note = f'<p class="muted">{esc(cmds["note"])}</p>' if cmds["note"] else ""
    kind_link = link("/problems", item["resource_type"], {"resource_type": item["resource_type"]})
    return (
        f'<article class="finding"><h3><span class="bad">{esc(item["problem"])}</span> '
        f"{kind_link} {esc(name)}</h3><dl>{dl}</dl>{blocks}{note}</article>"
    )


def respond(
    states: States, cloud: str, now: float, accept: str, query_string: str
) -> tuple[str, str, bytes]:
    """(status, content type, body) for a GET of /problems."""
    query = parse_qs(query_string)
    try:
        fmt = choose_format(accept, query)
        filters = Filters.from_query(query)
    except BadRequestError as exc:
        return "400 Bad Request", "text/plain; charset=utf-8", f"{exc}\n".encode()
    items = problem_items(states, now, filters)
    if fmt == "csv":
        return "200 OK", "text/csv; charset=utf-8", render_csv(items)
    if fmt == "html":
        return (
            "200 OK",
            "text/html; charset=utf-8",
            render_html(states, items, filters, cloud, now).encode(),
        )
    return "200 OK", "application/json", render_json(items)
