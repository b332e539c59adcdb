"""Reads of a person's own in-app notifications and preferences (scoped to the person)."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications.events import EVENT_KINDS
from notifications.models import InAppNotification, NotificationPreference


def my_notifications(*, person, unread: bool = False) -> QuerySet[InAppNotification]:
    """The person's notifications, newest first; only unread ones when asked."""
    rows = InAppNotification.objects.filter(recipient=person)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def unread_count(*, person) -> int:
    """The bell's number: one COUNT on the partial index of unread rows."""
    return InAppNotification.objects.filter(recipient=person, read_at__isnull=True).count()


def my_preferences(*, person) -> list[dict]:
    """Every kind of event with the person's choice (both on when none was made); mandatory
    escalations always both, marked so the page shows them fixed."""
    stored = dict((event, (email, in_app)) for event, email, in_app in
                  NotificationPreference.objects.filter(person=person)
                  .values_list("event", "email", "in_app"))
    rows = []
    for kind in EVENT_KINDS:
        email, in_app = (True, True) if kind.mandatory else stored.get(kind.event, (True, True))
        rows.append({"event": kind.event, "label": kind.label, "mandatory": kind.mandatory,
                     "email": email, "in_app": in_app})
    return rows
