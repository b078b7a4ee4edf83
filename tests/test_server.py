import gzip
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from freezegun import freeze_time
from prometheus_client.parser import text_string_to_metric_families

from exporter.demo import DemoCloud
from exporter.server import App, CachedMetrics, _Rendered, parse_listen_address
from exporter.snapshot import SnapshotStore
from exporter.web.serving import serve
from tests.conftest import Harness


@pytest.fixture
def served(harness) -> Iterator[tuple[Harness, str]]:
    h = harness()
    httpd = serve(App(h.store, "demo"), "127.0.0.1", 0)
    try:
        yield h, f"http://127.0.0.1:{httpd.port}"
    finally:
        httpd.stop()


def get(url: str, **headers: str):
    req = urllib.request.Request(url, headers=headers)
    try:
        return urllib.request.urlopen(req, timeout=5)
    except urllib.error.HTTPError as exc:
        return exc


def test_ready_only_after_every_collector_ran(served):
    h, base = served
    assert get(base + "/-/healthy").status == 200
    assert get(base + "/-/ready").status == 503
    h.run()
    assert get(base + "/-/ready").status == 200


def test_scrape_never_calls_openstack(served, cloud: DemoCloud):
    h, base = served
    h.run()
    before = cloud.requests
    for _ in range(5):
        body = get(base + "/metrics").read().decode()
    assert cloud.requests == before
    families = {f.name: f for f in text_string_to_metric_families(body)}
    assert "openstack_compute_service_up" in families
    assert "openstack_exporter_collector_success" in families
    assert "openstack_exporter_build_info" in families
    assert "process_resident_memory_bytes" in families
    ok = [s for s in families["openstack_exporter_collector_success"].samples]
    assert {s.labels["collector"] for s in ok} == set(h.settings.enabled)
    assert all(s.value == 1 for s in ok)


def test_content_negotiation_and_gzip(served):
    h, base = served
    h.run("compute_services")
    plain = get(base + "/metrics")
    assert plain.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    om = get(base + "/metrics", Accept="application/openmetrics-text; version=1.0.0")
    assert om.headers["Content-Type"].startswith("application/openmetrics-text")
    assert om.read().decode().rstrip().endswith("# EOF")
    gz = get(base + "/metrics", **{"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert b"openstack_compute_service_up" in gzip.decompress(gz.read())
    only = get(base + "/metrics?name[]=openstack_compute_service_up").read().decode()
    assert "openstack_compute_service_up{" in only
    assert "openstack_compute_service_enabled" not in only


def test_landing_page_shows_collectors_and_errors(served, cloud: DemoCloud):
    h, base = served
    cloud.set_fault("/compute", status=500)
    cloud.services = tuple(s for s in cloud.services if s != "network")
    h.run()
    page = get(base + "/").read().decode()
    assert "cloud <code>demo</code>" in page

    def row(name: str) -> str:
        return re.search(rf'<td data-label="Collector">{name}</td>(.*?)</tr>', page).group(1)

    assert '<span class="bad">FAILED</span>' in row("compute_services")
    assert '<td data-label="Data age">never</td>' in row("compute_services")
    assert "HTTP 500" in row("compute_services")
    assert "skipped: service not in catalog" in row("network_agents")
    assert "<span>ok</span>" in row("block_storage_services")
    assert get(base + "/nope").status == 404


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (":9886", ("0.0.0.0", 9886)),
        ("127.0.0.1:80", ("127.0.0.1", 80)),
        ("[::1]:9886", ("::1", 9886)),
    ],
)
def test_listen_address(value, expected):
    assert parse_listen_address(value) == expected


@pytest.mark.parametrize("value", ["9886", "host:", "host:99999", "host:http"])
def test_bad_listen_address(value):
    with pytest.raises(ValueError, match="host:port"):
        parse_listen_address(value)


def parsed(body: bytes, openmetrics: bool = False) -> dict:
    if openmetrics:
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as om

        families = om(body.decode())
    else:
        families = text_string_to_metric_families(body.decode())
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for f in families
        for s in f.samples
        if not s.name.startswith(("process_", "openstack_exporter_collector_duration"))
    }


@pytest.mark.parametrize(
    ("accept", "openmetrics"), [("", False), ("application/openmetrics-text; version=1.0.0", True)]
)
def test_cached_rendering_equals_prometheus_client_and_follows_changes(
    served, cloud, accept, openmetrics
):
    h, base = served
    h.run()
    headers = {"Accept": accept} if accept else {}
    cached = get(base + "/metrics", **headers).read()
    direct = get(base + "/metrics?name[]=openstack_compute_service_up", **headers).read()
    assert parsed(direct, openmetrics).items() <= parsed(cached, openmetrics).items()
    gz = gzip.decompress(get(base + "/metrics", **headers, **{"Accept-Encoding": "gzip"}).read())
    assert parsed(gz, openmetrics) == parsed(cached, openmetrics)
    if openmetrics:
        assert cached.count(b"# EOF") == 1
        assert cached.rstrip().endswith(b"# EOF")
    if not openmetrics:  # the same samples as prometheus-client renders from the registry
        from prometheus_client import generate_latest

        assert parsed(cached) == parsed(generate_latest(h.registry))
    # A collector run changes the families: the next scrape shows it, gzip or not.
    up = 'openstack_compute_service_up{binary="nova-compute",host="cmp-001",zone="az1"} 1.0'
    assert up.encode() in get(base + "/metrics").read()
    cloud.set_compute_service("cmp-001", state="down")
    h.run("compute_services")
    assert up.replace("1.0", "0.0").encode() in get(base + "/metrics").read()
    assert up.replace("1.0", "0.0").encode() in gzip.decompress(
        get(base + "/metrics", **{"Accept-Encoding": "gzip"}).read()
    )


def test_concurrent_scrapes_render_once(served, monkeypatch):
    """Sixteen scrapes arriving together before anything was rendered wait for one render."""
    h, base = served
    h.run()
    renders = []
    real = _Rendered.of

    def slow_render(*args):
        renders.append(args[2])  # the generation rendered
        time.sleep(0.3)  # long enough for every other scrape to arrive meanwhile
        return real(*args)

    monkeypatch.setattr(_Rendered, "of", staticmethod(slow_render))
    start = threading.Barrier(16)

    def scrape() -> bytes:
        start.wait()
        return get(base + "/metrics").read()

    with ThreadPoolExecutor(16) as pool:
        bodies = list(pool.map(lambda _: scrape(), range(16)))
    assert len(renders) == 1
    assert all(b"openstack_compute_service_up" in body for body in bodies)


def test_a_change_is_rendered_before_the_next_scrape(served, cloud, monkeypatch):
    """Formats scraped lately are rendered again on the collector's thread after a change, so
    scrapes find them ready; while that render runs, scrapes get the previous one whole (the
    self-metrics of that moment included), at once."""
    h, base = served
    h.run()
    up = b'openstack_compute_service_up{binary="nova-compute",host="cmp-001",zone="az1"} '
    before = get(base + "/metrics").read()
    assert up + b"1.0" in before
    cloud.set_compute_service("cmp-001", state="down")
    release = threading.Event()
    renders = []
    real = _Rendered.of

    def held_render(*args):
        renders.append(threading.current_thread().name)
        release.wait(10)
        return real(*args)

    monkeypatch.setattr(_Rendered, "of", staticmethod(held_render))
    with ThreadPoolExecutor(1, thread_name_prefix="collector") as pool:
        run = pool.submit(h.run, "compute_services")
        time.sleep(0.3)  # the run has stored its families and is rendering them
        started = time.monotonic()
        meanwhile = get(base + "/metrics").read()
        assert time.monotonic() - started < 1.0
        release.set()
        run.result(timeout=10)
    assert renders
    assert all(name.startswith("collector") for name in renders)
    assert up + b"1.0" in meanwhile

    def sample(body: bytes, name: str, label: str = "collector") -> bytes:
        line = f'{name}{{{label}="compute_services"}}'.encode()
        return next(x for x in body.splitlines() if x.startswith(line))

    # Counters are as of now (the source's sync is counted before its readers are derived and
    # rendered); the last success is that of the data served with it.
    success = "openstack_exporter_collector_last_success_timestamp_seconds"
    assert sample(meanwhile, success) == sample(before, success)
    syncs = "openstack_exporter_source_syncs_total"
    assert sample(meanwhile, syncs, "source") != sample(before, syncs, "source")
    count = len(renders)
    after = get(base + "/metrics").read()
    assert len(renders) == count  # the scrape found it rendered
    assert up + b"0.0" in after
    assert sample(after, success) != sample(before, success)


def test_process_metrics_read_at_most_once_a_second():
    calls = []

    class CountingProcess:
        def collect(self) -> list:
            calls.append(1)
            return []

    with freeze_time("2026-12-01 03:00:00") as clock:
        metrics = CachedMetrics(SnapshotStore())
        metrics.process = CountingProcess()
        for _ in range(5):
            metrics._process_families()
        assert len(calls) == 1
        clock.tick(1.1)
        metrics._process_families()
        assert len(calls) == 2


def test_a_failed_run_shows_at_once_in_the_self_metrics(served, cloud):
    """A failure changes no families (nothing to render) but must show on the next scrape."""
    h, base = served
    h.run()
    get(base + "/metrics").read()
    cloud.set_fault("/compute", status=500)
    h.run("compute_services")
    body = get(base + "/metrics").read()
    assert b'openstack_exporter_collector_success{collector="compute_services"} 0.0' in body
    assert b'openstack_exporter_collector_failures_total{collector="compute_services"} 1.0' in body


def test_families_confirmed_unchanged_are_served_with_their_new_data_age():
    """A sync that leaves the data as it was keeps the rendered families; the age served with
    them moves on (SnapshotStore.record_unchanged), without a new render."""
    store = SnapshotStore()
    store.register("compute_services", 60)
    store.record_success("compute_services", [], finished=1000.0, duration=0.1)
    metrics = CachedMetrics(store)
    name = "openstack_exporter_collector_last_success_timestamp_seconds"
    line = f'{name}{{collector="compute_services"}}'.encode()

    def served() -> bytes:
        body = b"".join(metrics({"HTTP_ACCEPT": "text/plain"}, lambda *_: None))
        return next(x for x in body.splitlines() if x.startswith(line))

    assert served().endswith(b" 1000.0")
    store.record_unchanged("compute_services", finished=1200.0, duration=0.1)
    assert served().endswith(b" 1200.0")
