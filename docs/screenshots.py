"""Regenerate docs/console.png and docs/problems.png from the 24-host demo cloud.

    .venv/bin/python docs/screenshots.py

Needs Debian's chromium and chromium-driver. Shots are the top 1280 × 1500 of each page (a
whole page is several megabytes of PNG; the top is what an admin reads first).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exporter.clouds import cloud_region, system_region  # noqa: E402 - after the path insert
from exporter.config import build  # noqa: E402
from exporter.contract import all_collectors  # noqa: E402
from exporter.demo import DemoCloud, DemoServer  # noqa: E402
from exporter.scheduler import Runner  # noqa: E402
from exporter.server import App  # noqa: E402
from exporter.snapshot import SnapshotStore  # noqa: E402
from exporter.web.serving import serve  # noqa: E402
from tests.web.browser import Chromedriver  # noqa: E402

WIDTH, HEIGHT = 1280, 1500


def main() -> None:
    with DemoServer(DemoCloud(hosts=24)) as demo, tempfile.TemporaryDirectory() as tmp:
        clouds = demo.write_clouds_yaml(Path(tmp) / "clouds.yaml")
        settings = build(
            {"cloud": "demo", "system_cloud": "demo-system", "clouds_file": str(clouds)},
            all_collectors(),
        )
        store = SnapshotStore()
        Runner(
            settings,
            cloud_region(settings),
            all_collectors(),
            store,
            system_region=system_region(settings),
        ).run_all_once()
        httpd = serve(App(store, "demo"), "127.0.0.1", 0)
        driver = Chromedriver()
        try:
            browser = driver.session(WIDTH, HEIGHT)
            base = f"http://127.0.0.1:{httpd.port}"
            for name, path in (("console", "/"), ("problems", "/problems")):
                browser.get(base + path)
                browser.screenshot(ROOT / "docs" / f"{name}.png", full_page=False)
            browser.close()
        finally:
            driver.stop()
            httpd.stop()


if __name__ == "__main__":
    main()
