from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("oidc/login/", views.OidcLoginView.as_view(), name="oidc_login"),
    path("oidc/callback/", views.OidcCallbackView.as_view(), name="oidc_callback"),
]
