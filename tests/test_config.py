"""Config validation without the command line: the duration grammar and the value rules."""

import math

import pytest

from exporter.config import (
    MAX_INTERVAL,
    OPTION_RULES,
    ConfigInvalid,
    build,
    load_file,
    parse_duration,
)
from exporter.contract import all_collectors, all_sources

SPECS = all_collectors()


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1d", 86400),
        ("1w", 7 * 86400),
        ("1y", 365 * 86400),
        ("1h30m", 5400),
        ("1d12h", 129600),
        ("90s", 90),
        ("500ms", 0.5),
        ("1m500ms", 60.5),
        ("1y2w3d4h5m6s7ms", 31536000 + 1209600 + 259200 + 14400 + 300 + 6 + 0.007),
        ("2.5", 2.5),
        ("0", 0),
        (2.5, 2.5),
        (60, 60),
    ],
)
def test_duration_grammar_accepts(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    [
        "1m1h",  # units out of order, as Prometheus refuses them
        "1h1h",  # a unit twice
        "1s1ms1s",
        "-1s",
        "-1",
        "1x",
        "1.5h",  # Prometheus durations are whole numbers per unit
        "",
        "   ",
        "h",
        "1 h",
        "inf",
        "nan",
        "9" * 400 + "y",  # too large for a float
        -1,
        math.inf,
        math.nan,
        10**400,
        True,
        None,
        [],
    ],
)
def test_duration_grammar_refuses(text):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is not part of the contract
        parse_duration(text)


def problems_of(data: dict) -> str:
    with pytest.raises(ConfigInvalid) as info:
        build({"cloud": "demo", **data}, SPECS)
    return "\n".join(info.value.problems)


def collector(name: str, **settings: object) -> dict:
    return {"collectors": {name: settings}}


def source(name: str, **settings: object) -> dict:
    return {"sources": {name: settings}}


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (collector("compute_services", interval=math.inf), "collectors.compute_services.interval"),
        (collector("compute_services", interval=math.nan), "collectors.compute_services.interval"),
        (collector("network_agents", interval=1.0e30), "collectors.network_agents.interval"),
        (collector("placement", interval="999999999999h"), "collectors.placement.interval"),
        (collector("placement", interval="2y"), "collectors.placement.interval"),
        (collector("placement", interval=10**400), "collectors.placement.interval"),
        ({"api_timeout": math.nan}, "'api_timeout'"),
        ({"api_timeout": math.inf}, "'api_timeout'"),
        ({"api_timeout": "0s"}, "'api_timeout'"),
        ({"concurrency": 10**6}, "'concurrency'"),
        (source("resource_providers", parallel=0), "sources.resource_providers.parallel"),
        (source("resource_providers", parallel=-1), "sources.resource_providers.parallel"),
        (source("resource_providers", parallel=2.5), "sources.resource_providers.parallel"),
        (source("quota_limits", max_rate=-5), "sources.quota_limits.max_rate"),
        (source("quota_limits", max_rate=math.nan), "sources.quota_limits.max_rate"),
        (source("quota_limits", max_rate=math.inf), "sources.quota_limits.max_rate"),
        (source("quota_limits", max_rate=True), "sources.quota_limits.max_rate"),
        (source("servers", resync="1m1h"), "sources.servers.resync"),
        (source("servers", bogus=1), "sources.servers: unknown key 'bogus'"),
        ({"sources": {"nope": {}}}, "sources: unknown source 'nope'"),
        ({"sources": ["servers"]}, "'sources' must be a mapping"),
        (collector("placement", parallel=4), "collectors.placement.parallel moved to sources"),
        (
            collector("compute_server_problems", build=-1),
            "collectors.compute_server_problems.build",
        ),
        (
            collector("compute_server_problems", task="-1s"),
            "collectors.compute_server_problems.task",
        ),
        (
            collector("compute_server_problems", shutoff=math.inf),
            "collectors.compute_server_problems.shutoff",
        ),
        (collector("block_storage_problems", stuck=-3), "collectors.block_storage_problems.stuck"),
        (collector("compute_servers", page_size=0), "collectors.compute_servers.page_size"),
        (collector("quota_usage", page_size=-1), "collectors.quota_usage.page_size"),
        (
            collector("compute_server_problems", page_size=20000),
            "collectors.compute_server_problems.page_size",
        ),
        (collector("api_endpoints", interface="bogus"), "collectors.api_endpoints.interface"),
        (collector("compute_services", timeout=0), "collectors.compute_services.timeout"),
        (collector("compute_services", timeout=math.nan), "collectors.compute_services.timeout"),
        (collector("compute_services", timeout="1x"), "collectors.compute_services.timeout"),
        (collector("compute_services", timeout="2y"), "collectors.compute_services.timeout"),
    ],
)
def test_bad_value_names_the_key(data, key):
    assert key in problems_of(data)


def test_bad_value_is_never_echoed():
    message = problems_of(collector("api_endpoints", interface="hunter2-secret"))
    assert "collectors.api_endpoints.interface" in message
    assert "hunter2-secret" not in message


def test_every_bad_value_reported_at_once():
    message = problems_of(
        {
            "api_timeout": math.nan,
            "collectors": {"placement": {"parallel": 0, "interval": math.inf}},
            "sources": {"quota_limits": {"max_rate": -5}},
        }
    )
    for key in (
        "'api_timeout'",
        "collectors.placement.parallel",
        "collectors.placement.interval",
        "sources.quota_limits.max_rate",
    ):
        assert key in message


def test_non_string_keys_are_reported_not_crashed_on():
    assert "unknown key 1 " in problems_of({1: "x", "collectors": {2: {}}})


def test_durations_everywhere_a_duration_is_taken():
    settings = build(
        {
            "cloud": "demo",
            "api_timeout": "1m",
            "collectors": {
                "compute_services": {"interval": "1d", "timeout": "90s"},
                "compute_server_problems": {"build": "30m", "shutoff": "4w2d", "task": 600},
                "block_storage_problems": {"stuck": "1h30m"},
            },
        },
        SPECS,
    )
    assert settings.api_timeout == 60
    services = settings.collectors["compute_services"].settings
    assert (services.interval, services.timeout, services.deadline) == (86400, 90, 90)
    problems = settings.collectors["compute_server_problems"].settings.options
    assert (problems["build"], problems["shutoff"], problems["task"]) == (1800, 30 * 86400, 600)
    assert settings.collectors["block_storage_problems"].settings.options["stuck"] == 5400


def test_timeout_absent_means_the_interval():
    settings = build({"cloud": "demo", "collectors": {"placement": {"interval": "2m"}}}, SPECS)
    placement = settings.collectors["placement"].settings
    assert placement.timeout == 0
    assert placement.deadline == 120


def test_limits_are_inclusive():
    settings = build(
        {
            "cloud": "demo",
            "collectors": {
                "placement": {"interval": "1y"},
                "api_endpoints": {"interface": "internal"},
            },
            "sources": {
                "resource_providers": {"parallel": 1, "resync": "1y"},
                "servers": {"page_size": 10_000, "resync": 0},
                "quota_limits": {"max_rate": 0},  # documented: no limit
            },
        },
        SPECS,
    )
    assert settings.collectors["placement"].settings.interval == MAX_INTERVAL
    assert settings.sources["quota_limits"].options["max_rate"] == 0
    assert settings.sources["resource_providers"].resync == MAX_INTERVAL
    assert settings.sources["servers"].resync == 0


def test_every_default_passes_its_rule():
    checked = 0
    options = [(s.name, s.options) for s in SPECS.values()]
    options += [(name, cls.options) for name, cls in all_sources().items()]
    for name, opts in options:
        for key, default in opts.items():
            if key in OPTION_RULES:
                assert OPTION_RULES[key].check(default) == default, (name, key)
                checked += 1
    assert checked >= 10  # the thresholds, parallel, page_size, max_rate, interface


def test_config_file_not_utf8(tmp_path):
    path = tmp_path / "config.yml"
    path.write_bytes(b"cloud: demo\n# \xff\xfe\n")
    with pytest.raises(ConfigInvalid) as info:
        load_file(str(path))
    assert info.value.problems == [f"config file {path}: not UTF-8 text"]
