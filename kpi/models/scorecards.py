"""Engineer scorecards (K2, seed 000 员工KPI评估指标): a quarter's objective figures from the rollup
plus manager ratings on four dimensions with three sub-items each, weighted into 0–100.

Below the pass mark (80) the engineer is "not up to standard" and the contract's PM is told once
(seed 000: an engineer under 80 in a quarter is replaced at the client's request).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Seed 000's four dimensions and their sub-items: (dimension, label, [(item, label), …]).
RATING_ITEMS = [
    ("attitude", _("Service attitude"), [
        ("attitude_response", _("Prompt response")),
        ("attitude_guidance", _("Careful guidance")),
        ("attitude_patience", _("Patient answers")),
    ]),
    ("timeliness", _("Response timeliness"), [
        ("timeliness_reporting", _("Reports in time")),
        ("timeliness_arrival", _("Arrives on time")),
        ("timeliness_remedy", _("Speed of remedy")),
    ]),
    ("ability", _("Technical ability"), [
        ("ability_resolution", _("Time to resolve")),
        ("ability_improvement", _("Optimisation and improvement")),
        ("ability_recognition", _("Client recognition")),
    ]),
    ("etiquette", _("Workplace etiquette"), [
        ("etiquette_dress", _("Appearance and dress")),
        ("etiquette_language", _("Polite language")),
        ("etiquette_rules", _("Follows the rules")),
    ]),
]
RATING_ITEM_CHOICES = [(code, label) for _dim, _label, items in RATING_ITEMS
                       for code, label in items]
SCORE_100 = [MinValueValidator(0), MaxValueValidator(100)]


def _weight(label, default):
    return models.PositiveSmallIntegerField(label, default=default,
                                            validators=[MaxValueValidator(100)])


class ScorecardScheme(models.Model):
    """The weights and scales; one scheme per contract (or the default one, contract empty)."""

    contract = models.OneToOneField("sla.Contract", on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="scorecard_scheme",
                                    verbose_name=_("contract"),
                                    help_text=_("Empty: the scheme for every other contract."))
    objective_weight = _weight(_("objective part (%)"), 50)
    # Objective sub-weights, out of 100.
    w_volume = _weight(_("weight: tickets handled"), 20)
    w_on_time = _weight(_("weight: on-time rate"), 30)
    w_satisfaction = _weight(_("weight: satisfaction"), 30)
    w_reopen = _weight(_("weight: reopen rate"), 10)
    w_complaints = _weight(_("weight: complaints"), 10)
    volume_target = models.PositiveIntegerField(
        _("tickets per quarter for full marks"), default=150)
    reopen_penalty = models.PositiveSmallIntegerField(
        _("points lost per percentage point reopened"), default=5)
    complaint_penalty = models.PositiveSmallIntegerField(
        _("points lost per complaint"), default=20)
    # Rating dimension weights, out of 100.
    w_attitude = _weight(_("weight: service attitude"), 25)
    w_timeliness = _weight(_("weight: response timeliness"), 25)
    w_ability = _weight(_("weight: technical ability"), 25)
    w_etiquette = _weight(_("weight: workplace etiquette"), 25)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=80,
                                                 validators=[MaxValueValidator(100)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard scheme")
        verbose_name_plural = _("scorecard schemes")

    def __str__(self) -> str:
        return str(self.contract) if self.contract_id else str(_("Default scheme"))


class Scorecard(models.Model):
    """One engineer's quarter on one contract."""

    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="scorecards", verbose_name=_("engineer"))
    contract = models.ForeignKey("sla.Contract", on_delete=models.PROTECT,
                                 related_name="scorecards", verbose_name=_("contract"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1),
                                                                       MaxValueValidator(4)])
    figures = models.JSONField(_("objective figures"), default=dict, blank=True)
    objective_score = models.DecimalField(_("objective score"), max_digits=5, decimal_places=2,
                                          null=True, blank=True)
    rating_score = models.DecimalField(_("rating score"), max_digits=5, decimal_places=2,
                                       null=True, blank=True)
    composite = models.DecimalField(_("composite score"), max_digits=5, decimal_places=2,
                                    null=True, blank=True)
    below_standard = models.BooleanField(_("not up to standard"), default=False)
    flag_notified_at = models.DateTimeField(_("PM told at"), null=True, blank=True)
    manager_comment = models.TextField(_("manager's comment"), blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("engineer scorecard")
        verbose_name_plural = _("engineer scorecards")
        ordering = ["-year", "-quarter", "engineer__name"]
        constraints = [
            models.UniqueConstraint(fields=["engineer", "contract", "year", "quarter"],
                                    name="scorecard_once_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4),
                                   name="scorecard_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} {self.year}Q{self.quarter}"


class ScorecardRating(models.Model):
    """A manager's score (0–100) on one sub-item of a scorecard."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings",
                                  verbose_name=_("scorecard"))
    item = models.CharField(_("item"), max_length=32, choices=RATING_ITEM_CHOICES)
    score = models.PositiveSmallIntegerField(_("score"), validators=SCORE_100)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("rated by"))
    rated_at = models.DateTimeField(_("rated at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard rating")
        verbose_name_plural = _("scorecard ratings")
        ordering = ["scorecard", "item"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "item"], name="rating_once_per_item"),
            models.CheckConstraint(condition=Q(score__lte=100), name="rating_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} {self.item}={self.score}"
