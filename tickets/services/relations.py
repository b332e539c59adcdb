"""Ticket relations: links (related, duplicate of, caused by, child of) and merging a duplicate
into the ticket that survives."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from sla import clocks
from tickets import notify
from tickets.models import (
    Attachment,
    Entry,
    ResolutionCode,
    Status,
    Ticket,
    TicketLink,
)
from tickets.permissions import may_merge_tickets, may_relate_tickets
from tickets.services._common import _record, _save, _sync_due

CLOSED_STATES = {Status.CLOSED, Status.CANCELLED}


@transaction.atomic
def ticket_link(*, actor: User, ticket: Ticket, target: Ticket, kind: str) -> TicketLink:
    """Relate `ticket` to `target` (both already checked visible to the actor by the caller)."""
    if not may_relate_tickets(actor):
        raise PermissionRefused(_("Only the service team links tickets."))
    if kind not in TicketLink.Kind.values:
        raise InvalidInput(_("Choose a relation."), field="kind")
    if ticket.pk == target.pk:
        raise InvalidInput(_("A ticket cannot be linked to itself."), field="ticket")
    if kind == TicketLink.Kind.CHILD_OF:
        if TicketLink.objects.filter(source=ticket, kind=kind).exists():
            raise ActionRefused(_("%(number)s already has a parent ticket.")
                                % {"number": ticket.number}, field="ticket")
        if _is_ancestor(ticket, target):
            raise ActionRefused(_("%(number)s is a child of %(child)s: that would be a loop.")
                                % {"number": target.number, "child": ticket.number},
                                field="ticket")
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(source=ticket, target=target, kind=kind,
                                             created_by=actor, created_at=now())
    except IntegrityError:
        raise ActionRefused(_("These tickets are linked like this already."),
                            field="ticket") from None
    return link


def _is_ancestor(ticket: Ticket, candidate: Ticket) -> bool:
    """Whether `ticket` is among `candidate`'s parents, grandparents… (no loops of parents)."""
    seen: set[int] = set()
    current = candidate.pk
    while current is not None and current not in seen:
        if current == ticket.pk:
            return True
        seen.add(current)
        current = (TicketLink.objects.filter(source_id=current, kind=TicketLink.Kind.CHILD_OF)
                   .values_list("target_id", flat=True).first())
    return False


@transaction.atomic
def ticket_unlink(*, actor: User, link: TicketLink) -> None:
    if not may_relate_tickets(actor):
        raise PermissionRefused(_("Only the service team links tickets."))
    link.delete()


@transaction.atomic
def ticket_merge(*, actor: User, ticket: Ticket, into: Ticket) -> Ticket:
    """Merge the duplicate `ticket` into `into`: its timeline and attachments move to the
    survivor, it is closed as a duplicate pointing there, and its requester hears of it.

    Both rows are locked in id order, so two agents merging A→B and B→A at once queue up and
    the second finds its ticket closed: exactly one merge happens."""
    if not may_merge_tickets(actor):
        raise PermissionRefused(_("Only the service desk merges tickets."))
    if ticket.pk == into.pk:
        raise InvalidInput(_("A ticket cannot be merged into itself."), field="into")
    locked = {t.pk: t for t in Ticket.objects.select_for_update()
              .filter(pk__in=sorted([ticket.pk, into.pk])).order_by("pk")}
    ticket, into = locked[ticket.pk], locked[into.pk]
    if ticket.merged_into_id or ticket.status in CLOSED_STATES:
        raise ActionRefused(_("%(number)s is %(status)s and cannot be merged.")
                            % {"number": ticket.number, "status": ticket.get_status_display()})
    if into.merged_into_id or into.status in CLOSED_STATES:
        raise ActionRefused(_("%(number)s is %(status)s: merge into an open ticket.")
                            % {"number": into.number, "status": into.get_status_display()},
                            field="into")
    if ticket.contract_id != into.contract_id:
        raise ActionRefused(_("%(a)s and %(b)s belong to different contracts (%(ca)s, %(cb)s) "
                              "and cannot be merged.")
                            % {"a": ticket.number, "b": into.number, "ca": ticket.contract.code,
                               "cb": into.contract.code}, field="into")
    moment = now()
    Entry.objects.filter(ticket=ticket).update(ticket=into)
    Attachment.objects.filter(ticket=ticket).update(ticket=into)
    before = ticket.status
    ticket.status = Status.CLOSED
    ticket.closed_at = moment
    ticket.resolved_at = ticket.resolved_at or moment
    ticket.resolution_code = ResolutionCode.DUPLICATE
    ticket.resolution_notes = _("Merged into %(number)s.") % {"number": into.number}
    ticket.pending_reason = ticket.status_before_pending = ""
    ticket.merged_into = into
    _save(ticket, actor, "merge", moment)
    clocks.clocks_not_needed(ticket=ticket, moment=moment)
    _sync_due(ticket)
    _record(ticket, actor, "merged_into", before, Status.CLOSED, moment, detail=into.number)
    _record(into, actor, "merged_from", "", "", moment, detail=ticket.number)
    TicketLink.objects.get_or_create(source=ticket, target=into,
                                     kind=TicketLink.Kind.DUPLICATE_OF,
                                     defaults={"created_by": actor, "created_at": moment})
    into.updated_at = moment
    _save(into, actor, "merge", moment)
    notify.merged(ticket, into)
    return ticket
