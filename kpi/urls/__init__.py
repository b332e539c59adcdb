"""KPI pages: dashboards and drill-down (urls/dashboard.py), engineer scorecards
(urls/scorecards.py), service reports (urls/reports.py)."""

from kpi.urls.dashboard import patterns as dashboard_patterns
from kpi.urls.reports import patterns as report_patterns
from kpi.urls.scorecards import patterns as scorecard_patterns

app_name = "kpi"

urlpatterns = [*dashboard_patterns, *scorecard_patterns, *report_patterns]
