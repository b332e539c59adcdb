"""OpenID Connect sign-in: the full code flow through Django's test client against the provider
stub (tests/sso/provider.py), which answers over real HTTP on a free port."""

from urllib.parse import parse_qs, urlsplit

import requests
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from accounts.models import SecurityEvent, User
from accounts.roles import Role
from sla.models import Contract, ContractMember
from tests.factories import PASSWORD, UserFactory

FAILED = "未能成功"  # "Signing in with … did not succeed"


def _sign_in(client, next_url=None):
    """Login page button → provider → callback; the callback's answer."""
    start = client.get("/oidc/login/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


def _duty(user, code):
    place = ContractMember.objects.filter(user=user, contract__code=code).first()
    return place.duty if place else None


def test_the_login_page_offers_the_provider(client, oidc_on):
    page = client.get("/login/").content.decode()
    assert "Keycloak" in page and 'href="/oidc/login/' in page


def test_it_signs_in_through_the_provider_and_creates_the_person(client, oidc_on):
    # Groups in the id token only, as Entra ID sends them.
    oidc_on.sign_in_as({"sub": "u-1", "preferred_username": "erin", "name": "钱敏",
                        "email": "erin@example.com"},
                       id_token_only={"groups": ["itsm-engineers", "contract-a"]})
    response = _sign_in(client, next_url="/tickets/mine/")
    assert response.status_code == 302 and response["Location"] == "/tickets/mine/"
    erin = User.objects.get(username="erin")
    assert int(client.session["_auth_user_id"]) == erin.pk
    assert (erin.name, erin.email, erin.role) == ("钱敏", "erin@example.com", Role.ENGINEER)
    assert not erin.has_usable_password()
    assert _duty(erin, "SSO-A") == ContractMember.Duty.ENGINEER
    assert erin.organisation == Contract.objects.get(code="SSO-A").provider
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN, actor=erin).exists()
    assert "POST /protocol/openid-connect/token" in oidc_on.requests


def test_the_directory_wins_at_every_sign_in(client, oidc_on):
    oidc_on.sign_in_as({"preferred_username": "erin", "groups": ["itsm-client-it",
                                                                   "contract-b"]})
    _sign_in(client)
    erin = User.objects.get(username="erin")
    assert erin.role == Role.CLIENT_CONTACT
    assert list(erin.contact_for_contracts.values_list("code", flat=True)) == ["SSO-B"]
    client.logout()
    oidc_on.sign_in_as({"preferred_username": "erin", "groups": []})
    assert _sign_in(client).status_code == 302
    erin.refresh_from_db()
    assert erin.role == Role.END_USER
    assert not erin.contact_for_contracts.exists()


def test_an_existing_person_is_found_by_username(client, oidc_on):
    existing = UserFactory(username="Frank", role=Role.END_USER)
    oidc_on.sign_in_as({"preferred_username": "frank", "groups": ["itsm-engineers"]})
    _sign_in(client)
    assert int(client.session["_auth_user_id"]) == existing.pk
    assert User.objects.filter(username__iexact="frank").count() == 1


def test_no_claim_makes_an_administrator_unless_its_group_is_mapped(client, oidc_on):
    oidc_on.sign_in_as({"preferred_username": "mallory", "role": "admin", "is_superuser": True,
                        "groups": ["Administrators", "admin"]})
    _sign_in(client)
    mallory = User.objects.get(username="mallory")
    assert (mallory.role, mallory.is_superuser, mallory.is_staff) == (Role.END_USER, False,
                                                                     False)
    client.logout()
    oidc_on.sign_in_as({"preferred_username": "carol", "groups": ["itsm-admins"]})
    _sign_in(client)
    assert User.objects.get(username="carol").role == Role.ADMIN


def test_a_token_issued_to_another_client_is_refused(client, oidc_on):
    oidc_on.id_token_overrides = {"aud": "another-app"}
    oidc_on.sign_in_as({"preferred_username": "erin"})
    response = _sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert FAILED in client.get("/login/").content.decode()
    assert not User.objects.filter(username="erin").exists()


def test_a_token_signed_with_another_key_is_refused(client, oidc_on):
    oidc_on.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    oidc_on.sign_in_as({"preferred_username": "erin"})
    assert _sign_in(client)["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_a_token_from_another_issuer_is_refused(client, oidc_on):
    oidc_on.id_token_overrides = {"iss": "https://evil.example/realms/itsm"}
    oidc_on.sign_in_as({"preferred_username": "erin"})
    assert _sign_in(client)["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_failed_provider_sign_ins_lock_nobody_out(client, oidc_on):
    oidc_on.id_token_overrides = {"aud": "another-app"}
    oidc_on.sign_in_as({"preferred_username": "erin"})
    for _attempt in range(3):
        _sign_in(client)
    assert not AccessAttempt.objects.exists()
    oidc_on.id_token_overrides = {}
    assert _sign_in(client)["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_logout_ends_the_session_at_the_provider_too(client, oidc_on):
    oidc_on.sign_in_as({"preferred_username": "erin"})
    _sign_in(client)
    response = client.post("/logout/")
    assert "_auth_user_id" not in client.session
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == \
        oidc_on.discovery()["end_session_endpoint"]
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert query["id_token_hint"][0].count(".") == 2  # the id token the provider issued


def test_a_password_login_never_waits_on_the_provider(client, oidc_on):
    """A provider that is down does not stop local logins (it is asked only at callbacks)."""
    oidc_on.stop()
    local = UserFactory(username="local-desk", role=Role.AGENT, organisation=None)
    assert client.post("/login/", {"username": "local-desk", "password": PASSWORD}
                       ).status_code == 302
    assert int(client.session["_auth_user_id"]) == local.pk
    assert client.post("/logout/")["Location"] == "/login/"  # no id token: the portal's logout
    # …and the button answers with the login page and a message, not an error.
    response = client.get("/oidc/login/")
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_with_single_sign_on_off_the_login_is_as_today(client, db):
    page = client.get("/login/").content.decode()
    assert "/oidc/login/" not in page
    assert client.get("/oidc/login/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    UserFactory(username="plain")
    assert client.post("/login/", {"username": "plain", "password": PASSWORD}
                       ).status_code == 302


def test_a_discovery_document_naming_another_issuer_is_refused(client, oidc_on):
    genuine = oidc_on.discovery()
    oidc_on.discovery = lambda: {**genuine, "issuer": "https://evil.example/realms/itsm"}
    response = client.get("/oidc/login/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert FAILED in client.get("/login/").content.decode()


def test_a_sign_in_cancelled_at_the_provider_comes_back_to_the_login_page(client, oidc_on):
    response = client.get("/oidc/callback/?error=access_denied&state=whatever")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
