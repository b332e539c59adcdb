import pytest

from accounts.roles import ROLE_CAPABILITIES, ROLE_HOME, Capability, Role, can

HOMES = {
    "admin": "/system/", "desk": "/desk/", "engineer": "/engineer/", "engineer2": "/engineer/",
    "pm": "/manage/", "delivery": "/manage/", "gm": "/manage/", "client": "/client/",
    "user": "/portal/", "user2": "/portal/",
}


def test_every_role_has_capabilities_and_a_home():
    for role in Role:
        assert role in ROLE_CAPABILITIES
        assert role in ROLE_HOME


def test_it_gives_administrators_every_capability(demo):
    assert all(can(demo["admin"], c) for c in Capability)


def test_it_gives_end_users_only_filing(demo):
    assert not can(demo["user"], Capability.SEE_PEOPLE)
    assert can(demo["user"], Capability.FILE_TICKETS)
    assert not can(demo["user"], Capability.DISPATCH)


def test_an_inactive_person_can_do_nothing(demo):
    desk = demo["desk"]
    desk.is_active = False
    assert not can(desk, Capability.LOG_CALLS)


@pytest.mark.parametrize(("username", "home"), HOMES.items())
def test_it_sends_each_role_to_its_own_home(demo, login, username, home):
    client = login(demo[username])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == home
    page = client.get(home)
    assert page.status_code == 200
    assert b'data-testid="home-title"' in page.content


@pytest.mark.parametrize("username", ["user", "client", "engineer", "desk", "pm"])
def test_it_refuses_other_roles_homes(demo, login, username):
    client = login(demo[username])
    for other in set(HOMES.values()) - {HOMES[username]}:
        assert client.get(other).status_code == 403, other


def test_it_lets_administrators_open_every_home(demo, login):
    client = login(demo["admin"])
    for home in set(HOMES.values()):
        assert client.get(home).status_code == 200


def test_it_sends_anonymous_visitors_to_the_login(client, db):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/desk/")


def test_only_administrators_reach_the_django_admin(demo, login, client):
    assert login(demo["admin"]).get("/admin/").status_code == 200
    client.logout()
    for username in ["desk", "pm", "gm", "client", "user"]:
        response = login(demo[username]).get("/admin/")
        assert response.status_code == 302, username
        client.logout()


def test_the_django_admin_opens_every_model_list(demo, login):
    from django.contrib import admin

    client = login(demo["admin"])
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/admin/").content.decode()
    assert "服务合同" in page and "人员" in page
