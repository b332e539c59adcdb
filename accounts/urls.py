from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("portal/", views.home_portal, name="home_portal"),
    path("client/", views.home_client, name="home_client"),
    path("desk/", views.home_desk, name="home_desk"),
    path("engineer/", views.home_engineer, name="home_engineer"),
    path("manage/", views.home_manager, name="home_manager"),
    path("system/", views.home_admin, name="home_admin"),
    path("people/", views.people, name="people"),
]
