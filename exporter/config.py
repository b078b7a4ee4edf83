"""Configuration: YAML file + flags, validated up front, every problem reported at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exporter.collectors import CollectorSettings, CollectorSpec

DEFAULT_CONCURRENCY = 4
DEFAULT_API_TIMEOUT = 30.0

_TOP_KEYS = {"cloud", "clouds_file", "concurrency", "api_timeout", "collectors"}
_COLLECTOR_KEYS = {"enabled", "interval"}
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$")


class ConfigInvalid(Exception):  # noqa: N818 - pve-exporter's name; it carries every problem
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CollectorConfig:
    enabled: bool
    settings: CollectorSettings


@dataclass(frozen=True, slots=True)
class Settings:
    cloud: str
    clouds_file: str | None
    concurrency: int
    api_timeout: float
    collectors: Mapping[str, CollectorConfig] = field(default_factory=dict)

    @property
    def enabled(self) -> list[str]:
        return [name for name, c in self.collectors.items() if c.enabled]


def parse_duration(value: Any) -> float:
    """Seconds from a number or a Prometheus-style duration ("90s", "5m", "1h30m")."""
    if isinstance(value, bool):
        raise ValueError("not a duration")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value.strip())
        if m and any(m.groups()):
            h, mins, s, ms = m.groups()
            return int(h or 0) * 3600 + int(mins or 0) * 60 + float(s or 0) + int(ms or 0) / 1000
    raise ValueError("not a duration")


def load_file(path: str | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8")
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
    cloud_override: str | None = None,
    enable_flags: Mapping[str, bool] | None = None,
    disable_defaults: bool = False,
) -> Settings:
    """Validate the file's data plus flags into Settings, or raise ConfigInvalid with all problems.

    Messages name the offending key, never its value: a mistyped key could hold a secret.
    """
    problems: list[str] = []
    for key in sorted(set(data) - _TOP_KEYS):
        problems.append(f"unknown key {key!r} (known: {', '.join(sorted(_TOP_KEYS))})")

    cloud = cloud_override or data.get("cloud")
    if not cloud:
        problems.append("no cloud: set --os-cloud, OS_CLOUD or 'cloud:' in the config file")
    elif not isinstance(cloud, str):
        problems.append("'cloud' must be a string naming a clouds.yaml entry")

    clouds_file = data.get("clouds_file")
    if clouds_file is not None and not isinstance(clouds_file, str):
        problems.append("'clouds_file' must be a path")
        clouds_file = None

    concurrency = data.get("concurrency", DEFAULT_CONCURRENCY)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        problems.append("'concurrency' must be a whole number of at least 1")
        concurrency = DEFAULT_CONCURRENCY

    api_timeout = DEFAULT_API_TIMEOUT
    if "api_timeout" in data:
        try:
            api_timeout = parse_duration(data["api_timeout"])
            if api_timeout <= 0:
                raise ValueError
        except ValueError:
            problems.append("'api_timeout' must be a positive duration such as 30 or '30s'")
            api_timeout = DEFAULT_API_TIMEOUT

    raw_collectors = data.get("collectors") or {}
    if not isinstance(raw_collectors, dict):
        problems.append("'collectors' must be a mapping of collector name to settings")
        raw_collectors = {}
    for name in sorted(set(raw_collectors) - set(specs)):
        problems.append(f"collectors: unknown collector {name!r} (known: {', '.join(specs)})")

    collectors: dict[str, CollectorConfig] = {}
    for name, spec in specs.items():
        raw = raw_collectors.get(name) or {}
        where = f"collectors.{name}"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be a mapping")
            raw = {}
        allowed = _COLLECTOR_KEYS | set(spec.options)
        for key in sorted(set(raw) - allowed):
            problems.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(allowed))})")
        enabled = spec.default_enabled and not disable_defaults
        if "enabled" in raw:
            if isinstance(raw["enabled"], bool):
                enabled = raw["enabled"]
            else:
                problems.append(f"{where}.enabled must be true or false")
        if enable_flags and name in enable_flags:
            enabled = enable_flags[name]
        interval = spec.interval
        if "interval" in raw:
            try:
                interval = parse_duration(raw["interval"])
                if interval < 1:
                    raise ValueError
            except ValueError:
                problems.append(
                    f"{where}.interval must be a duration of at least 1s, e.g. 60 or '5m'"
                )
        options = dict(spec.options)
        for key, default in spec.options.items():
            if key not in raw:
                continue
            value = raw[key]
            if not _same_type(value, default):
                problems.append(f"{where}.{key} must be of type {type(default).__name__}")
                continue
            options[key] = value
        collectors[name] = CollectorConfig(
            enabled, CollectorSettings(interval, api_timeout, options)
        )

    if problems:
        raise ConfigInvalid(problems)
    return Settings(str(cloud), clouds_file, concurrency, api_timeout, collectors)


def _same_type(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))
