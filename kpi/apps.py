from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = _("KPI and reports")

    def ready(self):
        # AppConfig.ready(): models are loaded, so signal receivers and tasks may be imported.
        from kpi import tasks  # noqa: F401 - registers the tasks queued by name (core.publish)
        from kpi.services.reports import on_ticket_resolved  # ready(): wiring a signal
        from tickets.signals import ticket_resolved  # ready(): tickets never imports kpi

        # A resolved P1 ticket gets its major-incident report (tickets never imports kpi).
        ticket_resolved.connect(on_ticket_resolved, dispatch_uid="kpi.major_incident_report")
