"""URL patterns of the per-ticket surveys; see surveys/urls/__init__.py."""

from django.urls import path

from surveys.views import ticket_surveys as views

patterns: list = [
    # The e-mailed link: short, no login (the token is the key).
    path("s/<str:token>/", views.answer, name="answer"),
    path("surveys/callbacks/", views.callbacks, name="callbacks"),
    path("surveys/callbacks/<int:pk>/done/", views.callback_mark_done, name="callback_done"),
]
