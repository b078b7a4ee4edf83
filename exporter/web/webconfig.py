"""``--web.config.file``: TLS, basic auth and response headers in the exporter-toolkit format.

The same YAML every Prometheus exporter takes (prometheus/exporter-toolkit
``docs/web-configuration.md``), read with the toolkit's rules: unknown keys are errors, relative
paths are relative to the file, a client CA needs a client-auth policy. Python's ``ssl`` cannot
express everything Go's ``crypto/tls`` can; an option we cannot honour as the toolkit means it is
refused, never silently ignored:

- ``client_auth_type`` ``RequestClientCert`` and ``RequireAnyClientCert`` (ask for, or require, a
  certificate *without verifying it*): OpenSSL through ``ssl`` verifies whatever it asks for;
- ``cipher_suites`` naming TLS 1.3 suites: ``ssl`` cannot choose them (Go ignores them);
- ``curve_preferences``: ``ssl`` sets one ECDH curve, not a preference list;
- ``min_version`` below TLS 1.2: OpenSSL 3's default security level refuses TLS 1.0 and 1.1;
- ``http2: true``: this server speaks HTTP/1.1 only.

Every problem is reported at once (exit 2 from the CLI), naming the key, never echoing a value.
"""

from __future__ import annotations

import os
import re
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exporter.config import ConfigInvalid, parse_duration

_TOP_KEYS = {"tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"}
_TLS_KEYS = {
    "cert",
    "key",
    "client_ca",
    "cert_file",
    "key_file",
    "client_auth_type",
    "client_ca_file",
    "client_allowed_sans",
    "min_version",
    "max_version",
    "cipher_suites",
    "prefer_server_cipher_suites",
    "curve_preferences",
}
_HTTP_KEYS = {"http2", "headers"}
# $2a$/$2b$/$2y$, a cost of 04 to 31, then 22 characters of salt and 31 of hash.
_BCRYPT = re.compile(r"\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}")
_RATE_KEYS = {"interval", "burst"}

_VERSIONS = {
    "TLS10": ssl.TLSVersion.TLSv1,
    "TLS11": ssl.TLSVersion.TLSv1_1,
    "TLS12": ssl.TLSVersion.TLSv1_2,
    "TLS13": ssl.TLSVersion.TLSv1_3,
}

# Go's crypto/tls names (tls.CipherSuites()) for TLS ≤ 1.2, and OpenSSL's names for the same suites.
_CIPHERS = {
    "TLS_RSA_WITH_AES_128_CBC_SHA": "AES128-SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA": "AES256-SHA",
    "TLS_RSA_WITH_AES_128_GCM_SHA256": "AES128-GCM-SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384": "AES256-GCM-SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "ECDHE-ECDSA-AES128-SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "ECDHE-ECDSA-AES256-SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "ECDHE-RSA-AES128-SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "ECDHE-RSA-AES256-SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": "ECDHE-ECDSA-AES128-GCM-SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "ECDHE-RSA-AES128-GCM-SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-RSA-CHACHA20-POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": "ECDHE-ECDSA-CHACHA20-POLY1305",
}
_TLS13_CIPHERS = {
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
}

_CLIENT_AUTH = {
    "NoClientCert": ssl.CERT_NONE,
    "VerifyClientCertIfGiven": ssl.CERT_OPTIONAL,
    "RequireAndVerifyClientCert": ssl.CERT_REQUIRED,
}
_CLIENT_AUTH_UNVERIFIED = {"RequestClientCert", "RequireAnyClientCert", "RequireClientCert"}

# The toolkit's allowed response headers, and the values it accepts where it restricts them.
_HEADERS: dict[str, set[str] | None] = {
    "Content-Security-Policy": None,
    "X-Frame-Options": {"deny", "sameorigin"},
    "X-Content-Type-Options": {"nosniff"},
    "X-XSS-Protection": None,
    "Strict-Transport-Security": None,
}


@dataclass(frozen=True, slots=True)
class TLSSettings:
    cert_file: str | None
    key_file: str | None
    cert: str | None
    key: str | None
    client_ca_file: str | None
    client_ca: str | None
    verify_mode: ssl.VerifyMode
    client_allowed_sans: tuple[str, ...]
    min_version: ssl.TLSVersion
    max_version: ssl.TLSVersion
    ciphers: tuple[str, ...]
    prefer_server_ciphers: bool

    def files(self) -> tuple[str, ...]:
        """The files whose change means new certificates."""
        return tuple(f for f in (self.cert_file, self.key_file, self.client_ca_file) if f)


@dataclass(frozen=True, slots=True)
class WebConfig:
    tls: TLSSettings | None = None
    # user -> bcrypt hash
    users: Mapping[str, bytes] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    # seconds between requests (0: no limit) and burst, as the toolkit's token bucket
    rate_interval: float = 0.0
    rate_burst: int = 0


def load(path: str | os.PathLike[str]) -> WebConfig:
    """The web config in ``path``, with its certificates loaded once to prove they work."""
    return load_with_context(path)[0]


def load_with_context(path: str | os.PathLike[str]) -> tuple[WebConfig, ssl.SSLContext | None]:
    """The web config in ``path`` and, if it has TLS, the server context made from it; every
    problem (the file, a key, a certificate) as ConfigInvalid."""
    where = Path(path)
    try:
        text = where.read_text()
    except OSError as exc:
        raise ConfigInvalid(
            [f"--web.config.file: cannot read it ({exc.strerror or exc})"]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigInvalid([f"--web.config.file: not valid YAML{at}"]) from None
    config = parse(data if data is not None else {}, where.resolve().parent)
    if config.tls is None:
        return config, None
    try:
        return config, ssl_context(config.tls)
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise ConfigInvalid([f"tls_server_config: {_ssl_problem(exc)}"]) from None


def parse(data: Any, base: Path) -> WebConfig:
    """Check every key of the parsed YAML; ConfigInvalid lists every problem found."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ConfigInvalid(["--web.config.file: must be a mapping of settings"])
    problems += _unknown(data, _TOP_KEYS, "")
    tls = _tls(data.get("tls_server_config"), base, problems)
    headers = _http(data.get("http_server_config"), problems)
    users = _users(data.get("basic_auth_users"), problems)
    interval, burst = _rate(data.get("rate_limit"), problems)
    if problems:
        raise ConfigInvalid(problems)
    return WebConfig(tls, users, headers, interval, burst)


def _unknown(section: Mapping[Any, Any], known: set[str], prefix: str) -> list[str]:
    return [f"{prefix}{k}: unknown setting" for k in section if k not in known]


def _mapping(value: Any, key: str, problems: list[str]) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{key}: must be a mapping")
        return {}
    return value


def _string(section: Mapping[str, Any], key: str, prefix: str, problems: list[str]) -> str | None:
    value = section.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problems.append(f"{prefix}{key}: must be a string")
        return None
    return value


def _tls(value: Any, base: Path, problems: list[str]) -> TLSSettings | None:
    p = "tls_server_config."
    section = _mapping(value, "tls_server_config", problems)
    problems += _unknown(section, _TLS_KEYS, p)
    text = {k: _string(section, k, p, problems) for k in ("cert", "key", "client_ca")}
    files = {}
    for k in ("cert_file", "key_file", "client_ca_file"):
        name = _string(section, k, p, problems)
        files[k] = str(base / name) if name else None
    auth_name = _string(section, "client_auth_type", p, problems)
    enabled = any(text.values()) or any(files.values()) or auth_name is not None
    if not enabled:
        for k in (
            "client_allowed_sans",
            "min_version",
            "max_version",
            "cipher_suites",
            "curve_preferences",
            "prefer_server_cipher_suites",
        ):
            if section.get(k) is not None:
                problems.append(f"{p}{k}: set without a certificate (cert_file/key_file)")
        return None
    if not (files["cert_file"] or text["cert"]):
        problems.append(f"{p}cert_file: missing (one of cert or cert_file is required)")
    if not (files["key_file"] or text["key"]):
        problems.append(f"{p}key_file: missing (one of key or key_file is required)")
    for inline, path in (
        ("cert", "cert_file"),
        ("key", "key_file"),
        ("client_ca", "client_ca_file"),
    ):
        if text[inline] and files[path]:
            problems.append(f"{p}{inline}: set together with {path}; give one of them")

    verify_mode = ssl.CERT_NONE
    if auth_name in _CLIENT_AUTH_UNVERIFIED:
        problems.append(
            f"{p}client_auth_type: {auth_name} (a client certificate taken without verifying it) "
            "cannot be expressed with Python's ssl; use RequireAndVerifyClientCert"
        )
    elif auth_name is not None and auth_name not in _CLIENT_AUTH:
        problems.append(
            f"{p}client_auth_type: must be one of {', '.join(_CLIENT_AUTH)}"
            " (RequestClientCert and RequireAnyClientCert are not supported)"
        )
    elif auth_name is not None:
        verify_mode = _CLIENT_AUTH[auth_name]
    has_ca = bool(files["client_ca_file"] or text["client_ca"])
    if has_ca and verify_mode == ssl.CERT_NONE and auth_name not in _CLIENT_AUTH_UNVERIFIED:
        problems.append(f"{p}client_ca_file: set without a client_auth_type that verifies")
    if verify_mode != ssl.CERT_NONE and not has_ca:
        problems.append(f"{p}client_ca_file: {auth_name} needs the CA to verify clients against")

    sans = section.get("client_allowed_sans")
    allowed: tuple[str, ...] = ()
    if sans is not None:
        if not isinstance(sans, list) or not all(isinstance(s, str) for s in sans):
            problems.append(f"{p}client_allowed_sans: must be a list of strings")
        elif verify_mode != ssl.CERT_REQUIRED:
            problems.append(
                f"{p}client_allowed_sans: needs client_auth_type RequireAndVerifyClientCert"
            )
        else:
            allowed = tuple(sans)

    versions = {}
    for k, default in (("min_version", "TLS12"), ("max_version", "TLS13")):
        name = section.get(k, default)
        if not isinstance(name, str) or name not in _VERSIONS:
            problems.append(f"{p}{k}: must be one of {', '.join(_VERSIONS)}")
            name = default
        versions[k] = _VERSIONS[name]
    if versions["min_version"] < ssl.TLSVersion.TLSv1_2:
        problems.append(
            f"{p}min_version: TLS 1.0 and 1.1 are refused by this OpenSSL's security level; "
            "use TLS12 or TLS13"
        )
    elif versions["max_version"] < versions["min_version"]:
        problems.append(f"{p}max_version: lower than min_version")

    ciphers: list[str] = []
    suites = section.get("cipher_suites")
    if suites is not None:
        if not isinstance(suites, list) or not all(isinstance(s, str) for s in suites):
            problems.append(f"{p}cipher_suites: must be a list of cipher suite names")
        else:
            for name in suites:
                if name in _TLS13_CIPHERS:
                    problems.append(
                        f"{p}cipher_suites: {name} is a TLS 1.3 suite, which Python's ssl "
                        "cannot choose (TLS 1.3 always offers its own suites)"
                    )
                elif name not in _CIPHERS:
                    problems.append(f"{p}cipher_suites: unknown cipher suite {name}")
                else:
                    ciphers.append(_CIPHERS[name])
            if not suites:
                problems.append(f"{p}cipher_suites: empty; leave it out for the defaults")
    if section.get("curve_preferences") is not None:
        problems.append(
            f"{p}curve_preferences: not supported (Python's ssl sets one curve, not a preference "
            "list); leave it out for OpenSSL's defaults"
        )
    prefer = section.get("prefer_server_cipher_suites", True)
    if not isinstance(prefer, bool):
        problems.append(f"{p}prefer_server_cipher_suites: must be true or false")
        prefer = True
    return TLSSettings(
        cert_file=files["cert_file"],
        key_file=files["key_file"],
        cert=text["cert"],
        key=text["key"],
        client_ca_file=files["client_ca_file"],
        client_ca=text["client_ca"],
        verify_mode=verify_mode,
        client_allowed_sans=allowed,
        min_version=versions["min_version"],
        max_version=versions["max_version"],
        ciphers=tuple(ciphers),
        prefer_server_ciphers=prefer,
    )


def _http(value: Any, problems: list[str]) -> dict[str, str]:
    p = "http_server_config."
    section = _mapping(value, "http_server_config", problems)
    problems += _unknown(section, _HTTP_KEYS, p)
    http2 = section.get("http2")
    if http2 is not None and not isinstance(http2, bool):
        problems.append(f"{p}http2: must be true or false")
    elif http2:
        problems.append(f"{p}http2: this exporter serves HTTP/1.1 only; remove it or set false")
    headers = _mapping(section.get("headers"), f"{p}headers", problems)
    out = {}
    for name, val in headers.items():
        canonical = {h.lower(): h for h in _HEADERS}.get(str(name).lower())
        if canonical is None:
            problems.append(f"{p}headers.{name}: not a header the exporter-toolkit format allows")
            continue
        if val is None or val == "":
            continue  # the toolkit: unset if blank
        if not isinstance(val, str) or "\n" in val or "\r" in val:
            problems.append(f"{p}headers.{name}: must be a one-line string")
            continue
        allowed = _HEADERS[canonical]
        if allowed is not None and val.lower() not in allowed:
            problems.append(f"{p}headers.{name}: must be one of {', '.join(sorted(allowed))}")
            continue
        out[canonical] = val
    return out


def _users(value: Any, problems: list[str]) -> dict[str, bytes]:
    section = _mapping(value, "basic_auth_users", problems)
    users = {}
    for user, hashed in section.items():
        if not isinstance(user, str) or not user or ":" in user:
            problems.append("basic_auth_users: a user name must be a string without ':'")
            continue
        # The key names the user, never the hash: the hash is a secret too.
        if not isinstance(hashed, str) or not _is_bcrypt(hashed):
            problems.append(f"basic_auth_users.{user}: not a bcrypt hash ($2a$, $2b$ or $2y$)")
            continue
        users[user] = hashed.encode()
    return users


def _is_bcrypt(hashed: str) -> bool:
    # By its form only: checking a hash runs bcrypt, which at a mistyped cost takes hours.
    return _BCRYPT.fullmatch(hashed) is not None


def _rate(value: Any, problems: list[str]) -> tuple[float, int]:
    p = "rate_limit."
    section = _mapping(value, "rate_limit", problems)
    problems += _unknown(section, _RATE_KEYS, p)
    interval = 0.0
    if section.get("interval") is not None:
        try:
            interval = parse_duration(section["interval"])
        except ValueError:
            problems.append(f"{p}interval: not a duration (e.g. 1s, 100ms)")
    burst = section.get("burst", 0)
    if isinstance(burst, bool) or not isinstance(burst, int) or burst < 0:
        problems.append(f"{p}burst: must be a whole number ≥ 0")
        burst = 0
    if interval > 0 and burst < 1:
        problems.append(f"{p}burst: must be at least 1 when interval is set")
    return interval, burst


def ssl_context(tls: TLSSettings) -> ssl.SSLContext:
    """A server context for these settings, certificates read now."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = tls.min_version
    ctx.maximum_version = tls.max_version
    if tls.ciphers:
        ctx.set_ciphers(":".join(tls.ciphers))
    if tls.prefer_server_ciphers:
        ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
    else:
        ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    if tls.cert is not None or tls.key is not None:
        _load_inline_chain(ctx, tls)
    else:
        ctx.load_cert_chain(str(tls.cert_file), str(tls.key_file))
    ctx.verify_mode = tls.verify_mode
    if tls.client_ca_file:
        ctx.load_verify_locations(cafile=tls.client_ca_file)
    elif tls.client_ca:
        ctx.load_verify_locations(cadata=tls.client_ca)
    return ctx


def _load_inline_chain(ctx: ssl.SSLContext, tls: TLSSettings) -> None:
    # ssl reads certificates and keys from files only: a private directory, removed at once.
    with tempfile.TemporaryDirectory(prefix="oae-tls-") as tmp:
        cert = tls.cert_file
        key = tls.key_file
        if tls.cert is not None:
            cert = os.path.join(tmp, "cert.pem")
            Path(cert).write_text(tls.cert)
        if tls.key is not None:
            key = os.path.join(tmp, "key.pem")
            fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(tls.key)
        ctx.load_cert_chain(str(cert), str(key))


def _ssl_problem(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"file not found: {exc.filename}"
    if isinstance(exc, PermissionError):
        return f"cannot read {exc.filename}: permission denied"
    if isinstance(exc, ssl.SSLError):
        return f"certificate, key or CA not usable ({exc.reason or exc})"
    return f"certificate, key or CA not usable ({exc})"
