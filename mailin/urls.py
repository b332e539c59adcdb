"""Pages of the e-mail channel (the mail as received, split, spam)."""

from django.urls import path

from mailin import views

app_name = "mailin"
urlpatterns = [
    path("mail/", views.message_list, name="list"),
    path("mail/<int:pk>/", views.message_detail, name="detail"),
    path("mail/<int:pk>/<str:action>/", views.message_act, name="act"),
]
