"""State changes for people: logging in, creating, editing and deactivating people.

Role changes made here are recorded as security events by accounts/receivers.py (the User
model's signals), whoever makes them, so these services need not record them again.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Organisation, SecurityEvent, Site, User
from accounts.permissions import may_create_callers, may_manage_people, roles_grantable_by
from accounts.roles import CLIENT_ROLES, Capability, Role, can
from accounts.security import (
    client_ip,
    lockout_message,
    normalised_username,
    record_security_event,
)
from accounts.selectors import callers_organisations, organisations_managed_by
from core.errors import ActionRefused, InvalidInput, PermissionRefused


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
    IMMEDIATE (itsm/settings/base.py), which already serialises writers.
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
    _full_clean(user)
    user._change_reason = "created"
    user._history_user = actor
    user.save()
    return user


# --- managing people in the portal (issue 15, point 11) ---------------------------------------

# What a person record may be given through the portal, the API and the import.
EDITABLE_FIELDS = ("name", "role", "department", "site", "phone", "employee_no", "email")


def _full_clean(user: User) -> None:
    """The model's own checks (lengths, the employee number unique within the organisation,
    department and site of the person's organisation) as InvalidInput with the fields named."""
    try:
        user.full_clean()
    except ValidationError as exc:
        errors = {("employee_no" if field == "__all__" else field): [str(m) for m in messages]
                  for field, messages in exc.message_dict.items()}
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, errors=errors) from None


def _lock_organisation(organisation: Organisation | None) -> None:
    """Serialise additions and edits within one organisation, so two people cannot take the same
    phone number at once (there is no database constraint: provider staff may share one)."""
    if organisation is not None:
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def phone_taken(*, organisation: Organisation | None, phone: str, exclude: int | None = None):
    """The person of a client organisation who already has this phone number, or None. A phone
    names a caller within a client (the desk finds callers by it), so it is unique there."""
    if not phone or organisation is None or organisation.kind != Organisation.Kind.CLIENT:
        return None
    return (User.objects.filter(organisation=organisation, phone=phone).exclude(pk=exclude)
            .only("pk", "username", "name").first())


def _check_phone(organisation, phone, exclude=None) -> None:
    other = phone_taken(organisation=organisation, phone=phone, exclude=exclude)
    if other is not None:
        raise InvalidInput(
            _("%(person)s of this organisation already has the phone number %(phone)s.")
            % {"person": other.display_name, "phone": phone}, field="phone", code="duplicate")


def check_may_manage(actor: User, organisation: Organisation | None, role: str) -> None:
    if not may_manage_people(actor):
        raise PermissionRefused(_("You may not manage people."))
    if role not in roles_grantable_by(actor):
        raise PermissionRefused(_("You may not give this role."), field="role")
    if organisation is None:
        if role in CLIENT_ROLES or not can(actor, Capability.ADMINISTER):
            raise InvalidInput(_("Choose the person's organisation."), field="organisation")
        return
    if not organisations_managed_by(actor).filter(pk=organisation.pk).exists():
        raise PermissionRefused(_("You may not manage the people of this organisation."),
                                field="organisation")


def free_username(base: str) -> str:
    """A username nobody has yet, made from ``base`` (e.g. the organisation and employee
    number); callers without a login still need one."""
    base = re.sub(r"[^\w.@+-]+", "-", base.strip().lower()).strip("-")[:120] or "person"
    candidate = base
    while User.objects.filter(username__iexact=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


@transaction.atomic
def person_add(*, actor: User, organisation: Organisation | None, name: str,
               role: str = Role.END_USER, username: str = "", department: Department | None = None,
               site: Site | None = None, phone: str = "", employee_no: str = "",
               email: str = "") -> User:
    """Add a person from the portal: an administrator anyone, a project manager a client's
    people of their contracts. Without a username one is made up; the person has no password
    (they set one through "forgot password", or stay a caller the desk logs for)."""
    check_may_manage(actor, organisation, role)
    _lock_organisation(organisation)
    _check_phone(organisation, phone)
    if not username:
        code = organisation.code if organisation else "person"
        username = free_username(f"{code}-{employee_no or phone or name}")
    elif User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("This username is taken."), field="username", code="duplicate")
    return person_create(actor=actor, username=username, name=name, role=role,
                         organisation=organisation, department=department, site=site,
                         phone=phone, employee_no=employee_no, email=email)


@transaction.atomic
def person_update(*, actor: User, person: User, **changes) -> User:
    """Edit a person's details or role (EDITABLE_FIELDS). A role change is a security event
    (accounts/receivers.py); a project manager can neither give nor take a provider role."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(fields)s")
                           % {"fields": ", ".join(sorted(unknown))})
    person = User.objects.select_for_update().get(pk=person.pk)
    check_may_manage(actor, person.organisation, person.role)
    if "role" in changes:
        check_may_manage(actor, person.organisation, changes["role"])
        if person.pk == actor.pk and changes["role"] != person.role:
            raise ActionRefused(_("You cannot change your own role."), field="role")
    _lock_organisation(person.organisation)
    if "phone" in changes and changes["phone"] != person.phone:
        _check_phone(person.organisation, changes["phone"], exclude=person.pk)
    changed = [f for f, value in changes.items()
               if getattr(person, f if f not in ("department", "site") else f + "_id")
               != (value.pk if hasattr(value, "pk") else value)]
    if not changed:
        return person
    for field, value in changes.items():
        setattr(person, field, value)
    _full_clean(person)
    person._change_reason = "edited"
    person._history_user = actor
    person.save(update_fields=changed)
    return person


@transaction.atomic
def person_set_active(*, actor: User, person: User, active: bool) -> User:
    """Deactivate a person (they can no longer log in, and are no longer offered as a caller or
    an engineer; their tickets and history stay) or make them active again."""
    person = User.objects.select_for_update().get(pk=person.pk)
    check_may_manage(actor, person.organisation, person.role)
    if person.pk == actor.pk and not active:
        raise ActionRefused(_("You cannot deactivate yourself."), code="self")
    if person.is_active == active:
        return person
    person.is_active = active
    person._change_reason = "activated" if active else "deactivated"
    person._history_user = actor
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def caller_create(*, actor: User, name: str, phone: str, organisation: Organisation,
                  department: Department | None = None, site: Site | None = None,
                  employee_no: str = "", email: str = "") -> User:
    """A caller the desk (or a phone integration) creates: an end user of a client of the
    actor's contracts, without a login."""
    if not may_create_callers(actor):
        raise PermissionRefused(_("You may not create callers."))
    if not callers_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionRefused(_("You may not create callers for this organisation."),
                                field="organisation")
    _lock_organisation(organisation)
    _check_phone(organisation, phone)
    username = free_username(f"{organisation.code}-{employee_no or phone or name}")
    return person_create(actor=actor, username=username, name=name, role=Role.END_USER,
                         organisation=organisation, department=department, site=site,
                         phone=phone, employee_no=employee_no, email=email)
