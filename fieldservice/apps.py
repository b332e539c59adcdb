from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    """On-site work (issue 16): visits with check-in proof, signed customer service reports,
    vendor repairs and parts brought to site. It builds on tickets and assets (docs/adr/0004)."""

    name = "fieldservice"
    verbose_name = _("Field service")

    def ready(self) -> None:
        # Hooks the lower apps declare (core/hooks.py); each sub-domain provides its own.
        # vendor repairs and parts to site (f16repair)
        from fieldservice.views.repairs import ticket_panel  # ready(): app wiring
        from tickets import hooks  # ready(): app wiring

        hooks.repairs_panel.provide(ticket_panel)
