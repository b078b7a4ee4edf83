"""Checked reads of the OpenStack APIs: the one place an answer is believed or refused.

Every GET the collectors make goes through ``Api``. An answer is believed only when its status
is 2xx, its body is JSON, and the body holds the expected top-level key with a value of the
expected type; anything else raises ``ApiError`` naming the service, the path (never query
values: a filter could hold anything) and the status, so the run fails and the last good data
stays served. openstacksdk's resource listings are not used: they turn ``{"services": {}}``
into one empty service and an HTTP error page on page 2 into a traceback deep in the SDK.

What a client should do, it does here once for everyone:
- a GET answered 502, 503 or 504, or whose connection was reset, is retried once after a short
  backoff (``Retry-After`` honoured, within the run's deadline); a second failure fails the run;
- a 401 (token revoked or expired under our feet while parallel calls run) re-authenticates
  once and retries; keystoneauth's own retry races between threads and a second 401 is final;
- paginated listings follow ``<key>_links`` with a page cap and fail on a repeated marker;
- each run has a deadline and a stop event: no request starts after either, and each request's
  timeout is cut to what is left of the deadline, so a slow API cannot hold a run for longer;
- each service admits at most ``concurrency`` requests in flight across all collectors, so a
  hung API ties up its own slots, never another service's.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from keystoneauth1 import exceptions as ksa_exc
from openstack.connection import Connection

# Nova, Cinder and Neutron cap a page at 1,000 items by default; 1,000 pages of them is more
# than any cloud holds, so more pages than that means the API is looping.
MAX_PAGES = 1000
RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_BACKOFF_SECONDS = 0.5
# A Retry-After longer than this is not "transient": fail now, the next run tries again.
MAX_RETRY_AFTER_SECONDS = 10.0

T = TypeVar("T")
R = TypeVar("R")


class ApiError(Exception):
    """An OpenStack answer that cannot be believed, or no answer in time."""

    def __init__(self, service: str, path: str, problem: str, status: int | None = None) -> None:
        where = f"{service} GET {path}"
        super().__init__(f"{where}: HTTP {status}: {problem}" if status else f"{where}: {problem}")
        self.service = service
        self.path = path
        self.status = status


class RunAbandoned(Exception):  # noqa: N818 - an outcome of shutdown, not an error
    """The exporter is stopping: the run stops at its next request and records nothing."""


class ServiceAbsent(Exception):  # noqa: N818 - it is an outcome, not an error
    """The cloud does not deploy the service this collector watches: normal, not a failure."""


class FairSemaphore:
    """A counting semaphore that hands slots out in the order they were asked for.

    ``threading.Semaphore`` is not fair: a thread that releases a slot and asks again at once
    (a collector paging through a long listing) usually wins it back, so a run waiting for the
    same service can starve until its deadline. Here a released slot goes straight to the
    oldest waiter.
    """

    def __init__(self, value: int) -> None:
        self._free = value
        self._waiters: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(max(0.0, timeout)):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait timed out: it is ours
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._free += 1

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiters)


class ServiceSlots:
    """At most ``per_service`` requests in flight to each service, across all collectors,
    served first come, first served."""

    def __init__(self, per_service: int) -> None:
        self.per_service = per_service
        self._slots: dict[str, FairSemaphore] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, service: str, path: str, timeout: float) -> Iterator[None]:
        with self._lock:
            sem = self._slots.setdefault(service, FairSemaphore(self.per_service))
        if not sem.acquire(timeout):
            raise ApiError(service, path, "no free request slot before the run's deadline")
        try:
            yield
        finally:
            sem.release()


@dataclass(frozen=True, slots=True)
class CatalogEndpoint:
    service_type: str
    service_name: str
    interface: str
    region_id: str
    url: str
    endpoint_id: str
    service_id: str = ""


class Api:
    """One collector run's view of the cloud: checked GETs bounded by the run's deadline."""

    def __init__(
        self,
        conn: Connection,
        *,
        api_timeout: float,
        deadline: float,
        stop: threading.Event | None = None,
        slots: ServiceSlots | None = None,
        max_pages: int = MAX_PAGES,
    ) -> None:
        """``deadline`` is a ``time.monotonic()`` instant."""
        self.conn = conn
        self.api_timeout = api_timeout
        self.deadline = deadline
        self.stop = stop or threading.Event()
        self.slots = slots or ServiceSlots(4)
        self.max_pages = max_pages
        self.requests = 0
        self._lock = threading.Lock()
        self._auth_lock = threading.Lock()

    # -- time ------------------------------------------------------------------------------

    def remaining(self, service: str = "", path: str = "") -> float:
        """Seconds left before the deadline; raises once the run must end."""
        if self.stop.is_set():
            raise RunAbandoned("the exporter is stopping")
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ApiError(service or "run", path or "-", "the run's deadline passed")
        return left

    # -- requests --------------------------------------------------------------------------

    def get(self, service: str, path: str, key: str, kind: type = list, **query: Any) -> Any:
        """``body[key]`` of a checked answer; ``kind`` is the type it must have; ``query``
        takes ``body``'s keywords (``params``, ``microversion``, ``headers``)."""
        return self.body(service, path, key, kind, **query)[key]

    def body(
        self,
        service: str,
        path: str,
        key: str,
        kind: type = list,
        *,
        params: Mapping[str, Any] | None = None,
        microversion: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The whole checked body (for bodies that carry links or generations beside ``key``).
        ``headers`` are sent besides ours: APIs that scope a read by header (Designate's
        ``X-Auth-All-Projects``) rather than by query."""
        response = self._send(service, path, params, microversion, headers)
        try:
            body = response.json()
        except ValueError:
            raise ApiError(service, path, "the body is not JSON", response.status_code) from None
        if not isinstance(body, dict) or not isinstance(body.get(key), kind):
            raise ApiError(
                service,
                path,
                f"the body has no {key!r} {kind.__name__}",
                response.status_code,
            )
        if body.get("truncated") is True:
            # Keystone cuts lists at [DEFAULT]list_limit and says so: a partial list is wrong.
            raise ApiError(service, path, "the list is truncated (Keystone list_limit)")
        return body

    def pages(
        self,
        service: str,
        path: str,
        key: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int = 1000,
        microversion: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list that pages by marker with ``<key>_links`` rel=next (Nova,
        Cinder, Neutron). Only the link's marker is used: a misconfigured proxy can put the
        wrong host in it, and our own query (repeated ``fields``) is what we mean to ask."""
        first: dict[str, Any] = {**(params or {}), "limit": page_size}
        query = first
        markers: set[str] = set()
        for _ in range(self.max_pages):
            body = self.body(service, path, key, list, params=query, microversion=microversion)
            items = body[key]
            if not all(isinstance(i, dict) for i in items):
                raise ApiError(service, path, f"an item of {key!r} is not an object")
            yield from items
            links = body.get(f"{key}_links") or []
            if not isinstance(links, list):
                raise ApiError(service, path, f"{key}_links is not a list")
            href = next(
                (
                    link.get("href")
                    for link in links
                    if isinstance(link, dict) and link.get("rel") == "next"
                ),
                None,
            )
            if not href or not items:
                return
            marker = (parse_qs(urlsplit(str(href)).query).get("marker") or [""])[-1]
            if not marker or marker in markers:
                raise ApiError(service, path, "pagination loops: the next page repeats a marker")
            markers.add(marker)
            query = {**first, "marker": marker}
        raise ApiError(service, path, f"more than {self.max_pages} pages: pagination never ends")

    def parallel(self, fn: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
        """``fn`` over ``items``, ``workers`` at a time, in order; the first error fails the
        whole map and the items not yet started are dropped.

        Daemon threads, not a ThreadPoolExecutor: the interpreter joins an executor's threads
        at exit, so one request hung in a socket read would hold up the exporter's shutdown.
        """
        todo = list(enumerate(items))
        if workers <= 1 or len(todo) <= 1:
            return [fn(i) for _, i in todo]
        results: dict[int, R] = {}
        errors: list[BaseException] = []
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if errors or not todo:
                        return
                    index, item = todo.pop()
                try:
                    value = fn(item)
                except BaseException as exc:  # handed to the caller below
                    with lock:
                        errors.append(exc)
                    return
                with lock:
                    results[index] = value

        threads = [
            threading.Thread(target=work, daemon=True, name="api-parallel")
            for _ in range(min(workers, len(todo)))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return [results[i] for i in sorted(results)]

    def _proxy(self, service: str) -> Any:
        return getattr(self.conn, service.replace("-", "_"))

    def _send(
        self,
        service: str,
        path: str,
        params: Mapping[str, Any] | None,
        microversion: str | None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        proxy = self._proxy(service)
        retried_transient = retried_auth = False
        while True:
            left = self.remaining(service, path)
            token = self._token()
            with self.slots.slot(service, path, left):
                timeout = min(self.api_timeout, self.remaining(service, path))
                with self._lock:
                    self.requests += 1
                try:
                    response = proxy.get(
                        path,
                        params=dict(params or {}),
                        microversion=microversion,
                        raise_exc=False,
                        connect_retries=0,
                        timeout=timeout,
                        headers={**(headers or {}), "Accept": "application/json"},
                    )
                except (ksa_exc.ConnectTimeout, ksa_exc.ConnectFailure) as exc:
                    # keystoneauth reports a read time-out as ConnectTimeout too.
                    if isinstance(exc, ksa_exc.ConnectTimeout) or retried_transient:
                        raise ApiError(service, path, _no_answer(exc)) from None
                    retried_transient = True
                    self.sleep(RETRY_BACKOFF_SECONDS, service, path)
                    continue
                except ksa_exc.UnknownConnectionError as exc:
                    # The connection closed mid-body (IncompleteRead) or another transport fault.
                    if retried_transient:
                        raise ApiError(service, path, _no_answer(exc)) from None
                    retried_transient = True
                    self.sleep(RETRY_BACKOFF_SECONDS, service, path)
                    continue
            status = response.status_code
            if 200 <= status < 300:
                return response
            if status in RETRY_STATUSES and not retried_transient:
                retried_transient = True
                wait = _retry_after(response.headers.get("Retry-After"))
                if wait > MAX_RETRY_AFTER_SECONDS or wait >= self.remaining(service, path):
                    raise ApiError(service, path, "asked to retry too late", status)
                self.sleep(wait, service, path)
                continue
            if status == 401 and not retried_auth:
                retried_auth = True
                self._reauthenticate(token)
                continue
            raise ApiError(service, path, _error_message(response), status)

    def probe(self, service: str, url: str) -> int | None:
        """The status of an unauthenticated GET of ``url`` (a version document), None when
        nothing answered in time. Not a checked read: any answer is data, whatever its body;
        it counts as a request like any other."""
        timeout = min(self.api_timeout, self.remaining(service, url))
        with self._lock:
            self.requests += 1
        try:
            resp = self.conn.session.get(
                url, authenticated=False, raise_exc=False, timeout=timeout, connect_retries=0
            )
        except Exception:  # refused, reset, timed out: the endpoint did not answer
            return None
        return int(resp.status_code)

    def sleep(self, seconds: float, service: str = "", path: str = "") -> None:
        """Wait, but no longer than the deadline and not through a shutdown."""
        if self.stop.wait(min(seconds, self.remaining(service, path))):
            raise RunAbandoned("the exporter is stopping")

    def _token(self) -> str | None:
        try:
            return self.conn.session.get_token()
        except ksa_exc.ClientException:
            return None  # the request itself will fail and say why

    def _reauthenticate(self, used: str | None) -> None:
        # Only the first thread to see the revoked token drops it; the others find a new one.
        with self._auth_lock:
            if self._token() == used:
                self.conn.session.invalidate()

    # -- catalog ---------------------------------------------------------------------------

    def catalog(self) -> list[CatalogEndpoint]:
        """The token's service catalog; authenticates if needed, so a Keystone outage raises."""
        self.remaining("identity", "/auth/tokens")
        access = self.conn.session.auth.get_access(self.conn.session)
        out: list[CatalogEndpoint] = []
        for service in access.service_catalog.catalog or []:
            for ep in service.get("endpoints", []):
                out.append(
                    CatalogEndpoint(
                        service_type=service.get("type", ""),
                        service_name=service.get("name", "") or "",
                        interface=ep.get("interface", ""),
                        region_id=ep.get("region_id") or ep.get("region") or "",
                        url=ep.get("url", ""),
                        endpoint_id=ep.get("id", ""),
                        service_id=service.get("id", ""),
                    )
                )
        return out

    def system_scoped(self) -> bool:
        """Whether the token is system-scoped; authenticates if needed."""
        self.remaining("identity", "/auth/tokens")
        return bool(self.conn.session.auth.get_access(self.conn.session).system_scoped)

    def has_service(self, service_types: Iterable[str]) -> bool:
        wanted = set(service_types)
        return any(ep.service_type in wanted for ep in self.catalog())

    def require_service(self, service_types: Sequence[str]) -> None:
        """ServiceAbsent unless the catalog has one of ``service_types`` (the first names it)."""
        if not self.has_service(service_types):
            raise ServiceAbsent(f"no {service_types[0]} service in the catalog")


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); the backoff if absent."""
    if not value:
        return RETRY_BACKOFF_SECONDS
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return RETRY_BACKOFF_SECONDS
    return max(0.0, when.timestamp() - time.time())


def _no_answer(exc: Exception) -> str:
    if isinstance(exc, ksa_exc.ConnectTimeout):
        return "no answer within the time-out"
    if isinstance(exc, ksa_exc.ConnectFailure):
        return "connection refused or reset"
    return "the connection broke off"


def _error_message(response: Any) -> str:
    """OpenStack's own short error message when the body has one; never the raw body."""
    try:
        body = response.json()
    except ValueError:
        return "error answer (not JSON)"
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"][:200]
        if isinstance(body.get("message"), str):
            return body["message"][:200]
    return "error answer"
