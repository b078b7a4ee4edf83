"""The image_stores source: a single-store Glance (404) makes its collector absent, not failed;
string flags are read as Glance writes them; other refusals fail."""

import pytest

from exporter.api import ApiError
from exporter.demo import DemoCloud
from exporter.sources.image_stores import store

PATH = "/image/v2/info/stores/detail"


def test_single_store_glance_is_absent_not_failed(harness, cloud: DemoCloud):
    cloud.set_multi_store(False)
    h = harness()
    h.run("image_stores", "images")
    c = {"collector": "image_stores"}
    assert h.value("openstack_exporter_collector_service_absent", **c) == 1
    assert h.value("openstack_exporter_collector_success", **c) == 1
    assert h.series("openstack_image_store_bytes") == []
    # The images themselves are still counted.
    assert h.value("openstack_exporter_collector_success", collector="images") == 1
    assert h.value("openstack_exporter_collector_service_absent", collector="images") == 0


def test_a_refused_store_list_fails(harness, cloud: DemoCloud):
    cloud.set_fault(PATH, status=403)
    h = harness()
    h.run("image_stores")
    assert h.value("openstack_exporter_collector_success", collector="image_stores") == 0
    assert h.value("openstack_exporter_collector_service_absent", collector="image_stores") == 0


def test_flags_as_glance_writes_them():
    s = store({"id": "fast", "type": "rbd", "default": "true", "weight": 300})
    assert (s.default, s.read_only, s.weight) == (True, False, 300.0)
    s = store({"id": "web", "type": "http", "read-only": "true"})
    assert (s.default, s.read_only, s.weight) == (False, True, None)


@pytest.mark.parametrize(
    "bad",
    [{"id": ""}, {"default": "yes"}, {"read-only": 1}, {"weight": "100"}, {"weight": True}],
)
def test_a_malformed_store_is_refused(bad):
    with pytest.raises(ApiError):
        store({"id": "s", "type": "file", **bad})
