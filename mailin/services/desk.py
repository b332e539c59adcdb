"""What the desk decides about a received message (issue 17.2, 17.3, 17.5): confirm an
unverified sender, accept a pending contribution, reject either, split a reply into a new
ticket, call a message spam. One locked transaction each; the message's state says what may
happen next."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability, can
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from mailin import parsing
from mailin.models import InboundMessage
from mailin.quotes import trim_quoted
from mailin.services.intake import file_ticket
from sla.selectors import contracts_visible_to
from tickets.models import Status
from tickets.services import ticket_cancel, ticket_comment
from tickets.services.mail_intake import ticket_mail_note

State = InboundMessage.State


def may_handle_mail(user) -> bool:
    return can(user, Capability.LOG_CALLS)


def _locked(actor: User, message: InboundMessage) -> InboundMessage:
    if not may_handle_mail(actor):
        raise PermissionRefused(_("Only the service desk handles received mail."))
    message = (InboundMessage.objects.select_for_update(of=("self",))
               .select_related("mailbox__contract", "mailbox__service_type")
               .get(pk=message.pk))
    if not contracts_visible_to(actor).filter(pk=message.mailbox.contract_id).exists():
        raise PermissionRefused(_("You are not on this contract."))
    return message


def _decided(message: InboundMessage, actor: User, state: str, ticket=None) -> InboundMessage:
    message.state = state
    if ticket is not None:
        message.ticket = ticket
    message.decided_by = actor
    message.decided_at = now()
    message.save(update_fields=["state", "ticket", "decided_by", "decided_at"])
    return message


def _requester(message: InboundMessage, requester: User | None) -> User:
    contract = message.mailbox.contract
    if requester is None:
        raise InvalidInput(_("Choose the person the ticket is for."), field="requester")
    if requester.organisation_id != contract.client_id or not requester.is_active:
        raise InvalidInput(_("%(name)s is not a person of %(client)s.")
                           % {"name": requester.display_name, "client": contract.client},
                           field="requester")
    return requester


@transaction.atomic
def message_confirm(*, actor: User, message: InboundMessage,
                    requester: User | None) -> InboundMessage:
    """An unverified sender's mail becomes a ticket for the person the desk confirmed."""
    message = _locked(actor, message)
    if message.state != State.HELD:
        raise ActionRefused(_("This mail is not waiting for a confirmation."))
    requester = _requester(message, requester)
    raw = bytes(message.raw)
    ticket = file_ticket(message.mailbox, parsing.parse(raw), raw, requester=requester,
                         logged_by=actor)
    return _decided(message, actor, State.FILED, ticket)


@transaction.atomic
def message_accept(*, actor: User, message: InboundMessage) -> InboundMessage:
    """A pending contribution joins its ticket as a reply the desk passes on, naming who
    wrote it (the desk vouches for it, not the unverified sender)."""
    message = _locked(actor, message)
    if message.state != State.CONTRIBUTION or message.ticket is None:
        raise ActionRefused(_("This mail is not a pending contribution."))
    if message.ticket.status in {Status.CLOSED, Status.CANCELLED}:
        raise ActionRefused(_("The ticket is closed; split the mail into a new ticket."))
    parsed = parsing.parse(bytes(message.raw))
    sender = f"{parsed.sender_name} <{parsed.sender}>".strip()
    body = _("E-mail from %(sender)s:") % {"sender": sender} + "\n\n" + trim_quoted(parsed.text)
    ticket_comment(actor=actor, ticket=message.ticket, body=body)
    return _decided(message, actor, State.ACCEPTED)


@transaction.atomic
def message_reject(*, actor: User, message: InboundMessage) -> InboundMessage:
    message = _locked(actor, message)
    if not message.waiting:
        raise ActionRefused(_("This mail is not waiting for a decision."))
    return _decided(message, actor, State.REJECTED)


@transaction.atomic
def message_split(*, actor: User, message: InboundMessage,
                  requester: User | None) -> InboundMessage:
    """A mail that landed on a ticket (or waits as a contribution) but is about something else
    becomes a ticket of its own."""
    message = _locked(actor, message)
    if message.state not in {State.REPLY, State.CONTRIBUTION, State.ACCEPTED}:
        raise ActionRefused(_("Only a reply to a ticket can be split into a new ticket."))
    requester = _requester(message, requester)
    raw = bytes(message.raw)
    before = message.ticket
    ticket = file_ticket(message.mailbox, parsing.parse(raw), raw, requester=requester,
                         logged_by=actor)
    if before is not None:
        ticket_mail_note(ticket=before, body=_("E-mail “%(subject)s” was split into ticket "
                                               "%(number)s.") % {"subject": message.subject,
                                                                 "number": ticket.number})
    return _decided(message, actor, State.FILED, ticket)


@transaction.atomic
def message_spam(*, actor: User, message: InboundMessage) -> InboundMessage:
    """Spam: nothing more happens with it; a ticket it opened and nobody took up is cancelled."""
    message = _locked(actor, message)
    if message.state == State.SPAM:
        raise ActionRefused(_("This mail is already marked as spam."))
    ticket = message.ticket
    if message.state == State.FILED and ticket is not None and ticket.status == Status.SUBMITTED:
        ticket_cancel(actor=actor, ticket=ticket, reason=_("Spam e-mail"))
    return _decided(message, actor, State.SPAM)
