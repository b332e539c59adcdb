from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys and complaints")

    def ready(self):
        # A resolved ticket sends its survey (tickets.signals; tickets never imports surveys).
        from surveys import receivers  # noqa: F401
