"""Replies, internal notes, time spent and the close-after-silence job."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import uploads as files
from core.clock import now
from core.errors import ActionRefused, PermissionRefused
from tickets import notify
from tickets.models import (
    Entry,
    PendingReason,
    Status,
    Ticket,
)
from tickets.permissions import may_write_internal
from tickets.services._common import _attach, _locked, _record, _save
from tickets.services.transitions import _resume


# --- work log --------------------------------------------------------------------------------
@transaction.atomic
def ticket_comment(*, actor: User, ticket: Ticket, body: str, internal: bool = False,
                   time_spent_minutes: int = 0, uploads=()) -> Entry:
    """A public reply or an internal note, with time spent and attachments."""
    body = (body or "").strip()
    if not body and not uploads:
        raise ActionRefused(_("Write something or attach a file."))
    if internal and not may_write_internal(actor):
        raise PermissionRefused(_("Only the service team writes internal notes."))
    if time_spent_minutes and actor.is_client_side:
        raise PermissionRefused(_("Only the service team records time spent."))
    if not 0 <= int(time_spent_minutes) <= 24 * 60:
        raise ActionRefused(_("Time spent must be between 0 and 1440 minutes."))
    files.validate_uploads(uploads)
    ticket = _locked(ticket)
    if ticket.status in {Status.CLOSED, Status.CANCELLED} and actor.is_client_side:
        raise ActionRefused(_("This ticket is closed; please file a new one."))
    moment = now()
    entry = _record(ticket, actor, "", "", "", moment, body=body, internal=internal,
                    kind=Entry.Kind.NOTE if internal else Entry.Kind.REPLY,
                    time_spent_minutes=int(time_spent_minutes))
    _attach(ticket, actor, entry, uploads, moment, internal=internal)
    if time_spent_minutes:
        ticket.time_spent_minutes += int(time_spent_minutes)
    ticket.updated_at = moment
    _save(ticket, actor, "comment", moment)
    if not internal:
        if actor.pk == ticket.requester_id:
            if ticket.status == Status.PENDING and ticket.pending_reason == PendingReason.USER:
                _resume(ticket, actor)
            if ticket.assignee_id:
                notify.reply_to_engineer(ticket, entry)
        else:
            notify.reply_to_requester(ticket, entry)
    return entry


# --- the periodic job ---------------------------------------------------------------------------
def tickets_close_after_silence(*, batch: int = 200) -> int:
    """Close resolved tickets nobody objected to within TICKET_AUTO_CLOSE_DAYS (T5)."""
    cutoff = now() - timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
    closed = 0
    while True:
        with transaction.atomic():
            due = list(Ticket.objects.select_for_update(skip_locked=True)
                       .filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
                       .order_by("resolved_at")[:batch])
            for ticket in due:
                moment = now()
                ticket.status = Status.CLOSED
                ticket.closed_at = moment
                ticket.auto_closed = True
                _save(ticket, None, "auto-close", moment)
                _record(ticket, None, "auto_close", Status.RESOLVED, Status.CLOSED, moment,
                        detail=str(settings.TICKET_AUTO_CLOSE_DAYS))
        closed += len(due)
        if len(due) < batch:
            return closed


