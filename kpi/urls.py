"""KPI pages: dashboards and drill-down (urls_dashboard.py), engineer scorecards
(urls_scorecards.py), service reports (urls_reports.py)."""

from kpi.urls_dashboard import patterns as dashboard_patterns
from kpi.urls_reports import patterns as report_patterns
from kpi.urls_scorecards import patterns as scorecard_patterns

app_name = "kpi"

urlpatterns = [*dashboard_patterns, *scorecard_patterns, *report_patterns]
