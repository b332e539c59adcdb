"""Questionnaire campaigns (公司级客户满意度调查, V2): a question builder, an audience, one
invitation per person with its own link, answers, reminders, a live response rate."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sla.models import Contract


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # A campaign is open for answers (进行中), not an unfinished task (未完成).
        OPEN = "open", pgettext_lazy("campaign status", "Open")
        CLOSED = "closed", pgettext_lazy("campaign status", "Closed")

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    contracts = models.ManyToManyField(Contract, related_name="campaigns",
                                       verbose_name=_("contracts"))
    # Audience: the client people of the contracts, narrowed by department names and roles.
    departments = models.ManyToManyField("accounts.Department", blank=True, related_name="+",
                                         verbose_name=_("only these departments"))
    roles = models.JSONField(_("only these roles"), default=list, blank=True)
    anonymous = models.BooleanField(
        _("anonymous"), default=False,
        help_text=_("Answers are not shown with the respondent's name."))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    remind_every_days = models.PositiveSmallIntegerField(_("remind every (days)"), default=7)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("questionnaire campaign")
        verbose_name_plural = _("questionnaire campaigns")
        ordering = ["-opens_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("5-point scale")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions",
                                 verbose_name=_("campaign"))
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["campaign", "ordering", "pk"]

    def __str__(self) -> str:
        return self.text


class Invitation(models.Model):
    """One person asked to answer a campaign, with their own link; answered once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE,
                                 related_name="invitations", verbose_name=_("campaign"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="campaign_invitations", verbose_name=_("person"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("contract"))
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    invited_at = models.DateTimeField(_("invited at"))
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.person_id}"


class Answer(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE,
                                   related_name="answers", verbose_name=_("invitation"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("question"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.question_id}"
