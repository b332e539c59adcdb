"""The ticket's enumerations (kind, channel, priority, status, pending reasons, resolution codes,
escalation targets), apart from the models so the timeline texts (tickets.events) can name them
without importing the models that call them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FAULT = "fault", _("Fault")
    REQUEST = "request", _("Service request")
    CONSULTATION = "consultation", _("Consultation")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Web portal")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    IM = "im", _("Instant message (WeChat/QQ)")
    WALK_IN = "walk_in", _("Walk-in")
    MONITORING = "monitoring", _("Monitoring alert")
    INSPECTION = "inspection", _("Inspection finding")


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 Urgent")
    P2 = 2, _("P2 Serious")
    P3 = 3, _("P3 General")
    P4 = 4, _("P4 Other")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    ON_SITE = "on_site", _("On site")
    PENDING = "pending", _("Pending")
    REOPENED = "reopened", _("Reopened")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Someone still has work to do on these; the queue and its partial index cover exactly these.
OPEN_STATUSES = [Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.ON_SITE,
                 Status.PENDING, Status.REOPENED]


class PendingReason(models.TextChoices):
    USER = "user", _("Waiting for the user")
    VENDOR = "vendor", _("Waiting for a vendor")
    SPARE_PART = "spare_part", _("Waiting for a spare part")


class ResolutionCode(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    REPLACED = "replaced", _("Part or device replaced")
    CONFIGURED = "configured", _("Configuration changed")
    WORKAROUND = "workaround", _("Workaround provided")
    ADVICE = "advice", _("Advice or training given")
    NO_FAULT = "no_fault", _("No fault found")
    VENDOR = "vendor", _("Resolved by the vendor")
    DUPLICATE = "duplicate", _("Duplicate ticket")


class EscalationTarget(models.TextChoices):
    SECOND_LINE = "second_line", _("Second-line engineer")
    PROJECT_MANAGER = "project_manager", _("Project manager")
