"""Configuration: YAML file + flags, validated up front, every problem reported at once."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exporter.contract import CollectorSettings, CollectorSpec, Source, all_sources

DEFAULT_CONCURRENCY = 4
DEFAULT_API_TIMEOUT = 30.0

DAY = 86400.0
YEAR = 365 * DAY
# APScheduler turns an interval into a timedelta and adds it to now: 1e30 seconds overflows the
# timedelta, a few thousand years overflows the datetime, and either is a traceback after the
# port is bound. Nothing an exporter waits for needs more than a year.
MAX_INTERVAL = YEAR
# Thresholds are only compared with ages, so they cannot overflow; ten years still catches a typo.
MAX_THRESHOLD = 10 * YEAR

_TOP_KEYS = {
    "cloud",
    "system_cloud",
    "clouds_file",
    "concurrency",
    "api_timeout",
    "collectors",
    "sources",
}
_COLLECTOR_KEYS = {"enabled", "interval", "timeout"}
_SOURCE_KEYS = {"resync"}
# Options that fetch data moved from the collectors to the source that now fetches it once.
MOVED = {
    ("placement", "parallel"): "sources.resource_providers.parallel",
    ("flavor_capacity", "parallel"): "sources.resource_providers.parallel",
    ("placement_orphans", "parallel"): "sources.resource_providers.parallel",
    ("quota_limits", "parallel"): "sources.quota_limits.parallel",
    ("quota_limits", "max_rate"): "sources.quota_limits.max_rate",
    ("quota_usage", "page_size"): "the page_size of each listing source (sources.servers, …)",
    ("compute_servers", "page_size"): "sources.servers.page_size",
    ("compute_server_problems", "page_size"): "sources.servers.page_size",
}

# Prometheus's duration grammar (prometheus/common model.ParseDuration): whole numbers, each unit
# at most once, from the largest to the smallest. The regex's fixed order enforces both.
_MILLIS = {
    "y": 365 * 86_400_000,
    "w": 7 * 86_400_000,
    "d": 86_400_000,
    "h": 3_600_000,
    "m": 60_000,
    "s": 1000,
    "ms": 1,
}
_DURATION = re.compile(
    r"^(?:(?P<y>\d+)y)?(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?"
    r"(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?(?:(?P<ms>\d+)ms)?$"
)
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


class ConfigInvalid(Exception):  # noqa: N818 - pve-exporter's name; it carries every problem
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CollectorConfig:
    enabled: bool
    settings: CollectorSettings


@dataclass(frozen=True, slots=True)
class SourceSettings:
    # Seconds between full resyncs (0: every sync is full).
    resync: float
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Settings:
    cloud: str
    clouds_file: str | None
    concurrency: int
    api_timeout: float
    collectors: Mapping[str, CollectorConfig] = field(default_factory=dict)
    sources: Mapping[str, SourceSettings] = field(default_factory=dict)
    # The clouds.yaml entry of a system-scoped token, for the sources that need one (Ironic).
    system_cloud: str | None = None

    @property
    def enabled(self) -> list[str]:
        return [name for name, c in self.collectors.items() if c.enabled]


def parse_duration(value: Any) -> float:
    """Seconds from a number or a Prometheus duration ("90s", "5m", "1h30m", "1d", "1y").

    ValueError for anything negative, not finite or not in the grammar.
    """
    try:
        seconds = _seconds(value)
    except OverflowError:  # float() of a 400-digit integer
        raise ValueError("duration out of range") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("negative or not finite")
    return seconds


def _seconds(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("not a duration")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if _PLAIN_NUMBER.match(text):
            return float(text)
        match = _DURATION.match(text)
        if text and match:  # every part is optional, so "" would match
            # Summed in whole milliseconds so "1h30m" is exact.
            millis = sum(int(n) * _MILLIS[u] for u, n in match.groupdict().items() if n)
            return millis / 1000
    raise ValueError("not a duration")


@dataclass(frozen=True, slots=True)
class Rule:
    """What a good value is: ``check`` returns the value to use or raises ValueError; ``means``
    completes "<key> must be ..." in the message, which never quotes the bad value."""

    check: Callable[[Any], Any]
    means: str


def whole(low: int, high: int) -> Rule:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError
        return value

    return Rule(check, f"a whole number from {low} to {high}")


def rate() -> Rule:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        # 0 is documented as "no limit"; inf would mean the same but reads like a typo.
        if not math.isfinite(value) or value < 0:
            raise ValueError
        return float(value)

    return Rule(check, "a finite number of calls a second, at least 0 (0: no limit)")


def duration(low: float, high: float, *, positive: bool = False) -> Rule:
    """Durations from ``low`` to ``high`` seconds; ``positive`` also refuses 0."""

    def check(value: Any) -> float:
        seconds = parse_duration(value)
        if not low <= seconds <= high or (positive and seconds == 0):
            raise ValueError
        return seconds

    if positive and low == 0:
        means = f"a positive duration of at most {_show(high)}"
    else:
        means = f"a duration of at least {_show(low)} and at most {_show(high)}"
    return Rule(check, means + ", e.g. 90 or '5m'")


def choice(*values: str) -> Rule:
    def check(value: Any) -> str:
        if value not in values:
            raise ValueError
        return value

    return Rule(check, f"one of {', '.join(values)}")


def _show(seconds: float) -> str:
    for unit in ("y", "d", "h", "m"):
        if seconds and seconds * 1000 % _MILLIS[unit] == 0:
            return f"{seconds * 1000 / _MILLIS[unit]:g}{unit}"
    return f"{seconds:g}s"


CONCURRENCY = whole(1, 1000)
API_TIMEOUT = duration(0, MAX_INTERVAL, positive=True)
RESYNC = duration(0, MAX_INTERVAL)
INTERVAL = duration(1, MAX_INTERVAL)
TIMEOUT = duration(0, MAX_INTERVAL, positive=True)
_THRESHOLD = duration(0, MAX_THRESHOLD)

# Value rules for collector options, by option name: the same name means the same thing in
# every collector that has it (compute_server_problems' thresholds, parallel, page_size...).
# An option without a rule is only checked against its default's type.
OPTION_RULES: Mapping[str, Rule] = {
    # Worker threads per run: beyond a few dozen the API, not the exporter, is the bottleneck.
    "parallel": whole(1, 256),
    # Nova serves at most its [api] max_limit (1000 by default) a page anyway; 10,000 bounds
    # the memory of one response where an operator raised it.
    "page_size": whole(1, 10_000),
    "max_rate": rate(),
    "interface": choice("public", "internal", "admin"),
    # Ages in seconds in the collectors; durations here ("30m", "1d").
    "build": _THRESHOLD,
    "task": _THRESHOLD,
    "deleting": _THRESHOLD,
    "verify_resize": _THRESHOLD,
    "shutoff": _THRESHOLD,
    "stuck": _THRESHOLD,
    # image_problems: how long an image may stay queued without data.
    "queued": _THRESHOLD,
    # dns_services: how old a heartbeat may be for a service to count as up.
    "heartbeat_max_age": _THRESHOLD,
    "stuck_migration": _THRESHOLD,
    "service_down_time": _THRESHOLD,
}


def load_file(path: str | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigInvalid([f"config file {path}: not UTF-8 text"]) from None
    except OSError as exc:
        raise ConfigInvalid([f"config file {path}: cannot read it ({exc.strerror})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigInvalid([f"config file {path}: not valid YAML{where}"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigInvalid([f"config file {path}: top level must be a mapping"])
    return data


def build(
    data: Mapping[str, Any],
    specs: Mapping[str, CollectorSpec],
    *,
    sources: Mapping[str, type[Source[Any]]] | None = None,
    cloud_override: str | None = None,
    enable_flags: Mapping[str, bool] | None = None,
    disable_defaults: bool = False,
) -> Settings:
    """Validate the file's data plus flags into Settings, or raise ConfigInvalid with all problems.

    Messages name the offending key, never its value: a mistyped key could hold a secret.
    """
    problems: list[str] = []
    for key in sorted(set(data) - _TOP_KEYS, key=str):
        problems.append(f"unknown key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")

    cloud = cloud_override or data.get("cloud")
    if not cloud:
        problems.append("no cloud: set --os-cloud, OS_CLOUD or 'cloud:' in the config file")
    elif not isinstance(cloud, str):
        problems.append("'cloud' must be a string naming a clouds.yaml entry")

    system_cloud = data.get("system_cloud")
    if system_cloud is not None and not (isinstance(system_cloud, str) and system_cloud):
        problems.append("'system_cloud' must be a string naming a clouds.yaml entry")
        system_cloud = None

    clouds_file = data.get("clouds_file")
    if clouds_file is not None and not isinstance(clouds_file, str):
        problems.append("'clouds_file' must be a path")
        clouds_file = None

    concurrency = _apply(CONCURRENCY, data, "concurrency", DEFAULT_CONCURRENCY, problems)
    api_timeout = _apply(API_TIMEOUT, data, "api_timeout", DEFAULT_API_TIMEOUT, problems)

    raw_collectors = data.get("collectors") or {}
    if not isinstance(raw_collectors, dict):
        problems.append("'collectors' must be a mapping of collector name to settings")
        raw_collectors = {}
    for name in sorted(set(raw_collectors) - set(specs), key=str):
        problems.append(f"collectors: unknown collector {name!r} (known: {', '.join(specs)})")

    collectors: dict[str, CollectorConfig] = {}
    for name, spec in specs.items():
        raw = raw_collectors.get(name) or {}
        where = f"collectors.{name}"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be a mapping")
            raw = {}
        allowed = _COLLECTOR_KEYS | set(spec.options)
        for key in sorted(set(raw) - allowed, key=str):
            if (name, key) in MOVED:
                problems.append(f"{where}.{key} moved to {MOVED[(name, key)]}")
                continue
            problems.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(allowed))})")
        enabled = spec.default_enabled and not disable_defaults
        if "enabled" in raw:
            if isinstance(raw["enabled"], bool):
                enabled = raw["enabled"]
            else:
                problems.append(f"{where}.enabled must be true or false")
        if enable_flags and name in enable_flags:
            enabled = enable_flags[name]
        interval = _apply(INTERVAL, raw, "interval", spec.interval, problems, where)
        # Absent stays 0, which CollectorSettings.deadline reads as "the interval".
        timeout = _apply(TIMEOUT, raw, "timeout", 0.0, problems, where)
        options = _options(spec.options, raw, where, problems)
        collectors[name] = CollectorConfig(
            enabled, CollectorSettings(interval, api_timeout, options, timeout=timeout)
        )

    source_settings = _sources(data, all_sources() if sources is None else sources, problems)
    if problems:
        raise ConfigInvalid(problems)
    return Settings(
        str(cloud),
        clouds_file,
        concurrency,
        api_timeout,
        collectors,
        source_settings,
        system_cloud,
    )


def _options(
    defaults: Mapping[str, Any], raw: Mapping[str, Any], where: str, problems: list[str]
) -> dict[str, Any]:
    options = dict(defaults)
    for key, default in defaults.items():
        if key not in raw:
            continue
        if key in OPTION_RULES:
            options[key] = _apply(OPTION_RULES[key], raw, key, default, problems, where)
        elif _same_type(raw[key], default):
            options[key] = raw[key]
        else:
            problems.append(f"{where}.{key} must be of type {type(default).__name__}")
    return options


def _sources(
    data: Mapping[str, Any], registry: Mapping[str, type[Source[Any]]], problems: list[str]
) -> dict[str, SourceSettings]:
    raw_sources = data.get("sources") or {}
    if not isinstance(raw_sources, dict):
        problems.append("'sources' must be a mapping of source name to settings")
        raw_sources = {}
    for name in sorted(set(raw_sources) - set(registry), key=str):
        problems.append(f"sources: unknown source {name!r} (known: {', '.join(registry)})")
    out: dict[str, SourceSettings] = {}
    for name, cls in registry.items():
        raw = raw_sources.get(name) or {}
        where = f"sources.{name}"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be a mapping")
            raw = {}
        allowed = _SOURCE_KEYS | set(cls.options)
        for key in sorted(set(raw) - allowed, key=str):
            problems.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(allowed))})")
        resync = _apply(RESYNC, raw, "resync", cls.resync, problems, where)
        out[name] = SourceSettings(resync, _options(cls.options, raw, where, problems))
    return out


def _apply(
    rule: Rule,
    raw: Mapping[str, Any],
    key: str,
    default: Any,
    problems: list[str],
    where: str | None = None,
) -> Any:
    """``raw[key]`` checked by ``rule``, or ``default`` if absent or bad (the problem is noted
    as ``where.key``, or ``'key'`` at the top level)."""
    if key not in raw:
        return default
    try:
        return rule.check(raw[key])
    except ValueError:
        name = f"{where}.{key}" if where else repr(key)
        problems.append(f"{name} must be {rule.means}")
        return default


def _same_type(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))
