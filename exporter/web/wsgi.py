"""How an answer with a whole body is sent: status, content type, its length, any extra headers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"


def send(
    start_response: StartResponse,
    status: str,
    content_type: str,
    body: bytes,
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    start_response(
        status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers]
    )
    return [body]


def text(
    start_response: StartResponse,
    status: str,
    message: str,
    headers: Iterable[tuple[str, str]] = (),
) -> list[bytes]:
    return send(start_response, status, TEXT, message.encode(), headers)
