from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    """On-site work (issue 16): visits with check-in proof, signed customer service reports,
    vendor repairs and parts brought to site. It builds on tickets and assets (docs/adr/0004)."""

    name = "fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        # Hooks the lower apps declare (core/hooks.py, tickets/hooks.py); each sub-domain
        # provides its own. Imported here: models are ready only now.
        from fieldservice.selectors.visits import ticket_visits  # ready(): app wiring
        from fieldservice.services.reports import resolve_refusal  # ready(): app wiring
        from fieldservice.services.visits import record_check_in  # ready(): app wiring
        from fieldservice.views.repairs import ticket_panel  # ready(): app wiring
        from fieldservice.views.ticket_panel import service_reports_context  # ready(): wiring
        from fieldservice.views.visits import ticket_visits_context  # ready(): app wiring
        from tickets import hooks  # ready(): app wiring

        # vendor repairs and parts to site (f16repair)
        hooks.repairs_panel.provide(ticket_panel)
        # Visits (f16visits)
        hooks.check_in_recorded.provide(record_check_in)
        hooks.ticket_visits.provide(ticket_visits)
        hooks.ticket_visits_context.provide(ticket_visits_context)
        # service reports (f16report): resolving needs the contract's signed report; the
        # ticket page lists the reports.
        hooks.resolve_allowed.provide(resolve_refusal)
        hooks.service_reports_context.provide(service_reports_context)
        # The ticket page asks whether these exist in its ticket query, and the panels above
        # query only those that do (issue 19).
        hooks.panel_flags.add("visits", "service_reports", "vendor_repairs", "part_requests")
