from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Knowledge articles and deflection, problems, changes with approvals and maintenance
    notices (issue 18). It builds on tickets, beside assets and surveys (DESIGN.md)."""

    name = "knowledge"
    verbose_name = _("Knowledge, problems and changes")
