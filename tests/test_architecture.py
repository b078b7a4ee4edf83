"""The shape STYLE.md §1 asks for, kept by a test: data flows one way (sources → model →
collectors), no collector imports another, and only sources reach OpenStack."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "exporter"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


@pytest.mark.parametrize("path", modules("collectors"), ids=lambda p: p.stem)
def test_a_collector_reads_the_model_only(path: Path):
    found = imports(path)
    others = {
        m
        for m in found
        if m.startswith("exporter.collectors.") and not m.rsplit(".", 1)[1].startswith("_")
    }
    assert not others, "a collector imports another collector"
    assert not {m for m in found if m.split(".")[0] in ("openstack", "keystoneauth1", "requests")}
    assert "exporter.api" not in found, "a collector makes no API call: read the model"
    assert "exporter.scheduler" not in found


@pytest.mark.parametrize("path", modules("sources"), ids=lambda p: p.stem)
def test_a_source_knows_no_collector(path: Path):
    assert not {m for m in imports(path) if m.startswith("exporter.collectors")}


def test_the_contract_is_the_ground_floor():
    found = imports(PACKAGE / "contract.py")
    assert not {m for m in found if m.startswith(("exporter.collectors", "exporter.sources"))}
    assert not (PACKAGE / "collectors" / "__init__.py").read_text().count("def ")
