"""URL patterns of the KPI reports pages; see kpi/urls.py (app "kpi")."""

patterns: list = []
