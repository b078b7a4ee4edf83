"""/problems through the WSGI App: content negotiation, filters, names, hostile text."""

import csv
import io
import json
import time

import pytest

from exporter.contract import Finding
from exporter.server import App
from exporter.web.problems_page import choose_format, csv_cell
from tests.web.snapshots import HOSTILE, projects, store

OLD_KEYS = {
    "collector",
    "resource_type",
    "resource_id",
    "project_id",
    "problem",
    "status",
    "host",
    "age_seconds",
    "data_collected_seconds_ago",
}


def app() -> App:
    # The App ages findings by the clock, so they are made now, not when the module was imported.
    now = time.time()
    findings = {
        "compute_server_problems": [
            Finding("server", "s-1", "p1", "error", "ERROR", now - 7200, "cmp-1", HOSTILE[0]),
            Finding("server", "s-2", "p2", "stuck_build", "BUILD", now - 60, "", HOSTILE[1]),
        ],
        "network_problems": [
            Finding(
                "router", "r-1", "p2", "router_without_gateway", "ACTIVE", None, "", HOSTILE[2]
            ),
            Finding(
                "port", "pt-1", "p1", "port_down_on_active_server", "DOWN", None, "", HOSTILE[3]
            ),
        ],
    }
    fams = {"identity_projects": projects(("p1", "alpha"), ("p2", HOSTILE[0]))}
    return App(store(fams, findings), "demo")


def call(
    path: str = "/problems", query: str = "", accept: str | None = None
) -> tuple[str, dict, bytes]:
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
    if accept is not None:
        environ["HTTP_ACCEPT"] = accept
    got = {}

    def start_response(status, headers):
        got["status"], got["headers"] = status, dict(headers)

    body = b"".join(app()(environ, start_response))
    return got["status"], got["headers"], body


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        (BROWSER, "", "text/html; charset=utf-8"),
        ("text/html", "", "text/html; charset=utf-8"),
        ("*/*", "", "application/json"),  # curl
        (None, "", "application/json"),
        ("", "", "application/json"),
        ("application/json", "", "application/json"),
        ("application/json, text/html;q=0.5", "", "application/json"),
        (BROWSER, "format=csv", "text/csv; charset=utf-8"),
        ("*/*", "format=csv", "text/csv; charset=utf-8"),
        (BROWSER, "format=json", "application/json"),
        ("*/*", "format=html", "text/html; charset=utf-8"),
    ],
)
def test_content_negotiation(accept, query, expected):
    status, headers, _ = call(query=query, accept=accept)
    assert status == "200 OK"
    assert headers["Content-Type"] == expected
    assert headers["Vary"] == "Accept"


def test_json_keeps_its_keys_and_adds_names_and_commands():
    _, _, body = call(accept="*/*")
    doc = json.loads(body)
    assert doc["count"] == 4
    item = next(p for p in doc["problems"] if p["resource_id"] == "s-1")
    assert item.keys() >= OLD_KEYS
    assert item["resource_name"] == HOSTILE[0]  # JSON carries the raw text; escaping is HTML's
    assert item["project_name"] == "alpha"
    assert item["commands"]["inspect"] == [
        "openstack server show s-1 -c fault",
        "openstack server event list s-1",
    ]
    assert 7190 <= item["age_seconds"] <= 7300


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("resource_type=server", {"s-1", "s-2"}),
        ("project=p1", {"s-1", "pt-1"}),
        ("project=alpha", {"s-1", "pt-1"}),  # a name works as well as an ID
        ("min_age=1h", {"s-1"}),  # unknown ages never pass a minimum
        ("min_age=30", {"s-1", "s-2"}),
        ("resource_type=server&project=p2", {"s-2"}),
        ("resource_type=volume", set()),
    ],
)
def test_filters_apply_to_json_and_csv(query, ids):
    _, _, body = call(query=query, accept="application/json")
    assert {p["resource_id"] for p in json.loads(body)["problems"]} == ids
    _, _, body = call(query=query + "&format=csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert {r["resource_id"] for r in rows} == ids


@pytest.mark.parametrize("query", ["min_age=soon", "format=xml"])
def test_bad_parameters_are_refused_without_echo(query):
    status, _headers, body = call(query=query)
    assert status == "400 Bad Request"
    assert b"soon" not in body
    assert b"xml" not in body


def test_html_escapes_every_name():
    _, _, body = call(accept=BROWSER)
    page = body.decode()
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "=HYPERLINK(&quot;http://x&quot;)" in page
    # The project filter's option carries the hostile project name escaped, in text and value.
    assert '<option value="p2">&lt;script&gt;' in page
    assert "openstack server show s-2 -c status -c OS-EXT-STS:task_state -c updated" in page
    assert "<form" in page
    assert 'method="get"' in page


def test_html_filter_links_are_url_quoted():
    _, _, body = call(query="project=" + "%22%3E%3Cscript%3E", accept=BROWSER)
    page = body.decode()
    assert "<script" not in page
    assert (
        "format=csv&amp;project=%22%3E%3Cscript%3E" in page or "project=%22%3E%3Cscript%3E" in page
    )


def test_csv_neutralises_formulas():
    _, _, body = call(query="format=csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    names = {r["resource_id"]: r["resource_name"] for r in rows}
    assert names["r-1"] == "'" + HOSTILE[2]
    assert names["pt-1"] == "'" + HOSTILE[3]
    assert names["s-1"] == HOSTILE[0]  # not a formula: left alone (CSV is not HTML)
    assert rows[0]["inspect_commands"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_choose_format_defaults_to_json():
    assert choose_format("", {}) == "json"
    assert choose_format("text/html;q=0", {}) == "json"
