from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from accounts.views import set_language
from itsm import health
from itsm.metrics import metrics

# A database outage that escaped the views is a 503 with Retry-After, any other error the 500 page.
handler500 = "core.refusals.server_error"

urlpatterns = [
    path("healthz", health.ready, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("healthz/ready", health.ready, name="healthz-ready"),
    path("metrics", metrics, name="metrics"),
    # Browsers ask for /favicon.ico whatever the page links; the icon is an SVG. Lazy: the
    # static URL (hashed in production) is known only once the storage is ready.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"),
                                             permanent=True), name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include("itsm.api")),
    path("", include("sla.urls")),
    path("", include("tickets.urls")),
    path("", include("assets.urls")),
    path("", include("surveys.urls")),
    path("", include("fieldservice.urls")),
    path("", include("mailin.urls")),
    path("", include("knowledge.urls")),
    path("", include("kpi.urls")),
    path("", include("accounts.urls")),
    path("", include("sso.urls")),
    path("", include("notifications.urls")),
    path("", include("portal.urls")),
]
