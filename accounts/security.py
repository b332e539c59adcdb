"""Who is knocking: the client's address, the security log and the security-event record.

* ``client_ip(request)``: the address the request came from. Behind ``TRUSTED_PROXY_COUNT``
  reverse proxies it is the Nth address from the right of ``X-Forwarded-For`` (each proxy appends
  the address it was called from, so entries further left are whatever the client claimed); with
  0 (the default) the header is never read and ``REMOTE_ADDR`` is the answer.
* ``record_security_event(kind, ...)``: one row in accounts.SecurityEvent and one line in the
  ``itsm.security`` log. Other apps call it for exports and imports.
* ``security_events_purge(days)``: delete the events older than the retention period (the
  nightly task and the command of the same name).
* The django-axes hooks (settings AXES_*): usernames compared without case, the failure limit
  and lockout time read from LOGIN_FAILURE_LIMIT / LOGIN_LOCKOUT_SECONDS at each request (so
  they follow the settings, tests' overrides included), and the lockout answer.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from accounts.models import SecurityEvent
from core.clock import now

security_log = logging.getLogger("itsm.security")

Kind = SecurityEvent.Kind


def security_events_purge(days: int | None = None) -> int:
    """Delete security events older than `days` (default SECURITY_EVENT_RETENTION_DAYS);
    the number deleted."""
    days = days or settings.SECURITY_EVENT_RETENTION_DAYS
    deleted, _by_model = SecurityEvent.objects.filter(
        at__lt=now() - timedelta(days=days)).delete()
    return deleted


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "10.0.0.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says."""
    if request is None:
        return None
    meta = request.META
    remote = _valid_ip(meta.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through them all; the header is
        # not to be trusted, the connecting address is.
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def client_user_agent(request) -> str:
    if request is None:
        return ""
    return (request.META.get("HTTP_USER_AGENT") or "")[:255]


def record_security_event(kind: str, *, request=None, actor=None, username: str = "",
                          target: str = "", details: dict | None = None) -> SecurityEvent:
    """Record one security event (a row and a log line); the actor defaults to the request's user.

    ``target`` names the object concerned ("asset export ACME.xlsx", "person desk").
    """
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not username:
        username = actor.get_username()
    event = SecurityEvent.objects.create(
        kind=kind, actor=actor, username=(username or "")[:150], ip_address=client_ip(request),
        user_agent=client_user_agent(request), target=(target or "")[:255],
        details=details or {},
    )
    level = logging.WARNING if kind in (Kind.LOGIN_FAILED, Kind.LOCKOUT) else logging.INFO
    security_log.log(level, "%s username=%r ip=%s agent=%r target=%r details=%s", kind,
                     event.username, event.ip_address, event.user_agent, event.target,
                     event.details)
    return event


# --- django-axes hooks (named in settings) ---------------------------------------------------

def normalised_username(username: str | None) -> str:
    return (username or "").strip().lower()


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: "DESK" and "desk " count as desk."""
    if credentials:
        return normalised_username(credentials.get("username"))
    data = getattr(request, "data", None) or request.POST
    return normalised_username(data.get("username"))


def axes_failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: LOGIN_FAILURE_LIMIT."""
    return settings.LOGIN_FAILURE_LIMIT


def axes_cool_off(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: LOGIN_LOCKOUT_SECONDS."""
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def lockout_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _("Too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": minutes}


def axes_lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page, the token endpoint and the admin login answer a
    lockout themselves (accounts.services.login_authenticate); any other caller of
    authenticate() gets a plain 429 with Retry-After."""
    if original_response is not None:
        return original_response
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    response = HttpResponse(lockout_message(seconds), status=429,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


def axes_not_a_password_login(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: a sign-in that carries neither username nor password (the
    OpenID Connect callback, whose proof is the provider's signed token) is not a password
    guess, so the lockout neither counts nor refuses it."""
    if not credentials:
        return False
    return credentials.get("username") is None and credentials.get("password") is None
