"""The demo cloud's fault injection, seen on the wire: raw HTTP, no openstacksdk, no exporter.

Each fault the fault-matrix tests rely on is served exactly as ``DemoCloud.set_fault`` promises.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from exporter.demo import DemoCloud, DemoServer

SERVERS = "/compute/v2.1/servers/detail"
PORTS = "/network/v2.0/ports"
VOLUMES = "/volume/v3/volumes/detail"


class Reply:
    def __init__(self, resp: http.client.HTTPResponse, body: bytes) -> None:
        self.status = resp.status
        self.headers = resp.headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def connect(demo: DemoServer, timeout: float = 5.0) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", demo.port, timeout=timeout)


def get(demo: DemoServer, path: str, token: str | None = None, timeout: float = 5.0) -> Reply:
    conn = connect(demo, timeout)
    try:
        conn.request("GET", path, headers={"X-Auth-Token": token} if token else {})
        resp = conn.getresponse()
        return Reply(resp, resp.read())
    finally:
        conn.close()


def authenticate(demo: DemoServer) -> Reply:
    cloud = demo.cloud
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": cloud.username,
                        "password": cloud.password,
                        "domain": {"name": "Default"},
                    }
                },
            },
            "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}},
        }
    }
    conn = connect(demo)
    try:
        conn.request(
            "POST",
            "/identity/v3/auth/tokens",
            body=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        resp = conn.getresponse()
        return Reply(resp, resp.read())
    finally:
        conn.close()


@pytest.fixture
def token(demo: DemoServer) -> str:
    reply = authenticate(demo)
    assert reply.status == 201
    return reply.headers["X-Subject-Token"]


def next_marker(body: dict[str, Any], key: str) -> str | None:
    hrefs = [link["href"] for link in body.get(f"{key}_links", []) if link["rel"] == "next"]
    assert len(hrefs) <= 1
    return parse_qs(urlsplit(hrefs[0]).query)["marker"][-1] if hrefs else None


def next_path(body: dict[str, Any], key: str) -> str:
    (href,) = [link["href"] for link in body[f"{key}_links"] if link["rel"] == "next"]
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}"


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


class InFlight:
    """A GET running in a thread: what it returned or raised, and when."""

    def __init__(self, demo: DemoServer, path: str, timeout: float = 10.0) -> None:
        self.reply: Reply | None = None
        self.error: BaseException | None = None
        self.finished_at = 0.0
        self._thread = threading.Thread(target=self._run, args=(demo, path, timeout), daemon=True)
        self._thread.start()

    def _run(self, demo: DemoServer, path: str, timeout: float) -> None:
        try:
            self.reply = get(demo, path, timeout=timeout)
        except BaseException as exc:
            self.error = exc
        self.finished_at = time.monotonic()

    def join(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the request is still in flight"


# -- status, headers, raw bodies -------------------------------------------------------------


def test_status_with_openstack_error_body_and_extra_headers(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", status=503, headers={"Retry-After": "1"})
    reply = get(demo, "/compute")  # an unauthenticated version document
    assert reply.status == 503
    assert reply.headers["Retry-After"] == "1"
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {"error": {"code": 503, "message": "injected fault", "title": "Error"}}
    assert int(reply.headers["Content-Length"]) == len(reply.body)


def test_extra_headers_replace_same_name_and_ride_on_normal_answers(
    demo: DemoServer, cloud: DemoCloud, token: str
):
    cloud.set_fault("/compute", headers={"content-type": "text/plain", "X-Extra": "yes"})
    reply = get(demo, "/compute/v2.1/os-services", token)
    assert reply.status == 200
    assert reply.headers.get_all("Content-Type") == ["text/plain"]
    assert reply.headers["X-Extra"] == "yes"
    assert reply.headers["OpenStack-API-Version"] == "compute 2.1"
    assert "services" in reply.json()


@pytest.mark.parametrize(
    ("body", "status", "content_type"),
    [
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "text/html"),
        (b'{"servers": [{"id": ', 200, "application/json"),
        ("null", 200, "application/json"),
        (b"", 200, "application/json"),
        (b'{"resource_providers": {"a": 1}}', 200, "application/json"),
        ("caf\u00e9", 500, "text/plain; charset=utf-8"),
    ],
    ids=["html", "truncated-json", "null", "empty", "wrong-shape", "str-utf8"],
)
def test_raw_body_is_served_verbatim(
    demo: DemoServer,
    cloud: DemoCloud,
    token: str,
    body: bytes | str,
    status: int,
    content_type: str,
):
    kwargs: dict[str, Any] = {"status": status} if status != 200 else {}
    cloud.set_fault("/placement", body=body, content_type=content_type, **kwargs)
    reply = get(demo, "/placement/resource_providers", token)
    expected = body.encode() if isinstance(body, str) else body
    assert reply.status == status
    assert reply.body == expected
    assert reply.headers["Content-Type"] == content_type
    assert reply.headers["Content-Length"] == str(len(expected))


def test_raw_body_without_content_type(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/placement", body=b"oops", content_type=None)
    reply = get(demo, "/placement")
    assert (reply.status, reply.body) == (200, b"oops")
    assert "Content-Type" not in reply.headers


# -- dropped connections ---------------------------------------------------------------------


def test_drop_mid_body_announces_the_full_length_and_sends_half(
    demo: DemoServer, cloud: DemoCloud, token: str
):
    path = "/network/v2.0/ports"  # its body is the same from one request to the next
    whole = get(demo, path, token)
    assert whole.status == 200
    assert get(demo, path, token).body == whole.body
    cloud.set_fault(path, drop="mid_body")
    conn = connect(demo)
    conn.request("GET", path, headers={"X-Auth-Token": token})
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.headers["Content-Length"] == str(len(whole.body))
    assert resp.headers["Content-Type"] == "application/json"
    with pytest.raises(http.client.IncompleteRead) as info:
        resp.read()
    conn.close()
    assert info.value.partial == whole.body[: len(whole.body) // 2]
    assert info.value.expected == len(whole.body) - len(whole.body) // 2


def test_drop_mid_body_of_a_raw_body_and_of_an_error(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", body=b'{"versions": []}', drop="mid_body")
    cloud.set_fault("/volume", status=500, drop="mid_body")
    for path in ("/compute", "/volume"):
        conn = connect(demo)
        conn.request("GET", path)
        resp = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead):
            resp.read()
        conn.close()


def test_reset_closes_the_connection_before_any_answer(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/network", drop="reset")
    conn = connect(demo)
    conn.request("GET", "/network")
    # A TCP reset, not a clean close: http.client's RemoteDisconnected would mean a FIN.
    with pytest.raises(ConnectionResetError) as info:
        conn.getresponse()
    assert not isinstance(info.value, http.client.RemoteDisconnected)
    conn.close()
    assert get(demo, "/compute").status == 200  # the server itself is fine
    assert cloud.faults_served["/network"] == 1


def test_a_kept_alive_connection_carries_on_after_a_fault(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/volume", status=500)
    conn = connect(demo)
    for path, status in (("/volume", 500), ("/compute", 200), ("/volume", 500)):
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == status
    conn.close()


# -- delays and hangs ------------------------------------------------------------------------


def test_delay_then_normal_answer_or_fault(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", delay=0.3)
    cloud.set_fault("/volume", delay=0.3, status=504)
    for path, status in (("/compute", 200), ("/volume", 504)):
        started = time.monotonic()
        assert get(demo, path).status == status
        assert time.monotonic() - started >= 0.3


def test_hang_outlasts_the_client_timeout(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", hang=True)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        get(demo, "/compute", timeout=0.3)
    assert time.monotonic() - started < 2


def test_clear_faults_releases_a_hung_request_promptly(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", hang=True)
    request = InFlight(demo, "/compute")
    wait_until(lambda: cloud.faults_served["/compute"] == 1)
    time.sleep(0.1)  # well inside its wait
    assert request.reply is None
    released = time.monotonic()
    cloud.clear_faults()
    request.join()
    assert request.finished_at - released < 1
    assert request.reply is not None
    assert request.reply.status == 200  # a plain hang then answers normally


def test_a_released_hang_answers_as_the_rest_of_the_fault_says(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", hang=True, status=503)
    request = InFlight(demo, "/compute")
    wait_until(lambda: cloud.faults_served["/compute"] == 1)
    cloud.set_fault("/compute", status=500)  # replacing a fault releases its hangs too
    request.join()
    assert request.reply is not None
    assert request.reply.status == 503
    assert get(demo, "/compute").status == 500


def test_stop_is_prompt_with_a_hung_request_in_flight(cloud: DemoCloud):
    demo = DemoServer(cloud).start()
    cloud.set_fault("/compute", hang=True)
    request = InFlight(demo, "/compute")
    wait_until(lambda: cloud.faults_served["/compute"] == 1)
    started = time.monotonic()
    demo.stop()
    assert time.monotonic() - started < 2
    request.join(timeout=2)
    # The hung request is closed without an answer, not left waiting.
    assert isinstance(request.error, ConnectionError)
    assert request.finished_at - started < 2


def test_stop_cuts_a_long_delay_short(cloud: DemoCloud):
    demo = DemoServer(cloud).start()
    cloud.set_fault("/", delay=60)
    request = InFlight(demo, "/compute")
    wait_until(lambda: cloud.faults_served["/"] == 1)
    started = time.monotonic()
    demo.stop()
    request.join(timeout=2)
    assert time.monotonic() - started < 2


# -- count, pages_only, precedence -----------------------------------------------------------


def test_count_spoils_only_the_next_requests(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", status=503, count=1)
    assert [get(demo, "/compute").status for _ in range(3)] == [503, 200, 200]
    assert cloud.faults_served["/compute"] == 1
    assert cloud.requests_by_path["/compute"] == 3
    assert cloud.fault_for("/compute") is None


def test_count_two_with_a_raw_body(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/compute", body="<html>busy</html>", content_type="text/html", count=2)
    bodies = [get(demo, "/compute").body for _ in range(3)]
    assert bodies[:2] == [b"<html>busy</html>"] * 2
    assert json.loads(bodies[2])["versions"]


def test_pages_only_spoils_page_two_and_later(demo: DemoServer, cloud: DemoCloud, token: str):
    cloud.set_fault("/compute/v2.1/servers", status=500, pages_only=True)
    first = get(demo, f"{SERVERS}?all_tenants=1&limit=10", token)
    assert first.status == 200
    assert len(first.json()["servers"]) == 10
    second = get(demo, next_path(first.json(), "servers"), token)
    assert second.status == 500
    assert cloud.faults_served["/compute/v2.1/servers"] == 1
    assert get(demo, "/compute/v2.1/os-services", token).status == 200


def test_longest_prefix_wins(demo: DemoServer, cloud: DemoCloud, token: str):
    cloud.set_fault("/compute", status=500)
    cloud.set_fault("/compute/v2.1/servers", status=503)
    cloud.set_fault("/compute/v2.1/servers/detail", status=502, pages_only=True)
    assert get(demo, f"{SERVERS}?all_tenants=1", token).status == 503  # no marker: falls back
    assert get(demo, f"{SERVERS}?marker=x", token).status == 502
    assert get(demo, "/compute/v2.1/servers", token).status == 503
    assert get(demo, "/compute/v2.1/os-services", token).status == 500
    assert get(demo, "/volume", token).status == 200
    assert cloud.faults_served == {
        "/compute": 1,
        "/compute/v2.1/servers": 2,
        "/compute/v2.1/servers/detail": 1,
    }


# -- broken pagination -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "key"),
    [
        (f"{SERVERS}?all_tenants=1&limit=5", "servers"),
        ("/compute/v2.1/servers?all_tenants=1&limit=5", "servers"),
        (f"{PORTS}?limit=5", "ports"),
        (f"{VOLUMES}?all_tenants=1&limit=5", "volumes"),
    ],
)
def test_next_repeats_keeps_asking_for_the_same_page(
    demo: DemoServer, cloud: DemoCloud, token: str, path: str, key: str
):
    normal_first = get(demo, path, token).json()
    normal_second = get(demo, next_path(normal_first, key), token).json()
    prefix = urlsplit(path).path
    cloud.set_fault(prefix, paging="next_repeats")

    first = get(demo, path, token).json()
    assert first == normal_first  # page 1 keeps its real next link
    marker = next_marker(first, key)
    assert marker == first[key][-1]["id"]
    for _ in range(3):
        page = get(demo, next_path(first, key), token).json()
        assert page[key] == normal_second[key]
        assert next_marker(page, key) == marker
        assert next_path(page, key) == next_path(first, key)
    assert cloud.faults_served[prefix] == 4


def test_next_repeats_adds_a_link_to_a_single_page(demo: DemoServer, cloud: DemoCloud, token: str):
    assert "ports_links" not in get(demo, PORTS, token).json()  # every port on one page
    cloud.set_fault(PORTS, paging="next_repeats")
    first = get(demo, PORTS, token).json()
    marker = next_marker(first, "ports")
    assert marker == first["ports"][-1]["id"]
    # Past the last item there is nothing, yet the link still asks for the same marker.
    after = get(demo, next_path(first, "ports"), token).json()
    assert after["ports"] == []
    assert next_marker(after, "ports") == marker


def test_endless_serves_one_item_and_a_fresh_marker_forever(
    demo: DemoServer, cloud: DemoCloud, token: str
):
    cloud.set_fault("/compute/v2.1/servers", paging="endless")
    path = f"{SERVERS}?all_tenants=1&limit=5"
    seen: set[str] = set()
    for _ in range(25):
        reply = get(demo, path, token)
        assert reply.status == 200
        body = reply.json()
        assert len(body["servers"]) == 1
        marker = next_marker(body, "servers")
        assert marker is not None
        assert marker not in seen
        assert body["servers"][0]["id"] == marker  # as Nova: the marker is the last item's id
        seen.add(marker)
        path = next_path(body, "servers")
        assert parse_qs(urlsplit(path).query)["all_tenants"] == ["1"]
    assert {s.id for s in cloud.servers}.isdisjoint(seen)


@pytest.mark.parametrize(("path", "key"), [(PORTS, "ports"), (VOLUMES, "volumes")])
def test_endless_on_neutron_and_cinder(
    demo: DemoServer, cloud: DemoCloud, token: str, path: str, key: str
):
    cloud.set_fault(path, paging="endless")
    markers = []
    for _ in range(5):
        body = get(demo, path, token).json()
        assert len(body[key]) == 1
        markers.append(next_marker(body, key))
        path = next_path(body, key)
    assert len(set(markers)) == 5


def test_paging_leaves_overrides_and_errors_alone(demo: DemoServer, cloud: DemoCloud, token: str):
    recorded = {"servers": [{"id": "a"}, {"id": "b"}]}
    cloud.overrides[("GET", SERVERS)] = recorded
    cloud.set_fault(SERVERS, paging="endless")
    body = get(demo, SERVERS, token).json()
    assert body["servers"][0]["id"] != "a"
    assert recorded == {"servers": [{"id": "a"}, {"id": "b"}]}
    del cloud.overrides[("GET", SERVERS)]
    reply = get(demo, SERVERS)  # no token: the 401 goes out untouched
    assert reply.status == 401
    assert "servers_links" not in reply.json()


# -- tokens and Keystone ---------------------------------------------------------------------


def test_revoked_tokens_get_401_and_a_fresh_token_works(
    demo: DemoServer, cloud: DemoCloud, token: str
):
    assert get(demo, "/compute/v2.1/os-services", token).status == 200
    assert cloud.revoke_tokens() == 1
    assert get(demo, "/compute/v2.1/os-services", token).status == 401
    fresh = authenticate(demo)
    assert fresh.status == 201
    assert get(demo, "/compute/v2.1/os-services", fresh.headers["X-Subject-Token"]).status == 200
    assert get(demo, "/compute/v2.1/os-services", token).status == 401


def test_faults_apply_to_password_authentication(demo: DemoServer, cloud: DemoCloud, token: str):
    cloud.set_fault("/identity/v3/auth/tokens", status=503, count=1)
    assert authenticate(demo).status == 503
    assert authenticate(demo).status == 201
    cloud.revoke_tokens()
    cloud.set_fault("/identity", status=500)  # Keystone down mid-run: re-authentication fails
    assert authenticate(demo).status == 500
    assert get(demo, "/compute/v2.1/os-services", token).status == 401
    assert cloud.faults_served == {"/identity/v3/auth/tokens": 1, "/identity": 1}


def test_drop_and_hang_on_authentication(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/identity/v3/auth/tokens", drop="reset", count=1)
    with pytest.raises(ConnectionError):
        authenticate(demo)
    assert authenticate(demo).status == 201


# -- accounting and the API itself -----------------------------------------------------------


def test_every_request_is_counted_faulted_or_not(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/volume", status=500)
    cloud.set_fault("/network", drop="reset")
    before = cloud.requests
    get(demo, "/volume")
    get(demo, "/compute")
    with pytest.raises(ConnectionError):
        get(demo, "/network")
    assert cloud.requests == before + 3
    assert cloud.requests_by_path["/volume"] == 1
    assert cloud.requests_by_path["/network"] == 1
    assert cloud.faults_served == {"/volume": 1, "/network": 1}
    cloud.clear_faults()
    assert cloud.faults == {}
    assert cloud.faults_served == {"/volume": 1, "/network": 1}  # history survives clearing


def test_the_old_two_argument_faults_still_work(demo: DemoServer, cloud: DemoCloud):
    cloud.set_fault("/network", status=503)
    cloud.set_fault("/placement", delay=0.2)
    fault = cloud.fault_for("/network/v2.0/agents")
    assert fault is not None
    assert (fault.status, fault.delay) == (503, 0.0)
    assert get(demo, "/network").status == 503
    started = time.monotonic()
    assert get(demo, "/placement").status == 200
    assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize(
    "kwargs",
    [{"drop": "sometimes"}, {"paging": "loop"}, {"count": 0}, {"delay": -1}],
)
def test_nonsense_is_refused(cloud: DemoCloud, kwargs: dict[str, Any]):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        cloud.set_fault("/compute", **kwargs)
    assert cloud.faults == {}
