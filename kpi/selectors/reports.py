"""The archived service reports a user may read: those of the contracts whose dashboards the
user reads (kpi/selectors/dashboard.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from kpi.models.reports import ServiceReport
from kpi.selectors.dashboard import dashboard_contracts


def reports_visible_to(user) -> QuerySet[ServiceReport]:
    """The archived reports of the contracts whose dashboards the user reads."""
    return (ServiceReport.objects.filter(contract__in=dashboard_contracts(user))
            .select_related("contract", "ticket", "generated_by"))
