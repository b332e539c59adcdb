"""The security log (issue 14 point 9): every kind of event is recorded with who, when and from
where, and administrators read it, and only read it, in the admin."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import SecurityEvent
from accounts.roles import Role
from accounts.services import person_create
from assets.io.importer import assets_export
from demo.data import DEMO_PASSWORD
from sla.models import Contract

Kind = SecurityEvent.Kind
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 test", "REMOTE_ADDR": "192.0.2.10"}


@pytest.fixture
def demo(demo):
    """The demo, with the events its loading recorded (password settings) forgotten."""
    SecurityEvent.objects.all().delete()
    return demo


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind).order_by("id"))


def test_a_login_and_a_logout(demo):
    client = Client()
    client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD}, **BROWSER)
    client.post("/logout/", **BROWSER)
    (login,), (logout,) = events(Kind.LOGIN), events(Kind.LOGOUT)
    assert (login.actor, login.username, login.ip_address, login.user_agent) == (
        demo["desk"], "desk", "192.0.2.10", "Mozilla/5.0 test")
    assert logout.actor == demo["desk"] and logout.ip_address == "192.0.2.10"


def test_a_token_login_is_a_login(demo):
    Client().post("/api/auth/token/", {"username": "pm", "password": DEMO_PASSWORD}, **BROWSER)
    assert [e.actor for e in events(Kind.LOGIN)] == [demo["pm"]]


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_failures_and_the_lockout(demo):
    client = Client()
    for _attempt in range(3):
        client.post("/login/", {"username": "Desk", "password": "wrong"}, **BROWSER)
    failed = events(Kind.LOGIN_FAILED)
    assert [e.username for e in failed] == ["desk"] * 3
    assert failed[0].actor is None and failed[0].ip_address == "192.0.2.10"
    assert [e.details["failures"] for e in failed] == [1, 2, 3]
    (lockout,) = events(Kind.LOCKOUT)  # one event when it locks, not one per refusal
    assert lockout.username == "desk" and lockout.details == {"failures": 2}


def test_a_password_change(demo):
    user = demo["engineer"]
    user.set_password("a-new-long-passphrase")
    user.save()
    (event,) = events(Kind.PASSWORD_CHANGED)
    assert event.target == "person engineer" and event.details == {"user_id": user.pk}


def test_a_rehash_on_login_is_no_password_change(demo, settings):
    # The first login after a hasher change stores a new hash of the same password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    assert Client().post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                         ).status_code == 302
    assert events(Kind.PASSWORD_CHANGED) == []


def test_a_role_change_by_an_administrator(demo):
    admin = Client()
    admin.force_login(demo["admin"])
    user = demo["engineer"]
    response = admin.post(f"/admin/accounts/user/{user.pk}/change/", {
        "username": user.username, "name": user.name, "email": user.email, "phone": user.phone,
        "employee_no": user.employee_no, "role": Role.SECOND_LINE,
        "organisation": user.organisation_id,
        "department": user.department_id or "", "site": user.site_id or "",
        "is_active": "on", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2024-01-01", "date_joined_1": "08:00:00",
    }, **BROWSER)
    assert response.status_code == 302, response.content.decode()[:2000]
    (event,) = events(Kind.ROLE_CHANGED)
    assert event.actor == demo["admin"] and event.ip_address == "192.0.2.10"
    assert event.details == {"from": Role.ENGINEER, "to": Role.SECOND_LINE, "user_id": user.pk}
    (edit,) = events(Kind.ADMIN_EDIT)
    assert edit.actor == demo["admin"] and edit.details["action"] == "changed"
    assert edit.details["model"] == "accounts.user" and user.name in edit.target


def test_a_role_change_outside_any_request(demo):
    user = person_create(actor=None, username="newbie", name="新人", role=Role.END_USER,
                         organisation=demo["user"].organisation)
    assert events(Kind.ROLE_CHANGED) == []  # creating is no change
    user.role = Role.CLIENT_CONTACT
    user.save()
    (event,) = events(Kind.ROLE_CHANGED)
    assert event.actor is None and event.ip_address is None
    assert (event.details["from"], event.details["to"]) == (Role.END_USER, Role.CLIENT_CONTACT)


def test_group_and_permission_changes(demo):
    user = demo["engineer"]
    group = Group.objects.create(name="auditors")
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    group.user_set.remove(user)
    changes = events(Kind.PERMISSION_CHANGED)
    assert [e.details["change"] for e in changes] == ["add", "add", "remove"]
    assert changes[0].details["groups"] == ["auditors"]
    assert changes[1].details["permissions"][0].endswith("security event")
    assert changes[2].details["user_ids"] == [user.pk]


def test_an_asset_export_and_import(demo):
    client = Client()
    client.force_login(demo["pm"])
    response = client.get("/assets/export/?contract=DEMO-DESKTOP&format=csv", **BROWSER)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (export,) = events(Kind.EXPORT)
    assert export.actor == demo["pm"] and export.target.startswith("assets ")
    assert export.ip_address == "192.0.2.10"
    out = io.BytesIO()
    assets_export(contract=Contract.objects.get(code="DEMO-DESKTOP"), fmt="csv", out=out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "back.csv"
    response = client.post("/assets/import/", {"contract": "DEMO-DESKTOP", "file": upload,
                                               "dry_run": "on"}, **BROWSER)
    assert response.status_code == 200
    (imported,) = events(Kind.IMPORT)
    assert imported.actor == demo["pm"] and imported.target == "assets back.csv"
    assert imported.details["dry_run"] is True and imported.details["errors"] == 0


def test_administrators_read_the_log_with_filters_and_search(demo, django_assert_max_num_queries):
    for _attempt in range(3):
        Client().post("/login/", {"username": "ghost", "password": "x"}, **BROWSER)
    Client().post("/login/", {"username": "desk", "password": DEMO_PASSWORD}, **BROWSER)
    admin = Client()
    admin.force_login(demo["admin"])
    with django_assert_max_num_queries(12):
        page = admin.get("/admin/accounts/securityevent/").content.decode()
    assert "ghost" in page and "192.0.2.10" in page
    page = admin.get("/admin/accounts/securityevent/?kind__exact=login").content.decode()
    assert "ghost" not in page
    page = admin.get("/admin/accounts/securityevent/?q=ghost").content.decode()
    assert "ghost" in page
    event = SecurityEvent.objects.first()
    assert admin.get(f"/admin/accounts/securityevent/{event.pk}/change/").status_code == 200
    assert admin.get("/admin/accounts/securityevent/add/").status_code == 403
    assert admin.post(f"/admin/accounts/securityevent/{event.pk}/delete/",
                      {"post": "yes"}).status_code == 403
    desk = Client()
    desk.force_login(demo["desk"])
    assert desk.get("/admin/accounts/securityevent/").status_code == 302  # to the admin login


@pytest.mark.django_db
def test_old_events_are_purged_after_the_retention_period(settings):
    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    old = SecurityEvent.objects.create(kind=Kind.LOGIN, username="old")
    SecurityEvent.objects.filter(pk=old.pk).update(at=old.at - timedelta(days=365))
    SecurityEvent.objects.create(kind=Kind.LOGIN, username="new")
    call_command("security_events_purge", stdout=io.StringIO())
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["new"]
