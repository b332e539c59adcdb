from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldServiceConfig(AppConfig):
    """On-site work (issue 16): visits with check-in proof, signed customer service reports,
    vendor repairs and parts brought to site. It builds on tickets and assets (docs/adr/0004)."""

    name = "fieldservice"
    verbose_name = _("Field service")
