from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Contracts and service levels")

    def ready(self):
        # Connects the signal receivers that drop cached holiday calendars when the tables change.
        from sla import holidays  # noqa: F401 - ready(): connects its receivers
