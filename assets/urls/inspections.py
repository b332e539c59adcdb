"""URL patterns of inspections (巡检); see assets/urls/__init__.py. Views in
assets/views/inspections.py."""

from django.urls import path

from assets.views import inspections as views

patterns: list = [
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/rounds/<int:pk>/", views.round_detail, name="round"),
    path("inspections/records/<int:pk>/", views.record, name="record"),
    path("inspections/photos/<int:pk>/", views.photo, name="inspection_photo"),
    path("inspections/plans/", views.plans, name="plans"),
    path("inspections/plans/new/", views.plan_new, name="plan_new"),
    path("inspections/plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("inspections/report/", views.report, name="inspection_report"),
]
