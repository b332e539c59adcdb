"""Tickets filed from e-mail (issue 17): the channel app (mailin) decides who the sender is and
whether the mail may become a ticket; these services file it like the portal form would, with
channel e-mail, and keep the message as received as an internal attachment."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import uploads as files
from core.clock import now
from sla.models import Contract
from tickets import notify
from tickets.models import Attachment, Channel, Entry, Kind, Priority, ServiceType, Ticket
from tickets.services._common import _forget_stored, _record, _store_uploads
from tickets.services.intake import _insert_new, _validate_new

ORIGINAL_CONTENT_TYPE = "message/rfc822"


@transaction.atomic
def ticket_create_from_mail(*, requester: User, contract: Contract, service_type: ServiceType,
                            title: str, description: str, message_id: str, raw: bytes,
                            uploads=(), logged_by: User | None = None,
                            notes: list[str] = ()) -> Ticket:
    """A ticket from a mail of `requester` (a person of the contract's client, matched by the
    sender's address or chosen by the desk, `logged_by`, for an unverified sender). The uploads
    were checked by the caller; `notes` (refused attachments) become internal notes."""
    actor = logged_by or requester
    _validate_new(actor=actor, requester=requester, contract=contract, service_type=service_type,
                  category=None, site=None, title=title or "-")
    files.validate_uploads(uploads)
    moment = now()
    ticket = Ticket(
        kind=Kind.FAULT, channel=Channel.EMAIL,
        contract=contract, service_type=service_type, priority=Priority.P3,
        title=(title or "").strip()[:200] or _("(no subject)"), description=description.strip(),
        requester=requester, logged_by=actor, contact_phone=requester.phone,
        site=requester.site if requester.site_id and
        requester.site.organisation_id == contract.client_id else None,
        needs_on_site=service_type.needs_on_site, message_id=message_id[:255],
        created_at=moment, updated_at=moment)
    # Written before the year's number is taken (see ticket_create).
    stored = _store_uploads(uploads, moment)
    try:
        entry = _insert_new(ticket, actor, moment, stored=stored,
                            on_behalf=requester.display_name if requester.pk != actor.pk else "")
    except BaseException:
        _forget_stored(stored)
        raise
    ticket_attach_original(ticket=ticket, entry=entry, raw=raw, actor=actor)
    for note in notes:
        ticket_mail_note(ticket=ticket, body=note)
    return ticket


def ticket_attach_original(*, ticket: Ticket, entry: Entry | None, raw: bytes,
                           actor: User) -> Attachment:
    """The message as received, kept as an internal attachment (the desk's evidence). Our own
    bytes, not an upload: stored without the upload checks (.eml is not an upload type)."""
    moment = now()
    name = f"attachments/{moment:%Y/%m}/{uuid.uuid4().hex}.eml"
    saved = files.storage().save(name, ContentFile(raw))
    return Attachment.objects.create(
        ticket=ticket, entry=entry, uploaded_by=actor, original_name=f"{ticket.number}.eml",
        storage_name=saved, content_type=ORIGINAL_CONTENT_TYPE, size=len(raw), internal=True,
        created_at=moment)


def ticket_mail_note(*, ticket: Ticket, body: str) -> Entry:
    """An internal note by the system (no author): what the mail channel could not take."""
    return _record(ticket, None, "", "", "", now(), body=body, internal=True, kind=Entry.Kind.NOTE)


def ticket_mail_acknowledge(ticket: Ticket) -> None:
    """Tell the requester their mail became ticket N (a reply to it threads onto the ticket)."""
    notify.mail_received(ticket)
