import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, Site
from accounts.roles import Role
from core.clock import now
from sla.calendar import HoursError, parse_hours


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(value)s is not an IANA time zone."),
                              params={"value": value}) from None


def validate_hours(value: str) -> None:
    try:
        parse_hours(value)
    except HoursError as exc:
        raise ValidationError(str(exc)) from None


class ServiceCalendar(models.Model):
    """The service hours a contract's clocks run on (S3).

    The weekly hours are written the way the ``sla_deadline`` command reads them, e.g.
    ``mon-sat 09:00-21:00`` or ``24x7``; with holidays ``CN`` the official holidays are closed
    and make-up working days open with Monday's hours (sla/calendar.py, sla/holidays.py).
    """

    class Holidays(models.TextChoices):
        CN = "CN", _("China: statutory holidays and make-up working days")
        NONE = "none", _("No holidays")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    hours = models.CharField(_("weekly service hours"), max_length=200,
                             validators=[validate_hours],
                             help_text=_("e.g. mon-sat 09:00-21:00; mon-fri 09:00-12:00,"
                                         "13:30-18:00; or 24x7"))
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
    webhooks = models.ManyToManyField(
        "notifications.ChatWebhook", blank=True, related_name="contracts",
        verbose_name=_("chat robots"),
        help_text=_("WeCom, DingTalk or Feishu group robots that receive this contract's SLA "
                    "escalations."))
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

    @property
    def active(self) -> bool:
        """In force today (Asia/Shanghai by default: the project's time zone)."""
        return self.is_active_on(timezone.localdate(now()))

    @property
    def days_left(self) -> int:
        return (self.ends_on - timezone.localdate(now())).days


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


class HolidayYear(models.Model):
    """A year whose official holidays and make-up working days are entered (confirmed).

    For a year that is not confirmed, deadlines fall back to the weekly hours and are marked
    provisional; admins are warned from October that next year is missing.
    """

    region = models.CharField(_("region"), max_length=8, default="CN")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("Where the days came from, e.g. chinesecalendar 1.11.0."))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")
        ordering = ["region", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="holiday_year_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class HolidayDay(models.Model):
    """One official day: closed (a holiday, weekend days inside it included) or a make-up
    working day (调休), which is open with the calendar's Monday hours."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Holiday (closed)")
        MAKEUP = "makeup", _("Make-up working day")

    region = models.CharField(_("region"), max_length=8, default="CN")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering = ["region", "day"]
        constraints = [
            models.UniqueConstraint(fields=["region", "day"], name="holiday_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class ClockKind(models.TextChoices):
    # "Resolution" alone is also the resolution code (解决方式); a clock is 解决 (time to resolve).
    RESPONSE = "response", pgettext_lazy("SLA clock", "Response")
    ARRIVAL = "arrival", pgettext_lazy("SLA clock", "On-site arrival")
    RESOLUTION = "resolution", pgettext_lazy("SLA clock", "Resolution")


class Target(models.Model):
    """Service level per contract × service type × priority (S2): minutes on a calendar."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="targets",
                                 verbose_name=_("contract"))
    service_type = models.ForeignKey("tickets.ServiceType", on_delete=models.CASCADE,
                                     related_name="targets", verbose_name=_("service type"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=[(1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")])
    response_minutes = models.PositiveIntegerField(_("response (minutes)"))
    arrival_minutes = models.PositiveIntegerField(
        _("on-site arrival (minutes)"), null=True, blank=True,
        help_text=_("Empty: no arrival clock for this type and priority."))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))
    calendar = models.ForeignKey(
        ServiceCalendar, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("calendar"), help_text=_("Empty: the contract's calendar."))
    warning_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warn at (% elapsed)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service level target")
        verbose_name_plural = _("service level targets")
        ordering = ["contract", "service_type", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "service_type", "priority"],
                                    name="target_once"),
            models.CheckConstraint(condition=Q(response_minutes__gt=0)
                                   & Q(resolution_minutes__gt=0), name="target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.service_type} P{self.priority}"

    def minutes_for(self, kind: str) -> int | None:
        return {ClockKind.RESPONSE: self.response_minutes, ClockKind.ARRIVAL: self.arrival_minutes,
                ClockKind.RESOLUTION: self.resolution_minutes}[kind]


class Clock(models.Model):
    """One SLA clock of a ticket, with its deadline stored (S4), never recomputed on read.

    While running, `due_at` and `warn_at` are set; a pause clears them and the resume sets them
    again from the business time left, measured on the same calendar as the deadline.
    `next_check_at` is when the minute job must next look at this clock (the warning, the
    deadline, a later escalation level) — NULL when nothing is pending, so the job reads only
    what comes due through a partial index.
    """

    # No index of its own: clock_once_per_kind (ticket, kind) serves every look-up by ticket,
    # and each index is written again by every clock update of the minute job.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="clocks",
                               verbose_name=_("ticket"), db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ClockKind.choices)
    calendar = models.ForeignKey(ServiceCalendar, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("calendar"))
    target_seconds = models.PositiveIntegerField(_("target (business seconds)"))
    # xgettext:no-python-format
    warning_percent = models.PositiveSmallIntegerField(_("warn at (% elapsed)"), default=80)
    started_at = models.DateTimeField(_("started at"))
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    consumed_seconds = models.PositiveIntegerField(
        _("business seconds used before running_since"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused (business seconds)"), default=0)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("The deadline crosses a year whose holidays are not entered yet."))
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True,
                              help_text=_("Empty while running or when not needed."))
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["ticket", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="clock_once_per_kind"),
        ]
        indexes = [
            models.Index(fields=["next_check_at"], name="clock_next_check",
                         condition=Q(next_check_at__isnull=False)),
            models.Index(fields=["due_at"], name="clock_running_due",
                         condition=Q(stopped_at__isnull=True, paused_since__isnull=True)),
            # The KPI rollup reads the clocks whose outcome became known on given days.
            models.Index(fields=["stopped_at"], name="clock_stopped",
                         condition=Q(stopped_at__isnull=False)),
            models.Index(fields=["breached_at"], name="clock_breached",
                         condition=Q(breached_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None and self.paused_since is None


class EscalationRule(models.Model):
    """A rung of the escalation ladder (S5): who hears, and when relative to the deadline."""

    class Trigger(models.TextChoices):
        WARNING = "warning", _("At the warning threshold")
        BREACH = "breach", _("After the deadline")

    class Recipient(models.TextChoices):
        ASSIGNEE = "assignee", _("Assigned engineer")
        PROJECT_MANAGER = "project_manager", _("Project manager (Manager1)")
        DELIVERY_MANAGER = "delivery_manager", _("Service delivery manager (Manager2)")
        GENERAL_MANAGER = "general_manager", _("General manager (Manager3)")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="escalation_rules", verbose_name=_("contract"),
                                 help_text=_("Empty: every contract without rules of its own."))
    level = models.PositiveSmallIntegerField(_("level"))
    trigger = models.CharField(_("trigger"), max_length=8, choices=Trigger.choices)
    offset_minutes = models.PositiveIntegerField(
        _("minutes after the deadline"), default=0,
        help_text=_("For breach rules: 0 fires at the deadline, 30 half an hour later."))
    max_priority = models.PositiveSmallIntegerField(
        _("up to priority"), default=4, help_text=_("4 = all priorities; 2 = only P1 and P2."))
    clock_kinds = models.CharField(_("clocks"), max_length=40,
                                   default="response,arrival,resolution")
    recipient = models.CharField(_("who is told"), max_length=20, choices=Recipient.choices)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["contract", "level"]

    def __str__(self) -> str:
        return f"L{self.level} {self.get_trigger_display()} +{self.offset_minutes} → " \
               f"{self.get_recipient_display()}"

    def applies_to(self, kind: str, priority: int) -> bool:
        return self.active and priority <= self.max_priority and kind in self.clock_kinds.split(",")


class Escalation(models.Model):
    """An escalation that fired: one row per (clock, rule) — the database keeps it exactly once."""

    # escalation_once (clock, rule) is the index for look-ups by clock.
    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="escalations",
                              verbose_name=_("clock"), db_index=False)
    rule = models.ForeignKey(EscalationRule, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("rule"))
    fired_at = models.DateTimeField(_("fired at"))
    overdue_seconds = models.IntegerField(_("late by (business seconds)"), default=0)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-fired_at"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "rule"], name="escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.clock} L{self.rule.level}"
