"""Problems (问题, REQUIREMENTS B2): the cause behind recurring faults and major incidents.

A problem is proposed by the system (two or more faults on one asset and category within
RECURRING_FAULT_DAYS, or a P1 major incident) or opened by hand; its owner records the root
cause, the workaround and the known error, links the fix as a change, and the client confirms
that the fault is gone (seed 003 1.1.8.1). The 故障分析报告 PDF prints it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sla.models import Contract


class Problem(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        OPEN = "open", _("Under analysis")
        KNOWN_ERROR = "known_error", _("Known error")
        FIXING = "fixing", _("Fix in progress")
        AWAITING_CONFIRMATION = "awaiting", _("Awaiting the client's confirmation")
        CLOSED = "closed", _("Closed")
        DISMISSED = "dismissed", _("Dismissed")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Opened by hand")
        RECURRING = "recurring", _("Recurring fault")
        MAJOR_INCIDENT = "major_incident", _("Major incident (P1)")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="problems",
                                 verbose_name=_("contract"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices,
                              default=Source.MANUAL)
    # "asset:<id>:category:<id>" or "ticket:<id>": one proposal per recurring fault or major
    # incident, however often the sweep and the intake signal look (a unique constraint).
    proposal_key = models.CharField(_("proposal key"), max_length=60, null=True, blank=True,
                                    unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="owned_problems",
                              verbose_name=_("owner"))
    tickets = models.ManyToManyField("tickets.Ticket", blank=True, related_name="problems",
                                     verbose_name=_("linked tickets"))
    assets = models.ManyToManyField("assets.Asset", blank=True, related_name="problems",
                                    verbose_name=_("linked assets"))
    root_cause = models.TextField(_("root cause analysis"), blank=True)
    workaround = models.TextField(_("workaround"), blank=True)
    known_error = models.TextField(
        _("known error"), blank=True,
        help_text=_("The fault as the desk will recognise it next time, and what to do."))
    # The known error published as an article (a draft the desk reviews like any other), so the
    # next caller with the same fault finds it while filing.
    known_error_article = models.ForeignKey(
        "knowledge.Article", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="known_error_of", verbose_name=_("known-error article"))
    fix_change = models.ForeignKey("knowledge.Change", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="fixes_problems",
                                   verbose_name=_("fix (change)"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_note = models.TextField(_("confirmation note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created_at", "-id"]
        # The lists, newest first: across the contracts a person sees (read in index order,
        # filtered) and within one contract.
        indexes = [models.Index(fields=["-created_at", "-id"], name="problem_new"),
                   models.Index(fields=["contract", "-created_at", "-id"],
                                name="problem_contract_new")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ProblemCounter(models.Model):
    """Last problem number handed out per year: PRB-2026-0001…"""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("problem counter")
        verbose_name_plural = _("problem counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
