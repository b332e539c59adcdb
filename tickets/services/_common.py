"""Shared by the ticket services: locking, saving with history, timeline entries."""

from __future__ import annotations

from accounts.models import User
from core import uploads as files
from core.clock import now
from sla import clocks
from tickets.models import (
    Attachment,
    Entry,
    Ticket,
)


# --- helpers -------------------------------------------------------------------------------------
def _save(ticket: Ticket, actor: User | None, reason: str, moment=None, *,
          force_insert: bool = False) -> None:
    ticket.updated_at = moment or now()
    ticket._history_user = actor
    ticket._change_reason = reason
    # force_insert: a new ticket whose id is already taken is INSERTed, no UPDATE tried first.
    ticket.save(force_insert=force_insert)


def _record(ticket, actor, action, from_status, to_status, moment, *, body="", detail="",
            internal=False, kind=Entry.Kind.EVENT, time_spent_minutes=0) -> Entry:
    return Entry.objects.create(
        ticket=ticket, kind=kind, author=actor, action=action, from_status=from_status,
        to_status=to_status, body=body or "", detail=detail[:200], internal=internal,
        time_spent_minutes=time_spent_minutes, created_at=moment)


def _store_uploads(uploads, moment) -> list[dict]:
    """Write the files to storage: the Attachment fields of each. If one fails, those already
    written are deleted."""
    stored: list[dict] = []
    try:
        for upload in uploads:
            stored.append(files.save_upload(upload, when=moment))
    except Exception:
        _forget_stored(stored)
        raise
    return stored


def _forget_stored(stored: list[dict]) -> None:
    """Delete files written by _store_uploads whose rows will not be written."""
    files.delete_stored([fields["storage_name"] for fields in stored])


def _attach_stored(ticket, actor, entry, stored: list[dict], moment, *, internal: bool) -> None:
    """The Attachment rows of files already written (one insert however many files)."""
    Attachment.objects.bulk_create([
        Attachment(ticket=ticket, entry=entry, uploaded_by=actor, internal=internal,
                   created_at=moment, **fields) for fields in stored])


def _attach(ticket, actor, entry, uploads, moment, *, internal: bool) -> None:
    stored = _store_uploads(uploads, moment)
    try:
        _attach_stored(ticket, actor, entry, stored, moment, internal=internal)
    except Exception:
        _forget_stored(stored)
        raise
    # If the surrounding transaction rolls back later, these files stay orphaned on disk (no
    # rollback hook in Django); they hold nothing anyone can reach, since no row points to them.


def _locked(ticket: Ticket) -> Ticket:
    """The current row, locked for this transaction (PostgreSQL: concurrent actions queue up).

    No select_related: after waiting for a lock PostgreSQL re-reads the locked row but not the
    joined ones, so a joined assignee could be stale; related objects load fresh on access.
    Except the reference rows the caller already loaded with the ticket (contract, service
    type, requester): they are carried over while the locked row still points to them, so a
    bulk action over 200 tickets does not read the same contract 200 times. Locking the
    ticket never protected those rows, so nothing is less fresh than it was."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    for name in CARRIED_RELATIONS:
        descriptor = getattr(Ticket, name)
        if descriptor.is_cached(ticket) and \
                getattr(locked, f"{name}_id") == getattr(ticket, f"{name}_id"):
            descriptor.field.set_cached_value(locked, descriptor.field.get_cached_value(ticket))
    return locked


# What _locked carries over from the caller's ticket (never the assignee: see above).
CARRIED_RELATIONS = ("contract", "service_type", "requester")


def _sync_due(ticket: Ticket) -> None:
    """Keep the ticket's next SLA deadline (what the queue sorts by) in step with its clocks.
    A queryset update: a derived value, not a change anyone made, so no history row."""
    due = clocks.earliest_due(ticket)
    if due != ticket.sla_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
        ticket.sla_due_at = due
