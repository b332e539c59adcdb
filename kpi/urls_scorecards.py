"""URL patterns of the KPI scorecards pages; see kpi/urls.py (app "kpi")."""

patterns: list = []
