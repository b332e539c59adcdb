import logging
import re

from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.security import client_ip
from demo.data import DEMO_PASSWORD, load_demo

LOCKED = "登录失败次数过多"


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
    page = response.content.decode()
    assert LOCKED in page and "10 分钟后再试" in page  # when to try again
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_locked_page_says_when_to_try_again_in_english(client, demo):
    client.cookies["itsm_language"] = "en"
    for _attempt in range(4):
        response = client.post("/login/", {"username": "desk", "password": "wrong"})
    assert "Too many failed logins. Try again in 10 minutes." in response.content.decode()


def _without_csrf(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", page)


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600, SHOW_DEMO_LOGINS=False)
def test_known_and_unknown_usernames_get_the_same_answers(client, demo):
    answers = {}
    for username in ("desk", "nobody-here"):
        answers[username] = [
            (r.status_code, _without_csrf(r.content.decode().replace(username, "NAME")))
            for r in (client.post("/login/", {"username": username, "password": "wrong"})
                      for _attempt in range(4))
        ]
    assert answers["desk"] == answers["nobody-here"]


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_it_throttles_per_username_so_others_still_log_in(client, demo):
    for _attempt in range(3):
        client.post("/login/", {"username": "desk", "password": "wrong"})
    response = client.post("/login/", {"username": "pm", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_made_up_usernames_from_one_address_never_lock_out_a_real_one(client, demo):
    # Issue 14 point 1: 20 made-up usernames from one address locked `desk` out for everyone.
    for number in range(30):
        client.post("/login/", {"username": f"ghost{number}", "password": "wrong"})
    response = client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_a_lockout_holds_for_one_address_only(demo):
    attacker, colleague = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    for _attempt in range(4):
        attacker.post("/login/", {"username": "desk", "password": "wrong"})
    assert LOCKED in attacker.post(
        "/login/", {"username": "desk", "password": DEMO_PASSWORD}).content.decode()
    assert colleague.post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                          ).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_it_throttles_a_username_regardless_of_case(client, demo):
    for _attempt in range(3):
        client.post("/login/", {"username": "DESK", "password": "wrong"})
    response = client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD})
    assert LOCKED in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_it_throttles_the_api_token_endpoint_too(client, demo):
    for _attempt in range(3):
        response = client.post("/api/auth/token/", {"username": "pm", "password": "wrong"})
        assert response.status_code == 400
    response = client.post("/api/auth/token/", {"username": "pm", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 600
    assert LOCKED in response.json()["detail"] and "10 分钟后再试" in response.json()["detail"]
    assert "token" not in response.json()


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_page_and_the_token_endpoint_share_one_count(client, demo):
    for _attempt in range(3):
        client.post("/login/", {"username": "pm", "password": "wrong"})
    response = client.post("/api/auth/token/", {"username": "pm", "password": DEMO_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_admin_login_is_locked_too(client, demo):
    for _attempt in range(3):
        response = client.post("/admin/login/", {"username": "admin", "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # …and the lockout counted there holds on the login page as well.
    assert LOCKED in client.post(
        "/login/", {"username": "admin", "password": DEMO_PASSWORD}).content.decode()


def test_the_admin_login_lets_in_the_administrator_role_only(client, demo):
    # The role decides, as for every admin page, not Django's is_staff flag.
    assert not demo["admin"].is_staff
    response = Client().post("/admin/login/?next=/admin/",
                             {"username": "pm", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200


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


def test_failures_are_counted_in_the_database_per_username_and_address(client, demo):
    client.post("/login/", {"username": "Desk", "password": "wrong"}, REMOTE_ADDR="192.0.2.4")
    client.post("/login/", {"username": "desk", "password": "wrong"}, REMOTE_ADDR="192.0.2.4")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "desk", "192.0.2.4", 2)


# --- the client's address ----------------------------------------------------------------------

def _request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return type("Request", (), {"META": meta})()


def test_the_client_address_ignores_x_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.2"


def test_the_client_address_is_the_nth_from_the_right_behind_n_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A client-sent "6.6.6.6" is to the left of what the proxy appended: never believed.
    assert client_ip(_request(forwarded="6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="6.6.6.6, 198.51.100.7, 10.1.1.1")) == "198.51.100.7"
    # Fewer hops than proxies, or rubbish: the connecting address.
    assert client_ip(_request(forwarded="198.51.100.7")) == "10.0.0.2"
    assert client_ip(_request(forwarded="x, nonsense")) == "10.0.0.2"
    assert client_ip(_request(forwarded="[2001:db8::1]:443, 10.1.1.1")) == "2001:db8::1"


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600, TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_a_forged_header_does_not_dodge_the_lockout(client, demo):
    for number in range(3):
        client.post("/login/", {"username": "desk", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    response = client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD},
                           HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert LOCKED in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_client_is_counted_apart(client, demo):
    # Every request comes from the proxy's address; X-Forwarded-For tells the clients apart.
    proxy = {"REMOTE_ADDR": "172.18.0.5"}
    for _attempt in range(3):
        client.post("/login/", {"username": "desk", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert LOCKED in client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD},
                                 HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).content.decode()
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    response = client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert response.status_code == 302


# --- Redis down ----------------------------------------------------------------------------------

DEAD_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0"}}


@override_settings(CACHES=DEAD_REDIS, LOGIN_FAILURE_LIMIT=3)
def test_logins_work_with_the_cache_down(demo):
    client = Client()
    assert client.post("/login/", {"username": "desk", "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                       ).status_code == 302
    for _attempt in range(3):
        client.post("/api/auth/token/", {"username": "pm", "password": "wrong"})
    assert client.post("/api/auth/token/", {"username": "pm", "password": DEMO_PASSWORD}
                       ).status_code == 429
    response = Client().post("/api/auth/token/", {"username": "engineer",
                                                  "password": DEMO_PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


# --- unlocking and the security log --------------------------------------------------------------

@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_an_administrator_unlocks_with_the_reset_command(client, demo):
    for _attempt in range(4):
        client.post("/login/", {"username": "desk", "password": "wrong"})
    call_command("axes_reset_username", "desk")
    assert client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                       ).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_an_administrator_unlocks_in_the_admin(client, demo):
    for _attempt in range(4):
        client.post("/login/", {"username": "desk", "password": "wrong"})
    attempt = AccessAttempt.objects.get()
    admin = Client()
    admin.force_login(demo["admin"])
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "desk" in listing.content.decode()
    assert admin.get("/admin/axes/accessattempt/add/").status_code == 403
    response = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert client.post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                       ).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_LOCKOUT_SECONDS=600)
def test_the_security_log_records_failures_lockouts_and_successes(client, demo, caplog):
    caplog.set_level(logging.INFO, logger="itsm.security")
    agent = {"HTTP_USER_AGENT": "curl/8.5", "REMOTE_ADDR": "192.0.2.77"}
    Client().post("/login/", {"username": "pm", "password": DEMO_PASSWORD}, **agent)
    for _attempt in range(2):
        client.post("/login/", {"username": "desk", "password": "wrong"}, **agent)
    lines = [r.getMessage() for r in caplog.records if r.name == "itsm.security"]
    assert [line.split()[0] for line in lines] == ["login", "login_failed", "lockout",
                                                   "login_failed"]
    assert all("192.0.2.77" in line and "curl/8.5" in line for line in lines)
    assert "'pm'" in lines[0] and all("'desk'" in line for line in lines[1:])
    assert DEMO_PASSWORD not in "".join(lines) and "wrong" not in "".join(lines)


def test_the_login_page_lists_the_demo_logins_only_on_a_demo_install(client, db, settings):
    settings.SHOW_DEMO_LOGINS = True
    assert b"demo-logins" not in client.get("/login/").content
    load_demo()
    page = client.get("/login/").content.decode()
    assert "demo-logins" in page and "engineer2" in page and "demo12345" in page
    settings.SHOW_DEMO_LOGINS = False
    assert b"demo-logins" not in client.get("/login/").content


def test_logout_is_post_only_and_protected_by_csrf(demo):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(demo["admin"])
    assert csrf_client.get("/logout/").status_code == 405
    assert csrf_client.post("/logout/").status_code == 403
    assert "_auth_user_id" in csrf_client.session


def test_the_login_page_links_to_the_password_reset(client, db):
    assert b'href="/accounts/password/reset/"' in client.get("/login/").content
