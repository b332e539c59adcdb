from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import CLIENT_ROLES, Role


class Organisation(models.Model):
    """A client (甲方) served under contracts, or the provider (乙方) that serves them."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("Client (Party A)")
        PROVIDER = "provider", _("Provider (Party B)")

    code = models.SlugField(_("code"), max_length=32, unique=True,
                            help_text=_("Short unique code, e.g. ACME."))
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CLIENT)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="departments", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent department"))

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_id and self.parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": _("The parent belongs to another organisation.")})


class Site(models.Model):
    """A place where service is delivered: a building, a floor, a machine room."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Where the site is (WGS-84, what a phone's browser reports): the check-in compares the
    # engineer's position with it (issue 16). Blank: the distance cannot be checked.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True, validators=[MinValueValidator(-90),
                                                           MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=[MinValueValidator(-180),
                                                            MaxValueValidator(180)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person: someone who files faults, answers the phone, fixes things or reads reports.

    People without a login (callers the desk logs tickets for) are users with an unusable password.
    Chinese names do not split into first and last name, so one ``name`` field holds it.
    """

    name = models.CharField(_("name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.END_USER,
                            db_index=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="people",
                                     verbose_name=_("organisation"))
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="people", verbose_name=_("department"))
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="people", verbose_name=_("site"))
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    employee_no = models.CharField(_("employee number"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE,
                                help_text=_("Language of the e-mails this person receives."))
    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_no"], condition=~Q(employee_no=""),
                name="person_unique_employee_no",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_shown(self.name, self.first_name, self.last_name, self.username)

    @staticmethod
    def name_shown(name: str, first_name: str, last_name: str, username: str) -> str:
        """display_name from the four columns, for lists read as values() rows."""
        return name or f"{first_name} {last_name}".strip() or username

    @property
    def is_client_side(self) -> bool:
        return self.role in CLIENT_ROLES

    def clean(self):
        super().clean()
        errors = {}
        org_id = self.organisation_id
        if self.department_id and self.department.organisation_id != org_id:
            errors["department"] = _("The department belongs to another organisation.")
        if self.site_id and self.site.organisation_id != org_id:
            errors["site"] = _("The site belongs to another organisation.")
        if self.organisation_id:
            expected = (Organisation.Kind.CLIENT if self.role in CLIENT_ROLES
                        else Organisation.Kind.PROVIDER)
            if self.organisation.kind != expected:
                errors["role"] = (
                    _("This role belongs to people of a client organisation.")
                    if expected == Organisation.Kind.CLIENT
                    else _("This role belongs to people of the provider.")
                )
        elif self.role in CLIENT_ROLES:
            errors["organisation"] = _("People of a client must belong to its organisation.")
        if errors:
            raise ValidationError(errors)


class SecurityEvent(models.Model):
    """One security-relevant event: logins, lockouts, role changes, exports, admin edits.

    Written by accounts.security.record_security_event only; read in the Django admin. Rows are
    never edited; `manage.py security_events_purge` deletes those older than the retention
    period (README, "Security events").
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Login locked")
        LOGOUT = "logout", _("Logout")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        ROLE_CHANGED = "role_changed", _("Role changed")
        PERMISSION_CHANGED = "permission_changed", _("Permissions changed")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        ADMIN_EDIT = "admin_edit", _("Admin edit")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("username tried"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True,
                                              db_index=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    target = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "ip_address", "at"], name="secevent_kind_ip_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username or ''} {self.at:%Y-%m-%d %H:%M}".strip()
