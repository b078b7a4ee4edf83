"""A small W3C WebDriver client over urllib for Debian's chromium + chromedriver.

No Python dependency: chromedriver speaks JSON over HTTP. ``Chromedriver`` starts the binary on
a free loopback port and stops exactly that process; ``Browser`` is one headless session.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriverError(RuntimeError):
    pass


class Chromedriver:
    """The chromedriver process; ``stop()`` ends only the process this object started."""

    def __init__(self, binary: str = CHROMEDRIVER) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [binary, f"--port={self.port}", "--allowed-ips=127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                if self.request("GET", "/status")["ready"]:
                    return
            except (OSError, WebDriverError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise WebDriverError("chromedriver did not become ready")
            time.sleep(0.1)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return json.loads(resp.read())["value"]
        except urllib.error.HTTPError as exc:
            raise WebDriverError(exc.read().decode(errors="replace")[:500]) from None

    def session(self, width: int, height: int) -> Browser:
        """A headless window whose viewport is ``width`` × ``height`` CSS pixels.

        Chromium will not make a window narrower than 500 px, so a phone width is emulated
        (chromedriver's mobileEmulation: the viewport, touch and a mobile layout, as a phone).
        """
        options: dict[str, Any] = {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                f"--window-size={max(width, 500)},{height}",
            ],
        }
        if width < 500:
            options["mobileEmulation"] = {
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}
            }
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}}
        return Browser(self, self.request("POST", "/session", caps)["sessionId"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Browser:
    def __init__(self, driver: Chromedriver, session_id: str) -> None:
        self.driver = driver
        self.path = f"/session/{session_id}"

    def get(self, url: str) -> None:
        self.driver.request("POST", self.path + "/url", {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        """Execute ``script`` (a function body: ``return …``) in the page."""
        return self.driver.request(
            "POST", self.path + "/execute/sync", {"script": script, "args": list(args)}
        )

    def wait_for(self, script: str, timeout: float = 10.0) -> Any:
        """Poll ``script`` until it returns something truthy (a form submitted by script
        navigates without WebDriver waiting for the new page)."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(WebDriverError):  # the page may be mid-navigation
                value = self.run(script)
                if value:
                    return value
            if time.monotonic() > deadline:
                raise WebDriverError(f"timed out waiting for: {script}")
            time.sleep(0.05)

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """A PNG of the viewport, or of the whole page (Chrome DevTools' captureBeyondViewport,
        through chromedriver's CDP passthrough: W3C WebDriver only captures the viewport)."""
        if full_page:
            width, height = self.run(
                "const d = document.documentElement; return [d.scrollWidth, d.scrollHeight]"
            )
            params = {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            }
            data = self.driver.request(
                "POST",
                self.path + "/goog/cdp/execute",
                {"cmd": "Page.captureScreenshot", "params": params},
            )["data"]
        else:
            data = self.driver.request("GET", self.path + "/screenshot")
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        # The driver may already be gone; its process is stopped by its owner.
        with contextlib.suppress(OSError, WebDriverError):
            self.driver.request("DELETE", self.path)
