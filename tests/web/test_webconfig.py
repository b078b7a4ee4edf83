"""--web.config.file validation: every problem named by its key, exit 2, values never echoed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bcrypt
import pytest

from exporter.cli import EXIT_CONFIG, main
from exporter.config import ConfigInvalid
from exporter.web.webconfig import load
from tests.web.pki import Pki, make_pki

HASH = bcrypt.hashpw(b"s3cret-password", bcrypt.gensalt(rounds=4)).decode()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pki(tmp_path_factory, require_tools) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), require_tools)


def problems_of(tmp_path: Path, config: Any) -> list[str]:
    path = tmp_path / "web.yml"
    path.write_text(config if isinstance(config, str) else json.dumps(config))
    with pytest.raises(ConfigInvalid) as exc:
        load(path)
    return exc.value.problems


def certs(pki: Pki, **extra: Any) -> dict[str, Any]:
    return {
        "tls_server_config": {
            "cert_file": str(pki.server_cert),
            "key_file": str(pki.server_key),
            **extra,
        }
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"client_auth_type": "RequireAnyClientCert"}, "client_auth_type: RequireAnyClientCert"),
        ({"client_auth_type": "RequestClientCert"}, "cannot be expressed with Python's ssl"),
        ({"client_auth_type": "Sometimes"}, "client_auth_type: must be one of"),
        ({"client_auth_type": "RequireAndVerifyClientCert"}, "client_ca_file: RequireAndVerify"),
        ({"client_ca_file": "ca.pem"}, "client_ca_file: set without a client_auth_type"),
        ({"cipher_suites": ["TLS_AES_128_GCM_SHA256"]}, "TLS 1.3 suite"),
        ({"cipher_suites": ["TLS_MADE_UP"]}, "unknown cipher suite TLS_MADE_UP"),
        ({"curve_preferences": ["X25519"]}, "curve_preferences: not supported"),
        ({"min_version": "TLS10"}, "min_version: TLS 1.0 and 1.1 are refused"),
        ({"min_version": "SSL3"}, "min_version: must be one of"),
        ({"min_version": ["TLS12"]}, "min_version: must be one of"),
        ({"min_version": "TLS13", "max_version": "TLS12"}, "max_version: lower than min_version"),
        ({"client_allowed_sans": ["x"]}, "client_allowed_sans: needs client_auth_type"),
        ({"certfile": "x"}, "tls_server_config.certfile: unknown setting"),
    ],
)
def test_tls_option_that_cannot_be_honoured_is_refused(tmp_path, pki, extra, message):
    problems = problems_of(tmp_path, certs(pki, **extra))
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"tls_server_config": {"key_file": "k"}}, "cert_file: missing"),
        ({"tls_server_config": {"cert_file": "c"}}, "key_file: missing"),
        (
            {"tls_server_config": {"cert_file": "/nonexistent.pem", "key_file": "/k"}},
            "file not found",
        ),
        ({"http_server_config": {"http2": True}}, "http2: this exporter serves HTTP/1.1 only"),
        ({"http_server_config": {"headers": {"X-Powered-By": "me"}}}, "headers.X-Powered-By"),
        ({"http_server_config": {"headers": {"X-Frame-Options": "allow"}}}, "must be one of deny"),
        (
            {"basic_auth_users": {"admin": "plain-text-password"}},
            "basic_auth_users.admin: not a bcrypt",
        ),
        ({"basic_auth_users": ["admin"]}, "basic_auth_users: must be a mapping"),
        ({"rate_limit": {"interval": "soon", "burst": 1}}, "rate_limit.interval: not a duration"),
        ({"rate_limit": {"interval": "1s"}}, "rate_limit.burst: must be at least 1"),
        ({"basic_auth": {}}, "basic_auth: unknown setting"),
        ({"tls_server_config": {"min_version": ["TLS12"]}}, "min_version: set without"),
        (
            {"tls_server_config": {"curve_preferences": ["X25519"]}},
            "curve_preferences: set without",
        ),
        ({"basic_auth_users": {"a": "$2b$99$" + "x" * 53}}, "basic_auth_users.a: not a bcrypt"),
        ("tls_server_config: [oops\n", "not valid YAML at line"),
        ("- a\n- list\n", "must be a mapping of settings"),
    ],
)
def test_bad_setting_named(tmp_path, config, message):
    problems = problems_of(tmp_path, config)
    assert any(message in p for p in problems), problems


def test_every_problem_at_once_and_no_secret_echoed(tmp_path):
    problems = problems_of(
        tmp_path,
        {
            "basic_auth_users": {"admin": "hunter2-plain"},
            "http_server_config": {"http2": True},
            "tls_server_config": {"cert_file": "c.pem"},
        },
    )
    assert len(problems) == 3, problems
    assert "hunter2-plain" not in " ".join(problems)


def test_good_configs_load(tmp_path, pki):
    path = tmp_path / "web.yml"
    path.write_text(json.dumps({"basic_auth_users": {"prometheus": HASH}}))
    assert load(path).users == {"prometheus": HASH.encode()}
    assert load(path).tls is None
    # Paths are relative to the file, as the toolkit reads them.
    (tmp_path / "tls").mkdir()
    for src in (pki.server_cert, pki.server_key, pki.ca):
        (tmp_path / "tls" / src.name).write_bytes(src.read_bytes())
    path.write_text(
        json.dumps(
            {
                "tls_server_config": {
                    "cert_file": f"tls/{pki.server_cert.name}",
                    "key_file": f"tls/{pki.server_key.name}",
                    "client_auth_type": "RequireAndVerifyClientCert",
                    "client_ca_file": f"tls/{pki.ca.name}",
                    "min_version": "TLS13",
                },
                "http_server_config": {
                    "http2": False,
                    "headers": {"x-content-type-options": "nosniff"},
                },
            }
        )
    )
    config = load(path)
    assert config.tls is not None
    assert config.tls.cert_file == str(tmp_path / "tls" / pki.server_cert.name)
    assert config.headers == {"X-Content-Type-Options": "nosniff"}
    # Inline PEM, as the toolkit's cert/key keys.
    path.write_text(
        json.dumps(
            {
                "tls_server_config": {
                    "cert": pki.server_cert.read_text(),
                    "key": pki.server_key.read_text(),
                }
            }
        )
    )
    assert load(path).tls is not None


def test_example_web_config_is_valid(pki, tmp_path):
    # The example names its certificate and key relative to itself: put ours beside a copy.
    copy = tmp_path / "web-config.yml"
    copy.write_text((ROOT / "contrib" / "web-config.example.yml").read_text())
    (tmp_path / "exporter.crt").write_bytes(pki.server_cert.read_bytes())
    (tmp_path / "exporter.key").write_bytes(pki.server_key.read_bytes())
    config = load(copy)
    assert config.tls is not None
    assert set(config.users) == {"prometheus"}


def test_cli_exits_2_naming_the_key(tmp_path, capsys):
    path = tmp_path / "web.yml"
    path.write_text(
        json.dumps(
            {
                "basic_auth_users": {"admin": "hunter2-plain"},
                "tls_server_config": {"cert_file": "x"},
            }
        )
    )
    code = main(["--demo", "--demo.hosts", "1", "--web.config.file", str(path)])
    assert code == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "--web.config.file: basic_auth_users.admin: not a bcrypt hash" in err
    assert "--web.config.file: tls_server_config.key_file: missing" in err
    assert "hunter2-plain" not in err
    assert "Traceback" not in err
    missing = main(["--demo", "--web.config.file", str(tmp_path / "absent.yml")])
    assert missing == EXIT_CONFIG
    assert "--web.config.file: cannot read it" in capsys.readouterr().err
