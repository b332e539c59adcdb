"""Survey and complaint pages: per-ticket surveys (views/ticket_surveys.py), complaints
(views/complaints.py), campaigns and the analysis (views/campaigns.py)."""

from surveys.urls.campaigns import patterns as campaign_patterns
from surveys.urls.complaints import patterns as complaint_patterns
from surveys.urls.ticket_surveys import patterns as survey_patterns

app_name = "surveys"

urlpatterns = [*survey_patterns, *complaint_patterns, *campaign_patterns]
