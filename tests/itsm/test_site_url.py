"""Links in e-mails, chat messages, surveys and reports follow the port `make run` serves on,
unless SITE_URL names the portal's address explicitly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from itsm.env import local_url

ROOT = Path(__file__).resolve().parents[2]


def site_url(tmp_path, **overrides) -> str:
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG",
                                "SITE_URL", "PORT", "HOST"}}
    environment.update(ITSM_VAR_DIR=str(tmp_path), **overrides)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT, env={**environment, "DJANGO_SETTINGS_MODULE": "itsm.settings"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_follows_port_and_host(tmp_path):
    assert site_url(tmp_path) == "http://127.0.0.1:8000"
    assert site_url(tmp_path, PORT="8123") == "http://127.0.0.1:8123"
    assert site_url(tmp_path, PORT="8123", HOST="localhost") == "http://localhost:8123"


def test_it_prefers_an_explicit_site_url(tmp_path):
    assert site_url(tmp_path, PORT="8123",
                    SITE_URL="https://itsm.example.com/") == "https://itsm.example.com"


@pytest.mark.parametrize(("host", "url"), [
    ("0.0.0.0", "http://127.0.0.1:8123"), ("::", "http://127.0.0.1:8123"),
    ("::1", "http://[::1]:8123"), ("itsm.lan", "http://itsm.lan:8123"),
])
def test_a_listen_address_becomes_an_address_to_link_to(host, url):
    assert local_url(host, 8123) == url
