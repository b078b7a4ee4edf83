"""contrib/: a systemd unit that systemd accepts, hardened, running the exporter's own flags."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.cli import parser
from exporter.contract import all_collectors
from tests.conftest import installed

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "contrib" / "openstack-admin-exporter.service"
INSTALLED = "/usr/local/bin/openstack-admin-exporter"
# systemd-analyze security: 0 is fully locked down, 10 fully exposed; below 3.0 it says "OK".
MAX_EXPOSURE = 3.0


@pytest.fixture
def systemd_analyze(require_tools: bool) -> str:
    return installed(require_tools, "systemd-analyze", package="systemd")


def exec_start() -> list[str]:
    text = UNIT.read_text().replace("\\\n", " ")
    match = re.search(r"^ExecStart=(.*)$", text, re.M)
    assert match, "the unit has no ExecStart="
    return shlex.split(match.group(1))


def checkable_copy(tmp_path: Path) -> Path:
    """The unit with ExecStart pointing at a binary that exists here, so verify checks the rest."""
    text, found = re.subn(
        rf"^ExecStart={re.escape(INSTALLED)}",
        f"ExecStart={sys.executable}",
        UNIT.read_text(),
        count=1,
        flags=re.M,
    )
    assert found, f"ExecStart no longer runs {INSTALLED}"
    copy = tmp_path / UNIT.name
    copy.write_text(text)
    return copy


def analyze(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=120)


def test_systemd_analyze_verify_finds_nothing(systemd_analyze: str, tmp_path: Path) -> None:
    copy = checkable_copy(tmp_path)
    # --recursive-errors=no: only this unit's problems, not those of the targets it orders after.
    result = analyze(systemd_analyze, "verify", "--man=no", "--recursive-errors=no", str(copy))
    output = result.stdout + result.stderr
    complaints = [line for line in output.splitlines() if copy.name in line or str(copy) in line]
    assert result.returncode == 0, output
    assert not complaints, output


def test_systemd_analyze_security_exposure_is_low(systemd_analyze: str, tmp_path: Path) -> None:
    copy = checkable_copy(tmp_path)
    result = analyze(systemd_analyze, "security", "--offline=yes", "--no-pager", str(copy))
    output = result.stdout + result.stderr
    if "--offline" in output and result.returncode != 0:
        pytest.skip(f"this systemd-analyze has no offline security analysis: {output.strip()}")
    match = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?) (\w+)", output)
    assert match, output
    exposure = float(match.group(1))
    assert exposure < MAX_EXPOSURE, output


def test_exec_start_uses_the_exporters_own_flags() -> None:
    argv = exec_start()
    assert argv[0] == INSTALLED
    flags = [a for a in argv[1:] if a.startswith("--")]
    known = {opt for action in parser(all_collectors())._actions for opt in action.option_strings}
    unknown = [f for f in flags if f not in known]
    assert not unknown
