"""Deployment settings: NAME_FILE for every variable, the example SECRET_KEY refused, HSTS off
until chosen, server-side cursors off by setting."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from itsm import env
from tests.deploy.servers import ROOT, env_example


def settings_of(tmp_path, names: list[str], **overrides) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}}
    environment.update(ITSM_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="itsm.settings")
    environment.update(overrides)
    script = ("import json; from django.conf import settings; "
              f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, "
              "default=str))")
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment,  # noqa: S603
                          capture_output=True, text=True, timeout=60)


def test_it_reads_a_variable_from_the_file_its_file_variable_names(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-docker-secret\n")
    monkeypatch.delenv("EXAMPLE_TOKEN", raising=False)
    monkeypatch.setenv("EXAMPLE_TOKEN_FILE", str(secret))
    assert env.env_str("EXAMPLE_TOKEN") == "from-a-docker-secret"
    (tmp_path / "port").write_text("2525")
    monkeypatch.setenv("EXAMPLE_PORT_FILE", str(tmp_path / "port"))
    assert env.env_int("EXAMPLE_PORT", 25) == 2525


def test_it_refuses_a_variable_and_its_file_together(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("one")
    monkeypatch.setenv("EXAMPLE_TOKEN", "two")
    monkeypatch.setenv("EXAMPLE_TOKEN_FILE", str(tmp_path / "secret"))
    with pytest.raises(ImproperlyConfigured, match="EXAMPLE_TOKEN or EXAMPLE_TOKEN_FILE"):
        env.env_str("EXAMPLE_TOKEN")


def test_it_names_a_file_it_cannot_read(monkeypatch, tmp_path):
    monkeypatch.delenv("EXAMPLE_TOKEN", raising=False)
    monkeypatch.setenv("EXAMPLE_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="EXAMPLE_TOKEN_FILE names a file"):
        env.env_str("EXAMPLE_TOKEN")


def test_it_starts_with_the_secret_key_from_a_file(tmp_path):
    key = secrets.token_urlsafe(50)
    (tmp_path / "secret_key").write_text(key + "\n")
    result = settings_of(tmp_path, ["SECRET_KEY"], DEBUG="false", ALLOWED_HOSTS="x",
                         SECRET_KEY_FILE=str(tmp_path / "secret_key"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"SECRET_KEY": key}


def test_it_refuses_the_example_secret_key_at_start(tmp_path):
    result = settings_of(tmp_path, ["SECRET_KEY"], DEBUG="false", ALLOWED_HOSTS="x",
                         SECRET_KEY=env_example()["SECRET_KEY"])
    assert result.returncode != 0
    assert "SECRET_KEY is still the placeholder of .env.example" in result.stderr


def test_it_refuses_the_example_database_password_at_start(tmp_path):
    password = env_example()["POSTGRES_PASSWORD"]
    result = settings_of(tmp_path, ["DATABASES"], DEBUG="false", ALLOWED_HOSTS="x",
                         SECRET_KEY="k" * 60,
                         DATABASE_URL=f"postgres://itsm:{password}@postgres:5432/itsm")
    assert result.returncode != 0
    assert "database password (POSTGRES_PASSWORD, DATABASE_URL) is still the placeholder" in (
        result.stderr)


def test_it_sends_no_hsts_until_a_deployer_sets_it(tmp_path):
    names = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]
    production = {"DEBUG": "false", "ALLOWED_HOSTS": "x", "SECRET_KEY": "k" * 60}
    result = settings_of(tmp_path, names, **production)
    assert json.loads(result.stdout) == dict.fromkeys(names, False) | {"SECURE_HSTS_SECONDS": 0}
    result = settings_of(tmp_path, names, **production, SECURE_HSTS_SECONDS="31536000",
                         SECURE_HSTS_INCLUDE_SUBDOMAINS="true")
    assert json.loads(result.stdout) == {"SECURE_HSTS_SECONDS": 31536000,
                                         "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                                         "SECURE_HSTS_PRELOAD": False}


def test_it_turns_server_side_cursors_off_by_setting(tmp_path):
    url = "postgres://itsm@127.0.0.1:6432/itsm"
    result = settings_of(tmp_path, ["DATABASES"], DATABASE_URL=url)
    assert json.loads(result.stdout)["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    result = settings_of(tmp_path, ["DATABASES"], DATABASE_URL=url,
                         DISABLE_SERVER_SIDE_CURSORS="true")
    assert json.loads(result.stdout)["DATABASES"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
