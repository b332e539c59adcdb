"""Who hears about what happens to a ticket, in their own language (through the outbox).

Each e-mail is a template under templates/tickets/email/: its first line is the subject, the rest
the body. Internal notes never reach this module's requester-facing messages.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from notifications.services import email_from_template
from tickets import hooks


def _send(event: str, ticket, recipient, *, dedupe_key: str | None = None, **context) -> None:
    # The reply token and thread headers let a reply to this mail thread onto the ticket.
    email_from_template(recipient=recipient, event=f"ticket.{event}", dedupe_key=dedupe_key,
                        template=f"tickets/email/{event}.txt", thread=hooks.mail_thread(ticket),
                        context={
                            "ticket": ticket,
                            "url": settings.SITE_URL + reverse("tickets:detail",
                                                               args=[ticket.number]),
                            **context})


def urgent_ticket(ticket) -> None:
    """P1/P2 start emergency handling: the project manager hears at once (T4)."""
    _send("urgent", ticket, ticket.contract.project_manager)


def accepted(ticket) -> None:
    """The first response (accepted, claimed, dispatched or handed to second line) tells the
    requester, once per ticket: the transitions call this only on the first response, and the
    dedupe key keeps it to one whatever the path."""
    _send("accepted", ticket, ticket.requester, dedupe_key=f"ticket.accepted:{ticket.pk}")


def assigned(ticket) -> None:
    _send("assigned", ticket, ticket.assignee)


def resolved(ticket) -> None:
    _send("resolved", ticket, ticket.requester, close_days=settings.TICKET_AUTO_CLOSE_DAYS)


def reopened(ticket) -> None:
    _send("reopened", ticket, ticket.assignee)


def reply_to_requester(ticket, entry) -> None:
    if entry.internal:  # belt and braces: the caller only passes public replies
        return
    _send("reply", ticket, ticket.requester, entry=entry)


def reply_to_engineer(ticket, entry) -> None:
    _send("reply", ticket, ticket.assignee, entry=entry)


def escalated_to_manager(ticket, note: str, actor) -> None:
    _send("escalated", ticket, ticket.contract.project_manager, note=note, actor=actor)


def merged(ticket, survivor) -> None:
    """The duplicate's requester hears that their ticket lives on under another number."""
    _send("merged", ticket, ticket.requester, survivor=survivor)


def mail_received(ticket) -> None:
    """A mail became a ticket: the requester learns its number (never for auto-replies, which
    the mail channel drops before filing anything). No dedupe key: a ticket is filed from a
    mail once (the mail channel's claim), and the key's look-ups would cost four queries."""
    _send("received", ticket, ticket.requester)
