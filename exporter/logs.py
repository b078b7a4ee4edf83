"""structlog set-up: one JSON stream for our events and the stdlib loggers of the SDK and scheduler.

Redaction happens here, once, for every line: keys that name a secret are masked, and any string
that contains a registered secret value (the cloud's password, token or application-credential
secret) or an ``Authorization``/``X-Auth-Token`` header has it replaced.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

MASK = "***"
_SECRET_KEY = re.compile(r"pass(word)?|token|secret|auth(orization)?$|credential|api_key", re.I)
_HEADER = re.compile(
    r"((?:x-auth-token|x-subject-token|x-service-token|authorization)[\"']?\s*[:=]\s*[\"']?)"
    r"([^\"'\s,}]+(?:\s+[^\"'\s,}]+)?)",
    re.I,
)
_STDLIB_LOGGERS = (
    "openstack",
    "keystoneauth",
    "keystoneauth1",
    "apscheduler",
    "urllib3",
    "stevedore",
)

_secrets_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()


def register_secrets(values: Iterable[Any]) -> None:
    """Remember secret values so that no log line or error message can carry them."""
    global _secrets
    found = {str(v) for v in values if isinstance(v, str) and len(v) >= 4}
    with _secrets_lock:
        _secrets = _secrets | found


def scrub(text: str) -> str:
    """Remove registered secrets and auth headers from free text (error messages, log lines)."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _HEADER.sub(lambda m: m.group(1) + MASK, text)


def _redact(value: Any, key: str = "") -> Any:
    if key and _SECRET_KEY.search(key) and value not in (None, "", False):
        return MASK
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    return value


def redact_processor(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    return {k: _redact(v, k if k != "event" else "") for k, v in event_dict.items()}


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_processor,
    ]


def configure(level: str = "info", fmt: str = "json", stream: TextIO | None = None) -> None:
    """Configure structlog and route the stdlib loggers through the same renderer and redaction."""
    stream = stream or sys.stderr
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    numeric = logging.getLevelNamesMapping()[level.upper()]
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*_shared_processors()[:-2], _stdlib_message, redact_processor],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_processor,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    # The SDK and keystoneauth are chatty below WARNING; our own events carry what matters.
    third_party = max(numeric, logging.WARNING)
    for name in _STDLIB_LOGGERS:
        logging.getLogger(name).setLevel(third_party)


def _stdlib_message(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    # format_exc_info for foreign records: keep the traceback, redacted like everything else.
    record = event_dict.get("_record")
    if record is not None and record.exc_info and "exception" not in event_dict:
        event_dict["exception"] = logging.Formatter().formatException(record.exc_info)
    return event_dict


def get_logger(**bind: Any) -> Any:
    return structlog.get_logger("exporter").bind(**bind)
