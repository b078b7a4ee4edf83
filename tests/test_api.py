"""Request slots per service: bounded, and handed out first come, first served, so a run paging
through a long listing cannot keep a slot from a run waiting for the same service."""

from __future__ import annotations

import threading
import time

import pytest

from exporter.api import Api, ApiError, FairSemaphore, ServiceSlots


def wait_until(predicate, timeout: float = 5.0) -> None:
    until = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < until, "condition never became true"
        time.sleep(0.001)


def test_a_released_slot_goes_to_the_oldest_waiter_not_back_to_its_releaser():
    sem = FairSemaphore(1)
    assert sem.acquire(0)
    got = threading.Event()
    waiter = threading.Thread(target=lambda: sem.acquire(5) and got.set(), daemon=True)
    waiter.start()
    wait_until(lambda: sem.waiting() == 1)
    sem.release()
    # The releaser asks again at once, as a paging run does: the slot is already the waiter's.
    assert not sem.acquire(0)
    assert got.wait(5)
    sem.release()
    assert sem.acquire(0)


def test_waiters_are_served_in_arrival_order():
    sem = FairSemaphore(1)
    assert sem.acquire(0)
    order: list[int] = []

    def take(i: int) -> None:
        assert sem.acquire(5)
        order.append(i)
        sem.release()

    threads = []
    for i in range(5):
        t = threading.Thread(target=take, args=(i,), daemon=True)
        t.start()
        threads.append(t)
        wait_until(lambda n=i + 1: sem.waiting() == n)
    sem.release()
    for t in threads:
        t.join(5)
    assert order == [0, 1, 2, 3, 4]


def test_a_waiter_that_times_out_leaves_the_queue_and_loses_no_slot():
    sem = FairSemaphore(1)
    assert sem.acquire(0)
    assert not sem.acquire(0.01)
    assert sem.waiting() == 0
    sem.release()
    assert sem.acquire(0)


def test_slots_are_per_service_and_a_full_service_fails_at_the_deadline():
    slots = ServiceSlots(2)
    with slots.slot("compute", "/servers", 1), slots.slot("compute", "/servers", 1):
        with slots.slot("placement", "/resource_providers", 0):
            pass
        with (
            pytest.raises(ApiError, match="no free request slot"),
            slots.slot("compute", "/os-services", 0.01),
        ):
            pass
    with slots.slot("compute", "/os-services", 0):
        pass


def test_system_scoped_tells_the_token_scope(make_settings):
    from exporter.clouds import cloud_region, system_region
    from exporter.connection import connect

    settings = make_settings()
    project = Api(connect(cloud_region(settings)), api_timeout=5, deadline=time.monotonic() + 10)
    system = Api(connect(system_region(settings)), api_timeout=5, deadline=time.monotonic() + 10)
    assert not project.system_scoped()
    assert system.system_scoped()


class _Recorded:
    """A connection whose one proxy answers every GET with ``{"zones": []}`` and keeps what it
    was asked."""

    def __init__(self) -> None:
        self.asked: list[dict] = []
        self.session = self

    def get_token(self) -> str:
        return "token"

    @property
    def dns(self) -> _Recorded:
        return self

    def get(self, path: str, **kwargs):
        self.asked.append(kwargs)
        return type("Answer", (), {"status_code": 200, "json": lambda _: {"zones": []}})()


def test_a_read_may_send_headers_and_always_asks_for_json():
    conn = _Recorded()
    api = Api(conn, api_timeout=1, deadline=time.monotonic() + 5)  # type: ignore[arg-type]
    assert api.get("dns", "/zones", "zones", headers={"X-Auth-All-Projects": "true"}) == []
    assert api.get("dns", "/zones", "zones", headers={"Accept": "text/dns"}) == []
    assert [a["headers"] for a in conn.asked] == [
        {"X-Auth-All-Projects": "true", "Accept": "application/json"},
        {"Accept": "application/json"},
    ]
