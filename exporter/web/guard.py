"""What stands in front of every endpoint: response headers, rate limit, basic auth, methods.

In the exporter-toolkit's order: the configured headers go on every answer (a 401 too), then the
rate limit (429), then basic auth (401) on every path — ``/metrics``, the console, ``/-/healthy`` —
then the method: GET, and HEAD answered as GET without the body; anything else 405 with ``Allow``.

bcrypt is slow on purpose (about 70 ms at cost 10): verified credentials are cached, as the
toolkit does, so a scrape every 15 s does not pay it each time. The cache key is a SHA-256 of user,
hash and password, so it holds no password. Only successes are cached, so wrong guesses cannot
push the scraper's entry out; bcrypt runs one at a time (as the toolkit's mutex), so guesses take
one core at most. An unknown user still costs one bcrypt at the configured users' cost, so the
answer time does not tell which users exist.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import bcrypt

from exporter.web.webconfig import WebConfig
from exporter.web.wsgi import StartResponse, WsgiApp, text

ALLOWED_METHODS = ("GET", "HEAD")
AUTH_CACHE_SIZE = 100
_BCRYPT_ONE_AT_A_TIME = threading.Lock()


@functools.lru_cache(maxsize=4)
def _dummy_hash(cost: int) -> bytes:
    """A valid hash of a password nobody has, checked against when the user is unknown."""
    return bcrypt.hashpw(b"not a password anyone has", bcrypt.gensalt(rounds=cost))


class Guard:
    """WSGI middleware; ``config`` gives the web config in force (it may be reloaded)."""

    def __init__(self, app: WsgiApp, config: Callable[[], WebConfig]) -> None:
        self.app = app
        self.config = config
        self._verified: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()
        self._tokens: float | None = None  # a new bucket starts full, as Go's rate.Limiter
        self._refilled = time.monotonic()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        config = self.config()
        extra = list(config.headers.items())

        def respond(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, headers + extra, exc_info)

        if config.rate_interval > 0 and not self._take_token(config):
            return text(respond, "429 Too Many Requests", "Too many requests.\n")
        if config.users and not self._authorized(config, environ.get("HTTP_AUTHORIZATION", "")):
            return text(
                respond,
                "401 Unauthorized",
                "Unauthorized.\n",
                [("WWW-Authenticate", 'Basic realm="openstack-admin-exporter"')],
            )
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "HEAD":
            # The same headers as GET (Content-Length included), no body.
            body = self.app({**environ, "REQUEST_METHOD": "GET"}, respond)
            close = getattr(body, "close", None)
            if close is not None:
                close()
            return []
        if method not in ALLOWED_METHODS:
            return text(
                respond,
                "405 Method Not Allowed",
                "Method not allowed: this exporter only reads (GET, HEAD).\n",
                [("Allow", ", ".join(ALLOWED_METHODS))],
            )
        return self.app(environ, respond)

    def _authorized(self, config: WebConfig, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, sep, password = (
                base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
            )
        except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8
            return False
        if not sep:
            return False
        hashed = config.users.get(user)
        key = hashlib.sha256(b"\0".join([user.encode(), hashed or b"", password.encode()])).digest()
        with self._lock:
            if key in self._verified:
                self._verified.move_to_end(key)
                return True
        if hashed is None:
            costs = [int(h[4:6]) for h in config.users.values()]
            with _BCRYPT_ONE_AT_A_TIME:
                bcrypt.checkpw(password.encode(), _dummy_hash(max(costs)))
            return False
        with _BCRYPT_ONE_AT_A_TIME:
            ok = bcrypt.checkpw(password.encode(), hashed)
        if ok:
            with self._lock:
                self._verified[key] = None
                while len(self._verified) > AUTH_CACHE_SIZE:
                    self._verified.popitem(last=False)
        return ok

    def _take_token(self, config: WebConfig) -> bool:
        """The toolkit's token bucket: one token per ``interval``, at most ``burst`` saved."""
        with self._lock:
            now = time.monotonic()
            saved = float(config.rate_burst) if self._tokens is None else self._tokens
            self._tokens = min(
                float(config.rate_burst), saved + (now - self._refilled) / config.rate_interval
            )
            self._refilled = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False
