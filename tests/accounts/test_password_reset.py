"""Password reset by e-mail (issue 14 point 8): the link in the mail uses SITE_URL, unknown
addresses get the same page, and requests are limited per client address and per e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import SecurityEvent
from demo.data import DEMO_PASSWORD

NEW_PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://itsm.example.cn"


def _sent_page(response) -> str:
    page = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", page)


def test_the_reset_flow_end_to_end(demo):
    client = Client()
    assert client.get("/accounts/password/reset/").status_code == 200
    response = client.post("/accounts/password/reset/", {"email": "DESK@huaxin-ops.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert "reset-sent" in client.get(response["Location"]).content.decode()
    (message,) = mail.outbox
    assert message.to == ["desk@huaxin-ops.example"]
    assert "重置" in message.subject
    link = re.search(r"https://itsm\.example\.cn(/accounts/password/reset/\S+/\S+/)",
                     message.body).group(1)
    response = client.get(link, follow=True)  # Django swaps the token for a session key
    form_url = response.redirect_chain[-1][0]
    assert "new_password1" in response.content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD,
                                      "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert "reset-complete" in client.get(response["Location"]).content.decode()
    assert Client().post("/login/", {"username": "desk", "password": NEW_PASSWORD}
                         ).status_code == 302
    assert Client().post("/login/", {"username": "desk", "password": DEMO_PASSWORD}
                         ).status_code == 200
    # The link works once.
    assert "reset-invalid" in client.get(link, follow=True).content.decode()
    kinds = list(SecurityEvent.objects.filter(
        kind__in=["password_reset", "password_changed"]).order_by("id")
        .values_list("kind", "details__step"))
    assert kinds[-3:] == [("password_reset", "requested"), ("password_changed", None),
                          ("password_reset", "done")]


def test_an_unknown_address_gets_the_same_page_and_no_mail(demo):
    known = Client().post("/accounts/password/reset/", {"email": "desk@huaxin-ops.example"},
                          follow=True)
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"},
                            follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert _sent_page(known) == _sent_page(unknown)
    assert len(mail.outbox) == 1


def test_the_page_is_in_english_too(db):
    client = Client()
    client.cookies["itsm_language"] = "en"
    page = client.get("/accounts/password/reset/").content.decode()
    assert "Reset password" in page and "Send the link" in page


def test_requests_are_limited_per_e_mail_address(demo, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for number in range(3):
        response = Client(REMOTE_ADDR=f"192.0.2.{number}").post(
            "/accounts/password/reset/", {"email": "desk@huaxin-ops.example"})
        assert response.status_code == 302
    response = Client(REMOTE_ADDR="192.0.2.99").post(
        "/accounts/password/reset/", {"email": "Desk@huaxin-ops.example"})
    assert response.status_code == 200 and "重置密码的请求过多" in response.content.decode()
    assert len(mail.outbox) == 3


def test_requests_are_limited_per_client_address(demo, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.5")
    for number in range(3):
        client.post("/accounts/password/reset/", {"email": f"nobody{number}@example.com"})
    response = client.post("/accounts/password/reset/", {"email": "desk@huaxin-ops.example"})
    assert response.status_code == 200 and "重置密码的请求过多" in response.content.decode()
    assert mail.outbox == []
    # Another address is not held back.
    assert Client(REMOTE_ADDR="198.51.100.1").post(
        "/accounts/password/reset/", {"email": "desk@huaxin-ops.example"}).status_code == 302


def test_the_throttle_works_with_the_cache_down(demo, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = Client().post("/accounts/password/reset/", {"email": "desk@huaxin-ops.example"})
    assert response.status_code == 302 and len(mail.outbox) == 1
