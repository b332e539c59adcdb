"""The operations settings (itsm/settings/ops.py) refuse values that make no sense."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from itsm import env
from tests.itsm.test_settings_env import run_manage


def test_it_reads_a_choice_in_any_case(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert env.env_choice("LOG_FORMAT", "plain", ("json", "plain")) == "json"


def test_it_refuses_a_choice_it_does_not_offer(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be one of json, plain"):
        env.env_choice("LOG_FORMAT", "plain", ("json", "plain"))


def test_it_keeps_service_records_at_least_five_years(tmp_path):
    result = run_manage(tmp_path, SERVICE_RECORD_RETENTION_YEARS="4")
    assert result.returncode == 2
    assert "SERVICE_RECORD_RETENTION_YEARS must be at least 5; got 4." in result.stderr
    assert "Traceback" not in result.stderr
