"""URL patterns; see assets/urls.py."""

from django.urls import path

from assets import views_io

patterns: list = [
    path("assets/import/", views_io.import_page, name="import"),
    path("assets/import/template.xlsx", views_io.import_template, name="import_template"),
    path("assets/export/", views_io.export, name="export"),
]
