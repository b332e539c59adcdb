"""scripts/healthcheck.py sends a Host header Django's ALLOWED_HOSTS accepts."""

import importlib.util

import pytest

from tests.deploy.servers import ROOT

spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "scripts/healthcheck.py")
healthcheck = importlib.util.module_from_spec(spec)
spec.loader.exec_module(healthcheck)


@pytest.mark.parametrize(("setting", "host"), [
    ("itsm.example.com,localhost", "itsm.example.com"),
    (" .example.com ", "example.com"),
    ("*", "localhost"),
    ("", "localhost"),
    (",,itsm.example.com", "itsm.example.com"),
])
def test_it_picks_an_allowed_host(setting, host):
    assert healthcheck.allowed_host(setting) == host


def test_it_fails_when_nothing_answers():
    assert healthcheck.main("http://127.0.0.1:9/healthz") == 1
