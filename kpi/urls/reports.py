"""URL patterns of the KPI reports pages; see kpi/urls/__init__.py (app "kpi")."""

from django.urls import path

from kpi.views import reports as views

patterns: list = [
    path("kpi/reports/", views.reports, name="reports"),
    path("kpi/reports/generate/", views.generate, name="report_generate"),
    path("kpi/reports/<int:pk>/pdf/", views.download_pdf, name="report_pdf"),
    path("kpi/reports/<int:pk>/xlsx/", views.download_xlsx, name="report_xlsx"),
]
