"""The ticket page's panel of service reports (tickets.hooks.service_reports_context)."""

from __future__ import annotations

from fieldservice.selectors.reports import reports_of_ticket
from fieldservice.services.reports import may_write_report
from tickets import hooks


def service_reports_context(*, user, ticket) -> dict:
    """What templates/fieldservice/reports/_ticket_reports.html expects. A ticket read for its
    page says whether it has reports at all (issue 19): without, none are read."""
    has_reports = hooks.panel_flags.has(ticket, "service_reports")
    return {"service_reports": reports_of_ticket(user=user, ticket=ticket) if has_reports else [],
            "may_write_service_report": may_write_report(user, ticket)}
