"""Panels the knowledge app renders into ticket screens through tickets.hooks (k18chg)."""

from __future__ import annotations

from django.template.loader import render_to_string

from knowledge.selectors.changes import ticket_consents
from knowledge.services._common import works_some_contract
from tickets import hooks


def ticket_consent_panel(*, user, ticket) -> str:
    """For the provider's staff: the consents asked on the ticket (which they see already) and,
    on an open ticket, the link to ask one. The client's people answer from their home page
    and the e-mail, so their ticket page costs no query for it."""
    if not works_some_contract(user):
        return ""
    # A ticket read for its page says whether consents were asked at all (issue 19).
    consents = ticket_consents(ticket=ticket) if hooks.panel_flags.has(ticket, "consents") else []
    return render_to_string("knowledge/consents/_ticket_panel.html", {
        "consents": consents, "may_ask": ticket.is_open, "ticket": ticket, "user": user})
