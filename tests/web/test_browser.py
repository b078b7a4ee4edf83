"""The pages in Debian's real chromium (headless, through chromedriver): the 24-host demo at
desktop and phone width, no sideways scrolling, and the demo's seeded trouble visible."""

from pathlib import Path

import pytest

from exporter.demo import DemoCloud
from tests.web.browser import Browser, Chromedriver

WIDTHS = (1280, 390)
TEXT = "return document.body.innerText"
OVERFLOW = "return [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def browser(request, chromedriver: Chromedriver):
    b = chromedriver.session(request.param, 900)
    try:
        yield request.param, b
    finally:
        b.close()


def open_page(b: Browser, url: str, shot: Path) -> str:
    b.get(url)
    b.screenshot(shot)
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
    scroll, inner = b.run(OVERFLOW)
    assert scroll <= inner, f"horizontal overflow: {scroll} > {inner}"
    return b.run(TEXT)


def test_console(browser, demo_site: tuple[DemoCloud, str], tmp_path: Path):
    width, b = browser
    cloud, base = demo_site
    text = open_page(b, base + "/", tmp_path / f"console-{width}.png")
    assert b.run("return window.innerWidth") == width
    down = next(s for s in cloud.compute_services if s.state == "down")
    assert down.host in text
    assert "DOWN" in text
    assert "hardware maintenance: DIMM replacement" in text  # a disabled service's reason
    # x1.huge is larger than any demo host: 0 free everywhere.
    huge = b.run(
        "return [...document.querySelectorAll('#capacity tr')]"
        ".map(r => r.innerText).find(t => t.includes('x1.huge'))"
    )
    assert "0 — nowhere" in huge
    assert "Exporter health" in text
    assert "STALE" not in text


def test_problems_page(browser, demo_site: tuple[DemoCloud, str], tmp_path: Path):
    width, b = browser
    cloud, base = demo_site
    text = open_page(b, base + "/problems", tmp_path / f"problems-{width}.png")
    error = next(s for s in cloud.servers if s.status == "ERROR")
    stuck = next(s for s in cloud.servers if s.name == "stuck-build")
    for server in (error, stuck):
        assert server.name in text
        assert server.id in text
    assert f"openstack server show {error.id} -c fault" in text
    owner = next(p.name for p in cloud.projects if p.id == stuck.project_id)
    assert owner in text
    # The filter form is a plain GET: choosing a kind reloads the page filtered by the server.
    b.run(
        "const f = document.querySelector('form.filters');"
        "f.resource_type.value = 'server'; f.submit();"
    )
    b.wait_for(
        "return location.search.includes('resource_type=server')"
        " && document.readyState === 'complete'"
    )
    kinds = b.run("return [...document.querySelectorAll('.finding h3 a')].map(a => a.textContent)")
    assert kinds
    assert set(kinds) == {"server"}
