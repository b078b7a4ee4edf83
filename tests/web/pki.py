"""Certificates made for a test with the openssl command line: a CA, a server, two clients."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import installed


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    # A client whose certificate another CA signed: mutual TLS must refuse it.
    rogue_cert: Path
    rogue_key: Path


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def _ca(d: Path, name: str) -> tuple[Path, Path]:
    key, cert = d / f"{name}.key", d / f"{name}.pem"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={name}",
    )  # fmt: skip
    return cert, key


def issue(d: Path, name: str, ca: tuple[Path, Path], san: str) -> tuple[Path, Path]:
    """A leaf certificate for ``san`` (e.g. ``DNS:localhost,IP:127.0.0.1``) signed by ``ca``."""
    key, csr, cert = d / f"{name}.key", d / f"{name}.csr", d / f"{name}.pem"
    ext = d / f"{name}.ext"
    ext.write_text(f"subjectAltName={san}\n")
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", csr, "-subj", f"/CN={name}",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", ext,
    )  # fmt: skip
    return cert, key


def make_pki(d: Path, require_tools: bool) -> Pki:
    installed(require_tools, "openssl", package="openssl")
    ca = _ca(d, "test-ca")
    rogue_ca = _ca(d, "rogue-ca")
    server = issue(d, "server", ca, "DNS:localhost,IP:127.0.0.1")
    client = issue(d, "prometheus", ca, "DNS:prometheus.example")
    rogue = issue(d, "rogue", rogue_ca, "DNS:prometheus.example")
    return Pki(ca[0], *server, *client, *rogue)
