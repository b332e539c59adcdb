from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Knowledge articles and deflection, problems, changes with approvals and maintenance
    notices (issue 18). It builds on tickets, beside assets and surveys (DESIGN.md)."""

    name = "knowledge"
    verbose_name = _("Knowledge, problems and changes")

    def ready(self):
        # --- problems, changes, notices (k18chg) ---
        # A filed ticket proposes problems and is tagged by maintenance windows
        # (tickets.signals.ticket_filed; tickets never imports knowledge).
        from knowledge import receivers  # noqa: F401 - ready(): connects its receivers

        # The ticket page shows the consents asked on it (tickets.hooks).
        from knowledge.views.panels import ticket_consent_panel  # ready(): app wiring
        from tickets import hooks  # ready(): app wiring

        hooks.ticket_consent_panel.provide(ticket_consent_panel)
        hooks.panel_flags.add("consents")  # the panel reads none on a ticket without (issue 19)
