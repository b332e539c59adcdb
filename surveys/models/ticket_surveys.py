"""The survey a requester gets when their ticket is resolved (V1) and what a bad answer sets off."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sla.models import Contract

SCORE = [MinValueValidator(1), MaxValueValidator(5)]
SCORE_FIELDS = ("response_speed", "attitude", "ability", "overall")


class SurveyPolicy(models.Model):
    """Per contract: how many resolved tickets are surveyed and the monthly satisfaction target."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE,
                                    related_name="survey_policy", verbose_name=_("contract"))
    sample_percent = models.PositiveSmallIntegerField(
        _("surveyed share of resolved tickets (%)"), default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    quiet_days = models.PositiveSmallIntegerField(
        _("do not survey the same person again within (days)"), default=0)
    satisfaction_target = models.DecimalField(
        _("monthly satisfaction target (%)"), max_digits=5, decimal_places=2, default=90,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    complaint_limit = models.PositiveSmallIntegerField(
        _("complaints allowed per quarter"), default=5)
    major_complaint_limit = models.PositiveSmallIntegerField(
        _("major complaints allowed per quarter"), default=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey and complaint policy")
        verbose_name_plural = _("survey and complaint policies")

    def __str__(self) -> str:
        return str(self.contract)

    @classmethod
    def for_contract(cls, contract) -> SurveyPolicy:
        """The contract's policy; the defaults (unsaved) when none was set."""
        try:
            return contract.survey_policy
        except cls.DoesNotExist:
            return cls(contract=contract)


class TicketSurvey(models.Model):
    """One survey per resolved ticket, answerable once, by its requester, for 7 natural days.

    The link is /s/<token>: 256 random bits, so a link cannot be guessed and needs no login."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE,
                                  related_name="survey", verbose_name=_("ticket"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="surveys",
                                 verbose_name=_("contract"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="surveys", verbose_name=_("requester"))
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="surveys_about",
                                 verbose_name=_("engineer"))
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    fixed = models.BooleanField(_("really fixed"), null=True, blank=True)
    response_speed = models.PositiveSmallIntegerField(_("response speed"), null=True,
                                                      blank=True, validators=SCORE)
    attitude = models.PositiveSmallIntegerField(_("service attitude"), null=True, blank=True,
                                                validators=SCORE)
    ability = models.PositiveSmallIntegerField(_("professional ability"), null=True, blank=True,
                                               validators=SCORE)
    overall = models.PositiveSmallIntegerField(_("overall"), null=True, blank=True,
                                               validators=SCORE)
    comment = models.TextField(_("comment"), blank=True)
    wants_complaint = models.BooleanField(_("wants to complain"), default=False)

    class Meta:
        verbose_name = _("ticket survey")
        verbose_name_plural = _("ticket surveys")
        ordering = ["-sent_at"]
        constraints = [
            *(models.CheckConstraint(condition=Q(**{f"{f}__isnull": True})
                                     | Q(**{f"{f}__gte": 1, f"{f}__lte": 5}),
                                     name=f"survey_{f}_1_to_5") for f in SCORE_FIELDS),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(fixed__isnull=False,
                                                          overall__isnull=False),
                name="survey_answer_complete"),
        ]
        indexes = [
            # The analysis reads one contract's surveys sent in a period.
            models.Index(fields=["contract", "sent_at"], name="survey_contract_sent"),
            models.Index(fields=["requester", "-sent_at"], name="survey_requester_recent"),
            models.Index(fields=["engineer", "answered_at"], name="survey_engineer_answered",
                         condition=Q(answered_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.sent_at:%Y-%m-%d}"


class CallbackTask(models.Model):
    """A low score (≤ 2): the desk calls the user back by the end of the next working day."""

    survey = models.OneToOneField(TicketSurvey, on_delete=models.CASCADE,
                                  related_name="callback", verbose_name=_("survey"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="callbacks",
                                 verbose_name=_("contract"))
    due_at = models.DateTimeField(_("call back by"))
    done_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("called back by"))
    outcome = models.TextField(_("outcome of the call"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("callback task")
        verbose_name_plural = _("callback tasks")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["contract", "due_at"], name="callback_open_due",
                                condition=Q(done_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.survey.ticket_id} {self.due_at:%Y-%m-%d}"
