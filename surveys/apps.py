from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys and complaints")

    def ready(self):
        # A resolved ticket sends its survey (tickets.signals; tickets never imports surveys).
        from surveys import receivers  # noqa: F401 - ready(): connects its receivers

        # The ticket page and API show the open survey's link through tickets.hooks.
        from surveys.selectors.ticket_surveys import survey_prompt  # ready(): app wiring
        from tickets import hooks  # ready(): app wiring

        hooks.survey_prompt.provide(survey_prompt)
        hooks.panel_flags.add("survey")  # the ticket page reads no survey it has not (issue 19)
