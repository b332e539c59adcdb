"""Settings come from the environment and bad values stop start-up with one clear line."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from itsm import env

ROOT = Path(__file__).resolve().parents[2]


def run_manage(tmp_path, **overrides):
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG"}}
    environment["ITSM_VAR_DIR"] = str(tmp_path)
    environment.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=60,
    )


def test_it_refuses_an_ambiguous_debug_value(tmp_path):
    result = run_manage(tmp_path, DEBUG="maybe")
    assert result.returncode == 2
    assert "DEBUG must be one of true/false" in result.stderr
    assert "'maybe'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("url", [
    "postgres//missing-colon", "mysql://root@localhost/db", "postgres://u:p@host:notaport/db",
    "postgres://u:p@host:5432/",
])
def test_it_refuses_a_malformed_database_url(tmp_path, url):
    result = run_manage(tmp_path, DATABASE_URL=url)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_hides_the_password_of_a_bad_database_url(tmp_path):
    result = run_manage(tmp_path, DATABASE_URL="mysql://root:s3cret@db/itsm")
    assert "s3cret" not in result.stderr


def test_it_requires_a_secret_key_and_hosts_when_debug_is_off(tmp_path):
    result = run_manage(tmp_path, DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="x")
    assert result.returncode == 2
    assert "SECRET_KEY must be set" in result.stderr
    result = run_manage(tmp_path, DEBUG="false", SECRET_KEY="k" * 60, ALLOWED_HOSTS="")
    assert result.returncode == 2
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_it_refuses_a_bad_broker_url_and_time_zone(tmp_path):
    result = run_manage(tmp_path, REDIS_URL="localhost:6379")
    assert result.returncode == 2 and "REDIS_URL" in result.stderr
    result = run_manage(tmp_path, TIME_ZONE="Mars/Olympus")
    assert result.returncode == 2 and "IANA time zone" in result.stderr


def test_it_passes_the_deploy_check_with_a_production_environment(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    environment.update(
        ITSM_VAR_DIR=str(tmp_path), DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="itsm.example.com", CSRF_TRUSTED_ORIGINS="https://itsm.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
        env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("Yes", True), ("off", False),
                                               ("FALSE", False)])
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", not expected) is expected


def test_it_reads_defaults_and_rejects_bad_numbers(monkeypatch):
    monkeypatch.delenv("X_NUM", raising=False)
    assert env.env_int("X_NUM", 7) == 7
    monkeypatch.setenv("X_NUM", "seven")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be a whole number"):
        env.env_int("X_NUM", 7)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("X_NUM", 7, minimum=1)


def test_it_parses_postgres_and_sqlite_urls():
    config = env.env_database("NO_SUCH_VAR", "postgres://root@127.0.0.1:5432/itsm")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "itsm" and config["PORT"] == 5432
    config = env.env_database("NO_SUCH_VAR", "sqlite:////tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_it_reads_request_rates_and_rejects_bad_ones(monkeypatch):
    monkeypatch.delenv("X_RATE", raising=False)
    assert env.env_rate("X_RATE", "60/min") == "60/min"
    monkeypatch.setenv("X_RATE", "100/hour")
    assert env.env_rate("X_RATE", "60/min") == "100/hour"
    for bad in ("60", "sixty/min", "0/min", "60/fortnight"):
        monkeypatch.setenv("X_RATE", bad)
        with pytest.raises(ImproperlyConfigured, match="X_RATE must be a count per"):
            env.env_rate("X_RATE", "60/min")
