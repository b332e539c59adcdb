"""URL patterns of the KPI scorecards pages; see kpi/urls/__init__.py (app "kpi")."""

from django.urls import path

from kpi.views import scorecards as views

patterns: list = [
    path("kpi/scorecards/", views.scorecards, name="scorecards"),
    path("kpi/scorecards/mine/", views.mine, name="my_scorecard"),
    path("kpi/scorecards/<int:pk>/", views.detail, name="scorecard"),
    path("kpi/scorecards/scheme/<str:code>/", views.scheme, name="scorecard_scheme"),
]
