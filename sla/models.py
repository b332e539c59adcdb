import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Site
from accounts.roles import Role


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(value)s is not an IANA time zone."),
                              params={"value": value}) from None


class ServiceCalendar(models.Model):
    """The service hours a contract's clocks run on.

    The weekly hours are written the way the ``sla_deadline`` command reads them, e.g.
    ``mon-sat 09:00-21:00`` or ``24x7``. The business-time engine and the holiday tables arrive
    with the SLA work; until then this names the calendar a contract is on.
    """

    class Holidays(models.TextChoices):
        CN = "CN", _("China: statutory holidays and make-up working days")
        NONE = "none", _("No holidays")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    hours = models.CharField(_("weekly service hours"), max_length=200,
                             help_text=_("e.g. mon-sat 09:00-21:00, or 24x7"))
    holidays = models.CharField(_("holidays"), max_length=8, choices=Holidays.choices,
                                default=Holidays.CN)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai",
                                 validators=[validate_timezone])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service calendar")
        verbose_name_plural = _("service calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A service contract between a client and the provider: the unit every record is scoped by."""

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Unique contract code, e.g. DEMO-DESKTOP."))
    name = models.CharField(_("name"), max_length=200)
    client = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts",
                               limit_choices_to={"kind": Organisation.Kind.CLIENT},
                               verbose_name=_("client"))
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                 related_name="provided_contracts",
                                 limit_choices_to={"kind": Organisation.Kind.PROVIDER},
                                 verbose_name=_("provider"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    scope = models.TextField(_("service scope"), blank=True)
    calendar = models.ForeignKey(ServiceCalendar, on_delete=models.PROTECT,
                                 related_name="contracts", verbose_name=_("service calendar"))
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="managed_contracts",
        limit_choices_to={"role": Role.PROJECT_MANAGER}, verbose_name=_("project manager"))
    sites = models.ManyToManyField(Site, blank=True, related_name="contracts",
                                   verbose_name=_("sites served"))
    client_contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contact_for_contracts",
        limit_choices_to={"role": Role.CLIENT_CONTACT}, verbose_name=_("client IT contacts"))
    desk_phone = models.CharField(_("service desk phone"), max_length=40, blank=True)
    desk_email = models.EmailField(_("service desk e-mail"), blank=True)
    department_visibility = models.BooleanField(
        _("end users see their department's tickets"), default=False,
        help_text=_("Otherwise end users see only the tickets they filed themselves."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="contract_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The contract cannot end before it starts.")
        if self.client_id and self.client.kind != Organisation.Kind.CLIENT:
            errors["client"] = _("Choose a client organisation.")
        if self.provider_id and self.provider.kind != Organisation.Kind.PROVIDER:
            errors["provider"] = _("Choose the provider organisation.")
        if errors:
            raise ValidationError(errors)

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class ContractMember(models.Model):
    """A provider person on a contract's team, with the part they play on it."""

    class Duty(models.TextChoices):
        AGENT = "agent", _("Service desk")
        ENGINEER = "engineer", _("On-site engineer")
        SECOND_LINE = "second_line", _("Second-line engineer")
        DELIVERY_MANAGER = "delivery_manager", _("Service delivery manager")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="members",
                                 verbose_name=_("contract"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="contract_memberships", verbose_name=_("person"))
    duty = models.CharField(_("duty"), max_length=32, choices=Duty.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["contract", "duty", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "user"], name="contract_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_duty_display()})"
