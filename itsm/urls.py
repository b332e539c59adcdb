from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from itsm.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include("itsm.api")),
    path("", include("sla.urls")),
    path("", include("accounts.urls")),
]
