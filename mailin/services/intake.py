"""One received message, processed exactly once (issue 17.1–17.4): the poller and the mail_in
command both call mail_process.

The claim is the InboundMessage row, unique per (mailbox, Message-ID), inserted in the same
transaction that files the ticket: a second poller inserting the same message waits on the
unique index until the first commits, then fails and reports a duplicate. Nothing is filed
twice, and nothing is lost: a poller that dies before commit leaves no row, and the message is
still in the folder for the next poll.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from core import uploads as files
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from mailin import parsing, tokens
from mailin.models import InboundMessage, Mailbox
from mailin.quotes import trim_quoted
from notifications.services import notification_enqueue
from tickets.models import Status, Ticket
from tickets.selectors import tickets_visible_to
from tickets.services import ticket_comment
from tickets.services.mail_intake import (
    ticket_attach_original,
    ticket_create_from_mail,
    ticket_mail_acknowledge,
    ticket_mail_note,
)

logger = logging.getLogger(__name__)
State = InboundMessage.State
# The refusals a ticket service may raise on a mail it cannot file (contract expired, …): the
# message is held for the desk instead of failing the poll over and over.
SERVICE_REFUSALS = (ActionRefused, InvalidInput, PermissionRefused)


@dataclass
class Outcome:
    state: str
    ticket: Ticket | None = None
    reason: str = ""
    message: InboundMessage | None = None

    def line(self) -> str:
        """The mail_in command's one line (a contract: keep these words)."""
        if self.state == "duplicate":
            return "duplicate"
        if self.state == State.FILED:
            return f"ticket {self.ticket.number} created"
        if self.state == State.REPLY:
            return f"reply added to {self.ticket.number}"
        if self.state == State.HELD:
            return "held: unverified sender"
        if self.state == State.CONTRIBUTION:
            return f"held: pending contribution to {self.ticket.number}"
        if self.state == State.REFUSED:
            return f"refused: {self.reason}"
        return f"ignored: {self.reason}"


def mail_process(*, mailbox: Mailbox, raw: bytes) -> Outcome:
    too_large = len(raw) > settings.MAILIN_MAX_BYTES
    # A refused giant is recorded by its headers only: the body is not kept.
    kept = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\r\n\r\n" if too_large else raw
    parsed = parsing.parse(kept)
    if too_large and parsed.message_id.startswith("sha256:"):  # the hash of all its bytes
        parsed.message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = InboundMessage.objects.create(
                    mailbox=mailbox, message_id=parsed.message_id, sender=parsed.sender,
                    sender_name=parsed.sender_name, subject=parsed.subject, raw=kept,
                    size=len(raw), state=State.IGNORED, received_at=now())
        except IntegrityError:
            return Outcome("duplicate")
        outcome = _decide(mailbox, message, parsed, raw, too_large)
        message.state, message.reason = outcome.state, outcome.reason
        message.ticket = outcome.ticket
        message.save(update_fields=["state", "reason", "ticket", "note"])
        outcome.message = message
    return outcome


def _decide(mailbox, message, parsed, raw, too_large) -> Outcome:
    contract = mailbox.contract
    if too_large:
        _notice_too_large(contract, parsed)
        return Outcome(State.REFUSED, reason="too-large")
    if parsed.noise:
        return Outcome(State.IGNORED, reason=parsed.noise)
    if _over_rate_limit(message):
        return Outcome(State.IGNORED, reason="rate-limit")
    number = tokens.found_token(parsed.subject, *parsed.recipients)
    ticket = _threaded_ticket(number, contract)
    if ticket is not None:
        person = participant(ticket, parsed.sender)
        if person is None:
            return Outcome(State.CONTRIBUTION, ticket=ticket)
        try:
            _add_reply(ticket, person, parsed, raw)  # refuses (if at all) before writing
            return Outcome(State.REPLY, ticket=ticket)
        except SERVICE_REFUSALS as exc:
            message.note = str(exc)[:500]
            return Outcome(State.HELD, reason="cannot-file")
    requester = person_of_client(contract, parsed.sender)
    if requester is None:
        return Outcome(State.HELD, reason="unverified")
    try:
        # No savepoint of ours: the ticket service's own transaction is one, and it refuses
        # before writing anything.
        ticket = file_ticket(mailbox, parsed, raw, requester=requester)
    except SERVICE_REFUSALS as exc:
        message.note = str(exc)[:500]
        return Outcome(State.HELD, reason="cannot-file")
    return Outcome(State.FILED, ticket=ticket)


def file_ticket(mailbox, parsed, raw, *, requester: User, logged_by: User | None = None) -> Ticket:
    uploads, notes = checked_attachments(parsed)
    ticket = ticket_create_from_mail(
        requester=requester, contract=mailbox.contract, service_type=mailbox.service_type,
        title=parsed.subject, description=parsed.text, message_id=parsed.message_id, raw=raw,
        uploads=uploads, logged_by=logged_by, notes=notes)
    ticket_mail_acknowledge(ticket)
    return ticket


def _add_reply(ticket, person, parsed, raw) -> None:
    uploads, notes = checked_attachments(parsed)
    body = trim_quoted(parsed.text) or _("(empty mail)")
    entry = ticket_comment(actor=person, ticket=ticket, body=body, uploads=uploads)
    ticket_attach_original(ticket=ticket, entry=entry, raw=raw, actor=person)
    for note in notes:
        ticket_mail_note(ticket=ticket, body=note)


def checked_attachments(parsed) -> tuple[list, list[str]]:
    """The attachments that pass the upload checks, and a sentence for each that does not
    (a refused attachment is noted on the ticket; the mail is still filed)."""
    accepted, notes = [], []
    for part in parsed.attachments:
        upload = SimpleUploadedFile(part.name[:200], part.data, content_type=part.content_type)
        if len(accepted) >= settings.ATTACHMENT_MAX_FILES:
            notes.append(_("Attachment %(name)s of the e-mail was not kept: at most %(n)d files.")
                         % {"name": part.name, "n": settings.ATTACHMENT_MAX_FILES})
            continue
        try:
            files.validate_upload(upload)
        except files.AttachmentError as exc:
            notes.append(_("Attachment of the e-mail refused: %(reason)s")
                         % {"reason": exc.detail if hasattr(exc, "detail") else exc})
            continue
        upload.seek(0)
        accepted.append(upload)
    return accepted, notes


def _threaded_ticket(number: str | None, contract) -> Ticket | None:
    if number is None:
        return None
    ticket = Ticket.objects.filter(number=number, contract=contract).first()
    while ticket is not None and ticket.merged_into_id:  # a duplicate lives on as its survivor
        ticket = ticket.merged_into
    if ticket is None or ticket.status in {Status.CLOSED, Status.CANCELLED}:
        return None  # a reply to a closed ticket is new mail
    return ticket


def participant(ticket: Ticket, address: str) -> User | None:
    """The person the reply comes from, if they take part in the ticket: its requester, or
    staff who may see it. Anyone else (another employee of the client, a stranger, a forged
    From) is not threaded: their mail waits for the desk as a pending contribution."""
    if not address:
        return None
    people = User.objects.filter(email__iexact=address, is_active=True)
    for person in people:
        if person.pk == ticket.requester_id:
            return person
        if not person.is_client_side and tickets_visible_to(person).filter(
                pk=ticket.pk).exists():
            return person
    return None


def person_of_client(contract, address: str) -> User | None:
    """The client's person with this address; None when there is none or more than one."""
    if not address:
        return None
    people = list(User.objects.filter(email__iexact=address, organisation_id=contract.client_id,
                                      is_active=True)[:2])
    return people[0] if len(people) == 1 else None


def _over_rate_limit(message: InboundMessage) -> bool:
    if not message.sender:
        return False
    since = message.received_at - timedelta(hours=1)
    recent = InboundMessage.objects.filter(sender=message.sender, received_at__gte=since)
    return recent.exclude(pk=message.pk).count() >= settings.MAILIN_RATE_LIMIT_PER_HOUR


def _notice_too_large(contract, parsed) -> None:
    """Tell a known sender their mail was too large (never a stranger: no backscatter)."""
    person = person_of_client(contract, parsed.sender)
    if person is None:
        return
    limit = settings.MAILIN_MAX_BYTES // (1024 * 1024)
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = _("Your mail was too large: %(subject)s") % {"subject": parsed.subject}
        body = _("Your mail “%(subject)s” is larger than %(limit)d MB and was not filed. "
                 "Please send it again without the large attachments, or file it in the "
                 "portal.") % {"subject": parsed.subject, "limit": limit}
    notification_enqueue(recipient=person, event="mailin.too_large", subject=subject,
                         body=body + "\n")
