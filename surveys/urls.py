"""Survey and complaint pages: per-ticket surveys (views_surveys.py), complaints
(views_complaints.py), campaigns and the analysis (views_campaigns.py)."""

from surveys.urls_campaigns import patterns as campaign_patterns
from surveys.urls_complaints import patterns as complaint_patterns
from surveys.urls_surveys import patterns as survey_patterns

app_name = "surveys"

urlpatterns = [*survey_patterns, *complaint_patterns, *campaign_patterns]
