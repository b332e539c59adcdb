from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = _("KPI and reports")

    def ready(self):
        # A resolved P1 ticket gets its major-incident report (tickets never imports kpi).
        from kpi.reports.generate import on_ticket_resolved
        from tickets.signals import ticket_resolved

        ticket_resolved.connect(on_ticket_resolved, dispatch_uid="kpi.major_incident_report")
