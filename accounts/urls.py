from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("people/", views.people, name="people"),
]
