"""URL patterns of the KPI dashboard pages; see kpi/urls.py (app "kpi")."""

patterns: list = []
