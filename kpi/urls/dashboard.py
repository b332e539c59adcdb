"""URL patterns of the KPI dashboard pages; see kpi/urls/__init__.py (app "kpi")."""

from django.urls import path

from kpi.views import dashboard as v

patterns: list = [
    path("kpi/", v.dashboard, name="dashboard"),
    path("kpi/tickets/", v.drill, name="drilldown"),
    path("kpi/targets/<str:code>/", v.targets, name="targets"),
    path("kpi/refresh/", v.refresh, name="refresh"),
]
