"""`manage.py bootstrap_admin`: the first administrator from the environment, once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_env(monkeypatch):
    for name in ("ITSM_ADMIN_USERNAME", "ITSM_ADMIN_PASSWORD", "ITSM_ADMIN_PASSWORD_FILE",
                 "ITSM_ADMIN_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_it_creates_the_administrator_named_in_the_environment(admin_env):
    admin_env.setenv("ITSM_ADMIN_USERNAME", "root")
    admin_env.setenv("ITSM_ADMIN_PASSWORD", "Kz8#quiet-lantern")
    admin_env.setenv("ITSM_ADMIN_EMAIL", "root@example.com")
    call_command("bootstrap_admin")
    admin = get_user_model().objects.get(username="root")
    assert admin.is_superuser and admin.role == Role.ADMIN and admin.email == "root@example.com"
    assert admin.check_password("Kz8#quiet-lantern")


def test_it_never_resets_an_existing_password(admin_env):
    admin_env.setenv("ITSM_ADMIN_USERNAME", "root")
    admin_env.setenv("ITSM_ADMIN_PASSWORD", "Kz8#quiet-lantern")
    call_command("bootstrap_admin")
    admin = get_user_model().objects.get(username="root")
    admin.set_password("changed-in-the-portal-7")
    admin.save(update_fields=["password"])
    admin_env.setenv("ITSM_ADMIN_PASSWORD", "Another#start-9")
    call_command("bootstrap_admin")
    admin.refresh_from_db()
    assert admin.check_password("changed-in-the-portal-7")
    assert get_user_model().objects.filter(username="root").count() == 1


def test_it_reads_the_password_from_a_file(admin_env, tmp_path):
    (tmp_path / "password").write_text("Kz8#quiet-lantern\n")
    admin_env.setenv("ITSM_ADMIN_USERNAME", "root")
    admin_env.setenv("ITSM_ADMIN_PASSWORD_FILE", str(tmp_path / "password"))
    call_command("bootstrap_admin")
    assert get_user_model().objects.get(username="root").check_password("Kz8#quiet-lantern")


def test_it_does_nothing_without_a_username(admin_env):
    before = get_user_model().objects.count()
    call_command("bootstrap_admin")
    assert get_user_model().objects.count() == before


@pytest.mark.parametrize("password", ["", "change-me-too", "12345678"])
def test_it_refuses_a_missing_placeholder_or_weak_password(admin_env, password):
    admin_env.setenv("ITSM_ADMIN_USERNAME", "root")
    admin_env.setenv("ITSM_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match="ITSM_ADMIN_PASSWORD"):
        call_command("bootstrap_admin")
    assert not get_user_model().objects.filter(username="root").exists()
