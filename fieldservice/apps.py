from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    """On-site work (issue 16): visits with check-in proof, signed customer service reports,
    vendor repairs and parts brought to site. It builds on tickets and assets (docs/adr/0004)."""

    name = "fieldservice"
    verbose_name = _("Field service")

    def ready(self):
        # service reports (f16report): resolving needs the contract's signed report; the ticket
        # page lists the reports. Imported here: models are ready only now.
        from fieldservice.services.reports import resolve_refusal  # ready(): app wiring
        from fieldservice.views.ticket_panel import service_reports_context  # ready(): wiring
        from tickets import hooks as ticket_hooks  # ready(): app wiring

        ticket_hooks.resolve_allowed.provide(resolve_refusal)
        ticket_hooks.service_reports_context.provide(service_reports_context)
