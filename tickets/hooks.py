"""What ticket screens ask of the apps built on tickets (core.hooks): `assets` provides the
device lists and the store panel, `surveys` the survey link. Without them (an installation
without those apps) the screens simply show no devices, no store panel and no survey."""

from __future__ import annotations

from core.hooks import Hook
from tickets.models import Ticket


def no_assets(user=None):
    # The asset model is whatever Ticket.asset points to (tickets names it only by string).
    return Ticket._meta.get_field("asset").related_model.objects.none()


# assets_held_by(user) -> QuerySet: the devices the person holds (the portal form's choices).
assets_held_by = Hook("tickets.assets_held_by", no_assets)
# assets_reportable_by(user) -> QuerySet: every device the person may report a fault on.
assets_reportable_by = Hook("tickets.assets_reportable_by", no_assets)
# ticket_page_context(user=, ticket=) -> dict: extra context for the ticket page (parts, loans).
ticket_page_context = Hook("tickets.ticket_page_context", lambda *, user, ticket: {})
# survey_prompt(user=, ticket=, absolute=True) -> str | None: the open survey's link for the
# requester.
survey_prompt = Hook("tickets.survey_prompt",
                     lambda *, user, ticket, absolute=True: None)
# --- problems, changes, notices (issue 18, k18chg) ---
# ticket_consent_panel(user=, ticket=) -> str: the knowledge app's consent panel (HTML, escaped
# by its template): the consents asked on the ticket and, for staff, the "ask" link.
ticket_consent_panel = Hook("tickets.ticket_consent_panel", lambda *, user, ticket: "")
