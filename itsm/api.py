"""The REST API's URL map: every app's viewsets on one router, plus auth and schema."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, ObtainTokenView, PersonViewSet
from assets.api import inspections as api_inspections
from assets.api import register as assets_api
from assets.api import store as api_store
from fieldservice import api as api_fieldservice
from knowledge import api as api_knowledge
from kpi.api import reports as api_reports
from kpi.api import scorecards as api_scorecards
from kpi.api import summary as api_summary
from notifications import api as api_notifications
from portal.search.api import SearchView
from sla.api import ContractViewSet
from surveys.api import campaigns as api_campaigns
from surveys.api import complaints as api_complaints
from surveys.api import ticket_surveys as api_surveys
from tickets.api import AttachmentDownloadView, CatalogueView, TicketViewSet
from tickets.saved_views import SavedViewViewSet

router = DefaultRouter()
router.register("contracts", ContractViewSet, basename="contract")
router.register("people", PersonViewSet, basename="person")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("saved-views", SavedViewViewSet, basename="saved-view")  # issue 15.2
assets_api.register_routes(router)
api_inspections.register_routes(router)
api_store.register_routes(router)
api_surveys.register_routes(router)
api_complaints.register_routes(router)
api_campaigns.register_routes(router)
api_summary.register_routes(router)
api_reports.register_routes(router)
api_scorecards.register_routes(router)
api_notifications.register_routes(router)
api_fieldservice.register_routes(router)  # issue 16
api_knowledge.register_routes(router)  # issue 18
# Non-router API paths of the apps (e.g. POST /api/surveys/<token>/answer/).
EXTRA_PATHS = [*api_surveys.paths(), *api_complaints.paths(), *api_campaigns.paths(),
               *api_summary.paths(), *api_reports.paths(), *api_scorecards.paths(),
               *api_fieldservice.paths(), *api_knowledge.paths()]

REDOC_POLICY = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"],
                # Its "API docs by Redocly" footer shows a logo from Redocly's CDN.
                "img-src": [SELF, "data:", "https://cdn.redoc.ly"]}

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("catalogue/", CatalogueView.as_view(), name="api-catalogue"),
    path("search/", SearchView.as_view(), name="api-search"),  # issue 15
    path("attachments/<int:pk>/", AttachmentDownloadView.as_view(), name="api-attachment"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The schema needs a login (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); its two pages are
    # for people at a browser, so they send anonymous visitors to the login page. Swagger UI
    # loads its start script from the same URL (the split view), not inline (CSP). Redoc's
    # styled-components write <style> tags without a nonce: that one page allows inline styles
    # (and its footer logo).
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
         name="api-docs"),
    path("redoc/", login_required(csp_replace(REDOC_POLICY)(
        SpectacularRedocView.as_view(url_name="api-schema"))), name="api-redoc"),
    *EXTRA_PATHS,
    path("", include(router.urls)),
]
