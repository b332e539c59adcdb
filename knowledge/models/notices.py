"""Maintenance notices (seed 001: published ≥ 48 h ahead by announcement and e-mail): the window,
the affected sites and service, who was told, and the tickets filed during the window."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Site
from sla.models import Contract

DEFAULT_NOTICE_HOURS = 48


class NoticePolicy(models.Model):
    """A contract's notice period; a contract without a row uses DEFAULT_NOTICE_HOURS."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE,
                                    related_name="notice_policy", verbose_name=_("contract"))
    notice_hours = models.PositiveIntegerField(
        _("notice period (hours)"), default=DEFAULT_NOTICE_HOURS,
        help_text=_("How long before a maintenance window its notice must go out."))

    class Meta:
        verbose_name = _("notice policy")
        verbose_name_plural = _("notice policies")

    def __str__(self) -> str:
        return f"{self.contract.code}: {self.notice_hours} h"


class Notice(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="notices",
                                 verbose_name=_("contract"))
    change = models.ForeignKey("knowledge.Change", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="notices", verbose_name=_("change"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    starts_at = models.DateTimeField(_("window starts"))
    ends_at = models.DateTimeField(_("window ends"))
    sites = models.ManyToManyField(Site, blank=True, related_name="notices",
                                   verbose_name=_("affected sites"),
                                   help_text=_("None: every site of the contract."))
    service_type = models.ForeignKey("tickets.ServiceType", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="notices",
                                     verbose_name=_("affected service"))
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    emergency_reason = models.TextField(
        _("emergency reason"), blank=True,
        help_text=_("Why this notice goes out later than the notice period (PM only)."))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"))
    updated_at = models.DateTimeField(_("updated at"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    tickets = models.ManyToManyField("tickets.Ticket", blank=True, related_name="notices",
                                     verbose_name=_("tickets filed during the window"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance notice")
        verbose_name_plural = _("maintenance notices")
        ordering = ["starts_at", "id"]
        indexes = [
            # The banner and the calendar: live notices by window end.
            models.Index(fields=["contract", "ends_at"], name="notice_live",
                         condition=Q(cancelled_at__isnull=True)),
        ]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="notice_window_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    """Who was told of a notice (so an edit tells exactly them again) and of which revision."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients",
                               verbose_name=_("notice"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("person"))
    revision = models.PositiveSmallIntegerField(_("revision told"))

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "person"],
                                               name="notice_recipient_once")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.person_id}"
