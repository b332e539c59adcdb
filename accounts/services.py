"""State changes for people: logging in, creating people, setting roles."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Organisation, SecurityEvent, Site, User
from accounts.roles import Role
from accounts.security import (
    client_ip,
    lockout_message,
    normalised_username,
    record_security_event,
)


class LoginThrottled(Exception):
    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(lockout_message(seconds))


def _serialise_attempts(username: str, address: str | None) -> None:
    """Hold a lock for this (username, address) pair until the transaction ends.

    django-axes checks the failure count (AxesStandaloneBackend) before the password and counts
    the failure after it (a user_login_failed receiver), in separate statements: parallel
    guesses would all pass the check before any was counted. Taking a PostgreSQL advisory lock
    on the pair makes check, password and count one step per pair, so at most
    LOGIN_FAILURE_LIMIT guesses are ever tried. SQLite needs none: its transactions here begin
    IMMEDIATE (itsm/settings.py), which already serialises writers.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"login|{username}|{address}".encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def login_authenticate(*, request, username: str, password: str) -> User | None:
    """Check a username and password, refusing while too many recent attempts have failed.

    ``request`` is Django's HttpRequest (the API passes DRF's ``request._request``) so that
    django-axes sees it. Failures are counted per (username, client address) in the database
    (axes' AccessAttempt), so a Redis outage changes nothing and made-up usernames from one
    address lock out nobody else. Returns the user, or None for a wrong username/password;
    raises LoginThrottled when refused: LOGIN_FAILURE_LIMIT wrong passwords are answered as
    such, the attempts after them are refused unchecked until LOGIN_LOCKOUT_SECONDS have passed
    since the last one.
    """
    with transaction.atomic():
        _serialise_attempts(normalised_username(username), client_ip(request))
        user = authenticate(request, username=username, password=password)
    if getattr(request, "login_refused_locked", False):
        raise LoginThrottled(settings.LOGIN_LOCKOUT_SECONDS)
    return user


class PasswordResetThrottled(Exception):
    pass


def password_reset_requested(*, request, email: str) -> None:
    """Count a password-reset request (a SecurityEvent), refusing past PASSWORD_RESET_LIMIT an
    hour per client address or per e-mail address. Counted in the database: no cache involved.
    """
    address = client_ip(request)
    email = email.strip().lower()
    since = timezone.now() - timedelta(hours=1)
    recent = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RESET, at__gte=since,
                                          details__step="requested")
    by_email = recent.filter(details__email=email).count()
    by_address = recent.filter(ip_address=address).count() if address else 0
    limit = settings.PASSWORD_RESET_LIMIT
    throttled = by_email >= limit or by_address >= limit
    record_security_event(SecurityEvent.Kind.PASSWORD_RESET, request=request, target=email,
                          details={"step": "requested", "email": email, "refused": throttled})
    if throttled:
        raise PasswordResetThrottled(
            _("Too many password reset requests. Try again in an hour.")
        )


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    username: str,
    name: str,
    role: str = Role.END_USER,
    organisation: Organisation | None = None,
    department: Department | None = None,
    site: Site | None = None,
    phone: str = "",
    employee_no: str = "",
    email: str = "",
    password: str | None = None,
) -> User:
    """Create a person; without a password they cannot log in (callers the desk logs for)."""
    user = User(
        username=username, name=name, role=role, organisation=organisation,
        department=department, site=site, phone=phone, employee_no=employee_no, email=email,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user._change_reason = "created"
    user._history_user = actor
    user.save()
    return user
