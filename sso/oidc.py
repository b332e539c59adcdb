"""OpenID Connect sign-in (mozilla-django-oidc), on when OIDC_ISSUER (or the endpoints) is set.

The code flow with PKCE and a nonce: /oidc/login/ sends the browser to the provider, which sends
it back to /oidc/callback/ with a code; the backend swaps the code for tokens, checks the id
token's RS256 (or ES/PS) signature against the provider's keys, its issuer and audience, reads
the claims (id token and userinfo together), finds or creates the person by
OIDC_USERNAME_CLAIM and sets their role and contracts from OIDC_GROUPS_CLAIM (sso.services).

Endpoints not set one by one come from OIDC_ISSUER's discovery document, fetched on first use
and kept for an hour, so a password login never waits on the provider.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from sso.mapping import GroupMapping
from sso.services import directory_user_sync

log = logging.getLogger("itsm.sso")

# Setting → the discovery document's key for it (OpenID Connect Discovery 1.0, section 3).
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
DISCOVERY_TTL_SECONDS = 3600


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not fit OIDC_ISSUER."""


_discovery_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict]] = {}


def provider_metadata() -> dict:
    issuer = settings.OIDC_ISSUER
    if not issuer:
        return {}
    with _discovery_lock:
        cached = _discovery.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
            return cached[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    # The document must be the issuer's own (Discovery 1.0, section 4.3).
    if not isinstance(metadata, dict) or metadata.get("issuer", "").rstrip("/") != issuer:
        raise ProviderUnavailable(f"{url} names another issuer: {metadata.get('issuer')!r}")
    with _discovery_lock:
        _discovery[issuer] = (time.monotonic(), metadata)
    return metadata


def forget_provider_metadata() -> None:
    """Drop the cached discovery documents (tests start a new provider each time)."""
    with _discovery_lock:
        _discovery.clear()


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's settings lookup, the endpoints filled in from discovery."""
    if attr in DISCOVERED and not getattr(settings, attr, None):
        value = provider_metadata().get(DISCOVERED[attr])
        if value:
            return value
        if default:
            return default[0]
        raise ImproperlyConfigured(f"{attr} is not set and the provider does not publish it.")
    return import_from_settings(attr, *default)


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in, password ones too: the provider's
        # settings are read (and discovered) only when a callback is being handled.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 - the library's attribute names
        return oidc_setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return oidc_setting("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return oidc_setting("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self):  # noqa: N802
        return settings.OIDC_RP_SIGN_ALGO

    OIDC_RP_IDP_SIGN_KEY = None  # the provider's keys come from its JWKS

    def verify_token(self, token, **kwargs):
        """The library checks the signature, expiry and nonce; the issuer and audience are
        checked here, so a token the provider issued to another client is refused."""
        payload = super().verify_token(token, **kwargs)
        issuer = settings.OIDC_ISSUER
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation(f"id token from another issuer: {payload.get('iss')!r}")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"id token for another client: {audience!r}")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # Groups may be in the id token only (Entra ID) or in userinfo only (some Keycloak
        # mappers): read both, userinfo's values winning.
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def _username(self, claims) -> str:
        username = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not isinstance(username, str) or not username.strip():
            raise SuspiciousOperation(f"no {settings.OIDC_USERNAME_CLAIM} claim")
        username = username.strip()
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            raise SuspiciousOperation(f"unusable username {username!r}") from None
        if len(username) > self.UserModel._meta.get_field("username").max_length:
            raise SuspiciousOperation(f"username too long: {username!r}")
        return username

    def verify_claims(self, claims):
        self._username(claims)
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=self._username(claims))

    def describe_user_by_claims(self, claims):
        return f"username {claims.get(settings.OIDC_USERNAME_CLAIM)!r}"

    def create_user(self, claims):
        # No usable password: such a person signs in through the provider only.
        user = self.UserModel.objects.create_user(self._username(claims))
        log.info("created %s at their first OIDC sign-in", user.username)
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        name = claims.get("name") or " ".join(
            part for part in (claims.get("family_name"), claims.get("given_name")) if part)
        email = claims.get("email") or ""
        fields = [field for field, value in (("name", name), ("email", email))
                  if value and isinstance(value, str) and getattr(user, field) != value]
        if fields:
            user.name = name or user.name
            user.email = email or user.email
            user.save(update_fields=fields)
        mapping = GroupMapping.configured("oidc")
        if mapping.roles or mapping.contracts:
            groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
            if isinstance(groups, str):
                groups = [groups]
            user = directory_user_sync(user=user, groups=groups, mapping=mapping)
        return user


def provider_logout_url(request) -> str | None:
    """Where a person signed in through the provider goes after the portal's logout: the
    provider's end-session endpoint (RP-Initiated Logout 1.0), which ends their session there
    too and sends them back to the login page. None for everyone else.
    SSO_LOGOUT_URL_CALLABLE; called before the portal's session is flushed."""
    id_token = request.session.get("oidc_id_token")
    if not settings.OIDC_ENABLED or not id_token:
        return None
    try:
        endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", None)
    except ProviderUnavailable as exc:
        log.warning("provider logout skipped: %s", exc)
        return None
    if not endpoint:
        return None
    query = urlencode({
        "id_token_hint": id_token, "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGIN_URL)),
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
