"""Tickets (工单): faults, service requests and consultations, their work log and attachments.

State changes live in tickets/services.py (the rules in tickets/workflow.py); this module only
declares the data and the database invariants.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Site
from core import thumbnails, uploads
from core.models import BilingualName, Versioned
from sla.models import Contract
from tickets.choices import (  # the ticket's enumerations; imported from here by the other apps
    OPEN_STATUSES,
    Channel,
    EscalationTarget,
    Kind,
    PendingReason,
    Priority,
    ResolutionCode,
    Status,
)
from tickets.events import describe


class ServiceType(BilingualName):
    """Hardware, software, network… each with its own SLA targets per contract (T3, S2)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    needs_on_site = models.BooleanField(
        _("usually needs a visit"), default=False,
        help_text=_("New tickets of this type expect an engineer on site."))
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["ordering", "code"]


class Category(BilingualName):
    """A node of the category tree under a service type (e.g. 硬件 › 打印机 › 卡纸)."""

    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE,
                                     related_name="categories", verbose_name=_("service type"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children", verbose_name=_("parent category"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["service_type__ordering", "parent_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service_type", "parent", "name"],
                                    name="category_unique_name"),
        ]

    @property
    def path_label(self) -> str:
        return f"{self.parent.label} › {self.label}" if self.parent_id else self.label


class Ticket(Versioned):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FAULT)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices,
                               default=Channel.PORTAL)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="tickets",
                                 verbose_name=_("contract"))
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT,
                                     related_name="tickets", verbose_name=_("service type"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="tickets", verbose_name=_("category"))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices,
                                                default=Priority.P3)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="requested_tickets", verbose_name=_("requester"))
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="logged_tickets", verbose_name=_("logged by"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="tickets", verbose_name=_("site"))
    location = models.CharField(_("location"), max_length=200, blank=True,
                                help_text=_("Room, desk or rack where the problem is."))
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="tickets", verbose_name=_("asset"))
    recurring_fault = models.BooleanField(
        _("recurring fault"), default=False,
        help_text=_("The same fault on the same asset within the recurrence window."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="assigned_tickets",
                                 verbose_name=_("assignee"))
    needs_on_site = models.BooleanField(_("needs a visit"), default=False)
    pending_reason = models.CharField(_("pending reason"), max_length=16,
                                      choices=PendingReason.choices, blank=True)
    status_before_pending = models.CharField(_("status before pending"), max_length=16,
                                             choices=Status.choices, blank=True)
    escalated_to = models.CharField(_("escalated to"), max_length=20,
                                    choices=EscalationTarget.choices, blank=True)
    resolution_code = models.CharField(_("resolution code"), max_length=16,
                                       choices=ResolutionCode.choices, blank=True)
    resolution_notes = models.TextField(_("resolution notes"), blank=True)
    first_line_resolution = models.BooleanField(_("resolved at the desk"), default=False)
    auto_closed = models.BooleanField(_("closed without confirmation"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    time_spent_minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    sla_due_at = models.DateTimeField(
        _("next SLA deadline"), null=True, blank=True, editable=False,
        help_text=_("The soonest deadline of the running SLA clocks; the queue sorts by it."))
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="merged_from", verbose_name=_("merged into"),
        help_text=_("The ticket this duplicate was merged into; its number leads there."))
    submission_key = models.UUIDField(_("submission key"), null=True, blank=True, editable=False,
                                      help_text=_("Makes a resubmitted form create no second "
                                                  "ticket."))
    message_id = models.CharField(
        _("Message-ID"), max_length=255, blank=True, editable=False,
        help_text=_("The e-mail this ticket was filed from (channel e-mail)."))
    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "submission_key"],
                                    condition=Q(submission_key__isnull=False),
                                    name="ticket_submission_once"),
            models.CheckConstraint(
                condition=~Q(status="pending") | ~Q(pending_reason=""),
                name="ticket_pending_has_reason"),
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(resolution_code=""),
                name="ticket_resolved_has_code"),
        ]
        indexes = [
            # The dispatch queue: open tickets newest first, read 50 at a time (DESIGN.md).
            models.Index(fields=["-created_at"], name="ticket_open_recent",
                         condition=Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["contract", "-created_at"], name="ticket_open_contract",
                         condition=Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["assignee", "-created_at"], name="ticket_open_assignee",
                         condition=Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_recent"),
            models.Index(fields=["sla_due_at"], name="ticket_open_sla_due",
                         condition=Q(status__in=OPEN_STATUSES)),
            # The queue's other sorts ("most urgent", "recently changed") read 50 rows too.
            models.Index(fields=["priority", "-id"], name="ticket_open_priority",
                         condition=Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["-updated_at", "-id"], name="ticket_open_updated",
                         condition=Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["resolved_at"], name="ticket_resolved_waiting",
                         condition=Q(status="resolved")),
            # The KPI rollup and the reports: a contract's tickets resolved in a period.
            models.Index(fields=["contract", "resolved_at"], name="ticket_contract_resolved",
                         condition=Q(resolved_at__isnull=False)),
            # An asset's fault history, newest first; also the recurring-fault lookup.
            models.Index(fields=["asset", "-created_at"], name="ticket_asset_recent",
                         condition=Q(asset__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketCounter(models.Model):
    """Last number handed out per year: tickets are numbered 2026-000001, 2026-000002…"""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Entry(models.Model):
    """One line of a ticket's timeline: a reply, an internal note, or an event."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")
        EVENT = "event", _("Event")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="entries",
                               verbose_name=_("ticket"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    action = models.CharField(_("action"), max_length=32, blank=True,
                              help_text=_("For events: the transition, e.g. accept."))
    from_status = models.CharField(_("from status"), max_length=16, choices=Status.choices,
                                   blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices,
                                 blank=True)
    body = models.TextField(_("text"), blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True,
                              help_text=_("For events: who or what, stored language-neutral "
                                          "(a name or a code) and worded when shown."))
    internal = models.BooleanField(_("internal"), default=False,
                                   help_text=_("Never shown to end users or client contacts."))
    time_spent_minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="entry_ticket_time")]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="note") | Q(internal=True),
                                   name="entry_note_is_internal"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def event_text(self) -> str:
        """The event in the reader's language (entries store codes and names, not sentences)."""
        return describe(self)


class Attachment(models.Model):
    """A file on a ticket, in the file storage (MEDIA_ROOT or the object store) under a
    server-made name, never at a public URL."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("ticket"))
    entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="attachments", verbose_name=_("work log entry"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(_("stored as"), max_length=255, unique=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    internal = models.BooleanField(_("internal"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def has_thumbnail(self) -> bool:
        return thumbnails.has_thumbnail(self.content_type)

    @property
    def is_viewable(self) -> bool:
        """Shown in the browser (images, PDFs); everything else is only downloaded."""
        return self.content_type in uploads.INLINE_CONTENT_TYPES


# --- canned replies and resolution templates (issue 15.5) ---------------------------------------
class CannedReply(models.Model):
    """A reply the desk sends often (回复模板), for one contract or shared by all. The text may
    hold placeholders ({requester}, {number}, {engineer}, {due}; tickets/replies.py) filled in
    from the ticket when the reply is picked."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), max_length=5000)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="canned_replies", verbose_name=_("contract"),
                                 help_text=_("Empty: shared by every contract."))
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class ResolutionTemplate(models.Model):
    """What resolving a ticket of this category usually says: prefills the resolve form."""

    category = models.OneToOneField(Category, on_delete=models.CASCADE,
                                    related_name="resolution_template",
                                    verbose_name=_("category"))
    code = models.CharField(_("resolution code"), max_length=16, choices=ResolutionCode.choices)
    notes = models.TextField(_("resolution notes"), max_length=5000)

    class Meta:
        verbose_name = _("resolution template")
        verbose_name_plural = _("resolution templates")

    def __str__(self) -> str:
        return str(self.category)

class TicketLink(models.Model):
    """A relation between two tickets, read from `source`: related to, duplicate of, caused by,
    or child of `target` (a ticket has at most one parent)."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Related to")
        DUPLICATE_OF = "duplicate_of", _("Duplicate of")
        CAUSED_BY = "caused_by", _("Caused by")
        CHILD_OF = "child_of", _("Child of")

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out",
                               verbose_name=_("ticket"))
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in",
                               verbose_name=_("linked ticket"))
    kind = models.CharField(_("relation"), max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("linked by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"],
                                    name="ticket_link_once"),
            models.UniqueConstraint(fields=["source"], condition=Q(kind="child_of"),
                                    name="ticket_link_one_parent"),
            models.CheckConstraint(condition=~Q(source=models.F("target")),
                                   name="ticket_link_not_itself"),
        ]
        indexes = [models.Index(fields=["target", "kind"], name="ticket_link_target")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class BulkSubmission(models.Model):
    """A bulk request already carried out, under the caller's submission key: the same key
    again within a day answers the stored results and changes nothing."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("by"))
    key = models.CharField(_("submission key"), max_length=100)
    action = models.CharField(_("action"), max_length=16)
    results = models.JSONField(_("results"), null=True, blank=True,
                               help_text=_("Empty while the request is being carried out."))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("bulk submission")
        verbose_name_plural = _("bulk submissions")
        constraints = [models.UniqueConstraint(fields=["actor", "key"],
                                               name="bulk_submission_once")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.key}"


class SavedView(models.Model):
    """A saved view of the dispatch queue (issue 15.2): its filters and sort as a query string
    (checked through TicketFilterSet when saved), the columns it shows in their order, under a
    name unique per owner. Shared with the team of its contract, or personal."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="saved_views", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=500, blank=True)
    # Keys of tickets/queue_columns.py in the order shown; empty: the default columns.
    columns = models.JSONField(_("columns"), default=list, blank=True)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="saved_views", verbose_name=_("contract"))
    shared = models.BooleanField(_("shared with the contract team"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner"),
            models.CheckConstraint(condition=Q(shared=False) | Q(contract__isnull=False),
                                   name="saved_view_shared_has_contract"),
        ]

    def __str__(self) -> str:
        return self.name
