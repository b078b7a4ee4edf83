"""Fixtures for the page tests: a chromedriver (skipped when chromium is missing, unless
OPENSTACK_EXPORTER_REQUIRE_TOOLS=1) and the 24-host demo cloud collected once and served."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from exporter.clouds import cloud_region
from exporter.config import build
from exporter.contract import all_collectors
from exporter.demo import DemoCloud, DemoServer
from exporter.scheduler import Runner
from exporter.server import App
from exporter.snapshot import SnapshotStore
from exporter.web.serving import serve
from tests.web.browser import CHROMEDRIVER, CHROMIUM, Chromedriver

# What `openstack-admin-exporter --demo` runs: the cloud the README's screenshots show.
DEMO_HOSTS = 24


@pytest.fixture(scope="session")
def chromedriver(require_tools: bool) -> Iterator[Chromedriver]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        message = f"{' and '.join(missing)} not installed (Debian: chromium chromium-driver)"
        if require_tools:
            pytest.fail(message)
        pytest.skip(message)
    driver = Chromedriver()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoCloud, str]]:
    """The 24-host demo collected once by every collector, and the exporter serving it."""
    cloud = DemoCloud(hosts=DEMO_HOSTS)
    with DemoServer(cloud) as demo:
        clouds = demo.write_clouds_yaml(tmp_path_factory.mktemp("web") / "clouds.yaml")
        settings = build({"cloud": "demo", "clouds_file": str(clouds)}, all_collectors())
        store = SnapshotStore()
        Runner(settings, cloud_region(settings), all_collectors(), store).run_all_once()
        httpd = serve(App(store, "demo"), "127.0.0.1", 0)
        try:
            yield cloud, f"http://127.0.0.1:{httpd.port}"
        finally:
            httpd.stop()
