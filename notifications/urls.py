from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/latest/", views.latest, name="latest"),
    path("notifications/read/", views.mark_read, name="read"),
    path("notifications/<int:pk>/go/", views.follow, name="follow"),
    path("notifications/preferences/", views.preferences, name="preferences"),
]
