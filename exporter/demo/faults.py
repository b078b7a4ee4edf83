"""Fault injection: how the demo server misbehaves on a path prefix, and DemoCloud's part that
sets, matches and counts the faults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Drop = Literal["mid_body", "reset"]
Paging = Literal["next_repeats", "endless"]


@dataclass(slots=True)
class Fault:
    """How the demo server misbehaves on one path prefix; ``DemoCloud.set_fault`` documents it."""

    status: int | None = None  # answer with this HTTP status
    delay: float = 0.0  # before answering, in seconds
    body: bytes | None = None  # served verbatim instead of the routed answer
    content_type: str | None = "application/json"  # of ``body``
    headers: dict[str, str] = field(default_factory=dict)
    drop: Drop | None = None
    hang: bool = False
    remaining: int | None = None  # requests left to spoil; None: every one
    pages_only: bool = False
    paging: Paging | None = None
    prefix: str = ""
    # Set when clear_faults() or a replacing set_fault() retires the fault: its waits end.
    released: bool = False


class FaultsState:
    """DemoCloud's faults: ``faults``, ``faults_served`` and ``faults_changed`` under its lock."""

    def set_fault(
        self,
        prefix: str,
        *,
        status: int | None = None,
        delay: float = 0.0,
        body: bytes | str | None = None,
        content_type: str | None = "application/json",
        headers: Mapping[str, str] | None = None,
        drop: Drop | None = None,
        hang: bool = False,
        count: int | None = None,
        pages_only: bool = False,
        paging: Paging | None = None,
    ) -> None:
        """Requests whose path (without query) starts with ``prefix`` misbehave.

        One fault per prefix: setting one again replaces it. When several prefixes match, the
        longest wins (``/compute/v2.1/servers`` over ``/compute``). Faults apply to every method,
        unauthenticated version documents and ``POST /identity/v3/auth/tokens`` included.

        - ``delay``: wait this many seconds first, then answer as the rest of the fault says.
        - ``hang``: wait until ``clear_faults()``, a replacing ``set_fault`` or
          ``DemoServer.stop()``; a released request then answers as the rest of the fault says,
          one released by ``stop()`` is closed without an answer.
        - ``status``: that status with an OpenStack JSON error body.
        - ``body``: served verbatim (str as UTF-8) with ``status`` (default 200) and
          ``content_type`` (None: no Content-Type header); ``b""`` sends Content-Length: 0.
        - ``headers``: added to whatever answer goes out, replacing a header of the same name.
        - ``drop="mid_body"``: the full Content-Length of the answer, then half its body, then the
          connection closes. ``drop="reset"``: the connection is reset before any answer.
        - ``paging``: rewrite the ``<key>_links`` next link of a routed list answer.
          ``"next_repeats"``: the next link carries the request's own marker (page 1 keeps its
          real one), so the same page comes back forever. ``"endless"``: every page is one item
          with a fresh id and a next link whose marker is that id, forever.
        - ``count``: spoil only the next ``count`` matching requests (None: all); a spent fault
          stays in ``faults`` with ``remaining == 0`` and matches nothing.
        - ``pages_only``: only requests with a ``marker`` query parameter (page 2 and later).

        Each request a fault is applied to adds one to ``faults_served[prefix]``.
        """
        if drop not in (None, "mid_body", "reset"):
            raise ValueError(f"drop must be 'mid_body', 'reset' or None, not {drop!r}")
        if paging not in (None, "next_repeats", "endless"):
            raise ValueError(f"paging must be 'next_repeats', 'endless' or None, not {paging!r}")
        if count is not None and count < 1:
            raise ValueError(f"count must be at least 1 or None, not {count}")
        if delay < 0:
            raise ValueError(f"delay must not be negative, not {delay}")
        fault = Fault(
            status=status,
            delay=delay,
            body=body.encode() if isinstance(body, str) else body,
            content_type=content_type,
            headers=dict(headers or {}),
            drop=drop,
            hang=hang,
            remaining=count,
            pages_only=pages_only,
            paging=paging,
            prefix=prefix,
        )
        with self.lock:
            old = self.faults.get(prefix)
            if old is not None:
                old.released = True
                self.faults_changed.notify_all()
            self.faults[prefix] = fault

    def clear_faults(self) -> None:
        """Remove every fault and release the requests they delay or hang."""
        with self.lock:
            for fault in self.faults.values():
                fault.released = True
            self.faults.clear()
            self.faults_changed.notify_all()

    def fault_for(self, path: str, *, marker: bool = False) -> Fault | None:
        """The fault a request for ``path`` (with a ``marker`` query or not) would get, if any."""
        with self.lock:
            best: Fault | None = None
            for prefix, fault in self.faults.items():
                if (
                    path.startswith(prefix)
                    and fault.remaining != 0
                    and (marker or not fault.pages_only)
                    and (best is None or len(prefix) > len(best.prefix))
                ):
                    best = fault
            return best

    def take_fault(self, path: str, *, marker: bool = False) -> Fault | None:
        """``fault_for``, counted: the server calls it once per request."""
        with self.lock:
            fault = self.fault_for(path, marker=marker)
            if fault is not None:
                self.faults_served[fault.prefix] += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
            return fault
