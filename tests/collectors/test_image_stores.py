"""image_stores: the configured stores with their flags, and the images and bytes each holds,
counted from the images' ``stores`` (an image in two stores counts in both)."""

from exporter.collectors.image_stores import store_families
from exporter.demo import DemoCloud
from exporter.sources.image_stores import ImageStore
from exporter.sources.images import Image


def test_stores_and_what_they_hold(harness, cloud: DemoCloud):
    h = harness()
    h.run("image_stores")
    v = h.value
    shown = [i for i in cloud.images if i.status != "killed"]
    for s in cloud.image_stores:
        assert v("openstack_image_store_info", store=s.id, store_type=s.type) == 1
        assert v("openstack_image_store_default", store=s.id) == float(s.default)
        assert v("openstack_image_store_read_only", store=s.id) == float(s.type == "http")
        assert v("openstack_image_store_weight", store=s.id) == s.weight
        inside = [i for i in shown if s.id in i.stores]
        assert v("openstack_image_store_images", store=s.id) == len(inside)
        assert v("openstack_image_store_bytes", store=s.id) == sum(i.size for i in inside)
    assert v("openstack_image_store_default", store="ceph") == 1
    assert v("openstack_image_store_read_only", store="mirror") == 1
    # The public images live in two stores and count in both.
    cirros = next(i for i in cloud.images if i.name == "cirros-0.6.2")
    assert cirros.stores == ("ceph", "archive")


def test_a_store_gone_from_the_configuration_still_shows_its_images():
    images = [
        Image("a", "", "p", "active", "private", False, 5, ("old",), None, None),
        Image("b", "", "p", "active", "private", False, 7, ("new", "old"), None, None),
    ]
    stores = [ImageStore("new", "file", True, False, None)]
    got = {
        (s.name, s.labels["store"]): s.value
        for f in store_families(stores, images)
        for s in f.samples
    }
    assert got[("openstack_image_store_bytes", "old")] == 12
    assert got[("openstack_image_store_images", "old")] == 2
    assert got[("openstack_image_store_bytes", "new")] == 7
    assert ("openstack_image_store_info", "old") not in got
    assert ("openstack_image_store_weight", "new") not in got  # a Glance before 2023.2
