"""URL patterns of the complaints register; see surveys/urls/__init__.py (app "surveys")."""

from django.urls import path

from surveys.views import complaints as views

patterns: list = [
    path("complaints/", views.complaints, name="complaints"),
    # Staff get the registration form here, end users the short "file a complaint" form.
    path("complaints/new/", views.new, name="complaint_new"),
    path("complaints/<str:number>/", views.detail, name="complaint_detail"),
    path("complaints/<str:number>/answer/", views.answer, name="complaint_answer"),
    path("complaints/<str:number>/resolve/", views.resolve, name="complaint_resolve"),
    path("complaints/<str:number>/print/", views.print_form, name="complaint_print"),
]
