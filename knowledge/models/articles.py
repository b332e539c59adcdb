"""Knowledge articles (知识库, B1): symptom, cause and solution in Markdown, public or internal,
draft → review → published → retired, with every edit kept as a version (issue 18.1), and what
readers do with them: helpful votes, "this solved it" while filing (deflections, 18.2) and the
article a ticket was resolved with.

State changes live in knowledge/services/articles.py; this module declares the data and the
database invariants. Search indexes (bigrams, knowledge 0001) are expression indexes the
migration creates, so no service has to keep them in step.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public (end users see it)")
    INTERNAL = "internal", _("Internal (staff only)")


# The fields one version of an article keeps (the content, not its state).
CONTENT_FIELDS = ("title", "symptom", "cause", "solution", "title_en", "symptom_en", "cause_en",
                  "solution_en")


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    symptom = models.TextField(_("symptom"), max_length=20000,
                               help_text=_("What the user sees, in their words (Markdown)."))
    cause = models.TextField(_("cause"), max_length=20000, blank=True,
                             help_text=_("Why it happens, when known (Markdown)."))
    solution = models.TextField(_("solution"), max_length=20000,
                                help_text=_("The steps that fix it (Markdown)."))
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    symptom_en = models.TextField(_("symptom (English)"), max_length=20000, blank=True)
    cause_en = models.TextField(_("cause (English)"), max_length=20000, blank=True)
    solution_en = models.TextField(_("solution (English)"), max_length=20000, blank=True)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    status = models.CharField(_("status"), max_length=16, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT)
    contract = models.ForeignKey(
        "sla.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("contract"),
        help_text=_("Leave empty for an article every contract may read."))
    service_type = models.ForeignKey("tickets.ServiceType", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("service type"))
    category = models.ForeignKey("tickets.Category", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("category"))
    asset_models = models.CharField(
        _("asset models"), max_length=300, blank=True,
        help_text=_("The device models it applies to, separated by commas."))
    source_ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+",
                                      verbose_name=_("proposed from ticket"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("author"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    review_note = models.TextField(_("review note"), max_length=2000, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date"),
        ]
        indexes = [
            # What readers browse: the published articles, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_published",
                         condition=Q(status="published")),
            # The desk's weekly review queue, oldest submission first.
            models.Index(fields=["submitted_at"], name="article_review_queue",
                         condition=Q(status="review")),
            models.Index(fields=["source_ticket"], name="article_source_ticket",
                         condition=Q(source_ticket__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def asset_model_list(self) -> list[str]:
        return [m.strip() for m in self.asset_models.split(",") if m.strip()]


class ArticleVersion(models.Model):
    """The content of an article as one edit left it: revision 1 is the first draft."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions",
                                verbose_name=_("article"))
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    symptom = models.TextField(_("symptom"))
    cause = models.TextField(_("cause"), blank=True)
    solution = models.TextField(_("solution"))
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    symptom_en = models.TextField(_("symptom (English)"), blank=True)
    cause_en = models.TextField(_("cause (English)"), blank=True)
    solution_en = models.TextField(_("solution (English)"), blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("edited by"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (r{self.number})"


class ArticleAttachment(models.Model):
    """A file (usually a screenshot) of an article; the only images its body may show."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("article"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(_("stored as"), max_length=255, unique=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ArticleVote(models.Model):
    """"Was this helpful?": one answer per reader per article, which they may change."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes",
                                verbose_name=_("article"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("reader"))
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="article_vote_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.helpful}"


class Deflection(models.Model):
    """An end user filing a fault found the answer in an article and filed nothing (18.2)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections",
                                verbose_name=_("article"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("user"))
    contract = models.ForeignKey("sla.Contract", on_delete=models.CASCADE, null=True,
                                 related_name="+", verbose_name=_("contract"))
    query = models.CharField(_("what they typed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        indexes = [
            # KPI: a contract's deflections in a period; the top articles in a period.
            models.Index(fields=["contract", "created_at"], name="deflection_contract"),
            models.Index(fields=["created_at", "article"], name="deflection_period"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class TicketArticle(models.Model):
    """The article a ticket was resolved with ("resolved with article X"): one per ticket."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE,
                                  related_name="knowledge_link", verbose_name=_("ticket"))
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="ticket_links",
                                verbose_name=_("article"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("linked by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("article used on a ticket")
        verbose_name_plural = _("articles used on tickets")
        indexes = [models.Index(fields=["article", "created_at"], name="ticket_article_used")]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.article_id}"
