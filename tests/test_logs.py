"""No password, token, application-credential secret or Authorization header in any output."""

import io
import json
import logging

import pytest
from prometheus_client import generate_latest

from exporter import logs
from exporter.clouds import cloud_region, secrets_of
from exporter.demo import DemoCloud


@pytest.fixture
def stream():
    buf = io.StringIO()
    logs.configure("debug", "json", stream=buf)
    # Open the SDK's and keystoneauth's debug logs too: the worst case for leaks.
    for name in ("openstack", "keystoneauth", "keystoneauth1", "urllib3"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buf
    logging.getLogger().handlers.clear()


def test_credentials_appear_nowhere(stream, harness, cloud: DemoCloud):
    h = harness()
    logs.register_secrets(secrets_of(cloud_region(h.settings)))
    h.run()  # all good
    cloud.set_fault("/compute", status=500)
    h.run()  # one failing
    cloud.clear_faults()
    issued = set(cloud.tokens)
    cloud.password, real = "rotated-elsewhere", cloud.password
    cloud.tokens.clear()
    h.run()  # tokens revoked, Keystone refuses the old password: every collector fails
    cloud.password = real

    text = stream.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert any(line["event"] == "collector_run" for line in lines)
    # keystoneauth's debug lines went through the same stream, as JSON.
    assert any(line.get("logger", "").startswith("keystoneauth") for line in lines)
    exposition = generate_latest(h.registry).decode()
    errors = " ".join(s.last_error or "" for s in h.store.states().values())
    assert "Unauthorized" in errors or "401" in errors
    assert issued
    for secret in [real, *issued]:
        assert secret not in text
        assert secret not in exposition
        assert secret not in errors


def test_scrub_masks_registered_secrets_and_headers():
    logs.register_secrets(["s3cr3t-app-cred"])
    assert logs.scrub("auth failed for s3cr3t-app-cred") == "auth failed for ***"
    assert logs.scrub("X-Auth-Token: gAAAAABk123") == "X-Auth-Token: ***"
    assert logs.scrub("'Authorization': 'Bearer abc.def'") == "'Authorization': '***'"
    assert logs.scrub("nothing here") == "nothing here"


def test_secret_keys_are_masked_in_events(stream):
    logs.get_logger().info(
        "something",
        password="pw-12345",
        auth={"token": "tok-98765"},
        application_credential_secret="acs-5555",
        host="cmp-001",
    )
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["password"] == "***"
    assert line["application_credential_secret"] == "***"
    assert line["auth"] == "***"
    assert line["host"] == "cmp-001"
