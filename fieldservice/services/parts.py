"""Parts requested to site (备件领用): an engineer asks, the store issues (a stock movement
through assets' store services, so the ledger stays the one truth), the delivery is recorded.
One locked transaction each."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability, can
from assets.services.store import stock_issue
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from fieldservice.models import PartRequest, PartRequestStatus
from fieldservice.repair_workflow import is_desk
from fieldservice.services.repairs import policy_of
from notifications.services import email_from_template
from sla.models import ContractMember
from tickets.models import OPEN_STATUSES
from tickets.selectors import tickets_visible_to

NOTE_MAX = PartRequest._meta.get_field("note").max_length


def _locked(request: PartRequest) -> PartRequest:
    return (PartRequest.objects.select_for_update(of=("self",))
            .select_related("ticket__contract", "part").get(pk=request.pk))


def _store(actor, request: PartRequest) -> None:
    if not can(actor, Capability.MANAGE_STORE) or not tickets_visible_to(actor).filter(
            pk=request.ticket_id).exists():
        raise PermissionRefused(_("Only the store of the ticket's contract issues parts."))


@transaction.atomic
def part_request_create(*, actor, ticket, part, quantity, visit=None,
                        note: str = "") -> PartRequest:
    """An engineer asks for a part for an open ticket; needed by now + the contract's hours
    for the ticket's priority (RepairPolicy, e.g. 4 h for P1)."""
    if not is_desk(actor) or not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionRefused(_("Only the ticket's engineers and desk request parts."))
    if ticket.status not in OPEN_STATUSES:
        raise ActionRefused(_("Ticket %(number)s is not open.") % {"number": ticket.number})
    if part is None or part.contract_id != ticket.contract_id or not part.active:
        raise InvalidInput(_("Choose a part of the ticket's contract."), field="part")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 999:
        raise InvalidInput(_("The quantity must be a whole number from 1 to 999."),
                           field="quantity")
    if visit is not None and visit.ticket_id != ticket.pk:
        raise InvalidInput(_("The visit belongs to another ticket."), field="visit")
    moment = now()
    hours = policy_of(ticket.contract).part_request_hours(ticket.priority)
    request = PartRequest.objects.create(
        ticket=ticket, contract_id=ticket.contract_id, visit=visit, part=part,
        quantity=quantity,
        note=(note or "").strip()[:NOTE_MAX], requested_by=actor, requested_at=moment,
        needed_by=moment + timedelta(hours=hours))
    _tell_the_store(request)
    return request


def _tell_the_store(request: PartRequest) -> None:
    """The contract's service desk runs the store: each hears at once (the deadline may be
    hours away), through the outbox in this transaction."""
    url = settings.SITE_URL + reverse("fieldservice:part_requests")
    for person in User.objects.filter(
            contract_memberships__contract_id=request.contract_id, is_active=True,
            contract_memberships__duty=ContractMember.Duty.AGENT).distinct():
        email_from_template(recipient=person, event="parts.request",
                            template="fieldservice/email/part_request.txt",
                            dedupe_key=f"parts.request:{request.pk}:{person.pk}",
                            context={"item": request, "ticket": request.ticket, "url": url})


@transaction.atomic
def part_request_issue(*, actor, request: PartRequest, location) -> PartRequest:
    """The store hands the part out: a stock issue to the ticket (refused when the store
    holds too few)."""
    request = _locked(request)
    _store(actor, request)
    if request.status != PartRequestStatus.OPEN:
        raise ActionRefused(_("The request is %(status)s: it cannot be issued again.")
                            % {"status": request.get_status_display()})
    if location is None:
        raise InvalidInput(_("Choose the store to issue from."), field="location")
    request.movement = stock_issue(actor=actor, part=request.part, location=location,
                                   quantity=request.quantity, ticket=request.ticket,
                                   note=_("Part request #%(pk)d") % {"pk": request.pk})
    request.status = PartRequestStatus.ISSUED
    request.issued_by = actor
    request.issued_at = now()
    request.save(update_fields=["movement", "status", "issued_by", "issued_at"])
    return request


@transaction.atomic
def part_request_deliver(*, actor, request: PartRequest) -> PartRequest:
    """The part reached the engineer on site (the on-time figure compares this to needed by)."""
    request = _locked(request)
    if not is_desk(actor) or not tickets_visible_to(actor).filter(
            pk=request.ticket_id).exists():
        raise PermissionRefused(_("You may not record this delivery."))
    if request.status != PartRequestStatus.ISSUED:
        raise ActionRefused(_("Only an issued part can be delivered."))
    request.status = PartRequestStatus.DELIVERED
    request.delivered_by = actor
    request.delivered_at = now()
    request.save(update_fields=["status", "delivered_by", "delivered_at"])
    return request


@transaction.atomic
def part_request_cancel(*, actor, request: PartRequest) -> PartRequest:
    """The requester or the store withdraws an open request (nothing was issued)."""
    request = _locked(request)
    if actor.pk != request.requested_by_id:
        _store(actor, request)
    if request.status != PartRequestStatus.OPEN:
        raise ActionRefused(_("Only an open request can be cancelled."))
    request.status = PartRequestStatus.CANCELLED
    request.save(update_fields=["status"])
    return request
