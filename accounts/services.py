"""State changes for people: logging in, creating people, setting roles."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.models import Department, Organisation, Site, User
from accounts.roles import Role


class LoginThrottled(Exception):
    def __init__(self, seconds: int):
        self.seconds = seconds
        minutes = max(1, (seconds + 59) // 60)
        super().__init__(
            _("Too many failed logins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
        )


def login_authenticate(*, request, username: str, password: str) -> User | None:
    """Check a username and password, refusing while too many recent attempts have failed.

    Returns the user, or None for a wrong username/password; raises LoginThrottled when refused.
    """
    address = throttle.client_address(request)
    wait = throttle.seconds_blocked(username, address)
    if wait:
        raise LoginThrottled(wait)
    user = authenticate(request, username=username, password=password)
    if user is None:
        throttle.record_failure(username, address)
        return None
    throttle.record_success(username, address)
    return user


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
