"""URL patterns; see assets/urls/__init__.py."""

from django.urls import path

from assets.views import io as views

patterns: list = [
    path("assets/import/", views.import_page, name="import"),
    path("assets/import/<uuid:pk>/", views.import_job, name="import_job"),
    path("assets/import/template.xlsx", views.import_template, name="import_template"),
    path("assets/export/", views.export, name="export"),
]
