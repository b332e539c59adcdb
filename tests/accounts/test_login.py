from django.test import override_settings

from demo.data import DEMO_PASSWORD, load_demo


def test_it_logs_in_with_the_demo_password_and_lands_home(client, demo):
    response = client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/desk/"


def test_it_shows_a_clear_error_for_a_wrong_password(client, demo):
    response = client.post("/login/", {"username": "desk", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "用户名" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_it_refuses_even_the_right_password_after_repeated_failures(client, demo):
    for _attempt in range(3):
        client.post("/login/", {"username": "desk", "password": "wrong"})
    response = client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_it_throttles_per_username_so_others_still_log_in(client, demo):
    for _attempt in range(3):
        client.post("/login/", {"username": "desk", "password": "wrong"})
    response = client.post("/login/", {"username": "pm", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_it_throttles_a_username_regardless_of_case(client, demo):
    for _attempt in range(3):
        client.post("/login/", {"username": "DESK", "password": "wrong"})
    response = client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD})
    assert "登录失败次数过多" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_it_throttles_the_api_token_endpoint_too(client, demo):
    for _attempt in range(3):
        response = client.post("/api/auth/token/", {"username": "pm", "password": "wrong"})
        assert response.status_code == 400
    response = client.post("/api/auth/token/", {"username": "pm", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_success_clears_earlier_failures(client, demo):
    with override_settings(LOGIN_FAILURE_LIMIT=3):
        for _attempt in range(2):
            client.post("/login/", {"username": "desk", "password": "wrong"})
        assert client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                           ).status_code == 302
        client.logout()
        for _attempt in range(2):
            client.post("/login/", {"username": "desk", "password": "wrong"})
        assert client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                           ).status_code == 302


def test_logout_is_post_only_and_protected_by_csrf(demo):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(demo["desk"])
    assert csrf_client.get("/logout/").status_code == 405
    assert csrf_client.post("/logout/").status_code == 403
    assert "_auth_user_id" in csrf_client.session


def test_the_login_page_lists_the_demo_logins_only_on_a_demo_install(client, db, settings):
    settings.SHOW_DEMO_LOGINS = True
    assert b"demo-logins" not in client.get("/login/").content
    load_demo()
    page = client.get("/login/").content.decode()
    assert "demo-logins" in page and "engineer2" in page and "demo12345" in page
    settings.SHOW_DEMO_LOGINS = False
    assert b"demo-logins" not in client.get("/login/").content
