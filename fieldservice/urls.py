"""Pages of field service (visits, service reports, vendor repairs, part requests)."""

from django.urls import path

# vendor repairs and parts to site (f16repair)
from fieldservice.views import parts as part_views
from fieldservice.views import repairs as repair_views
from fieldservice.views import reports as report_views  # service reports (f16report)
from fieldservice.views import visits  # Visits (f16visits)

app_name = "fieldservice"
urlpatterns: list = [
    # f16repair
    path("repairs/", repair_views.repair_list, name="repairs"),
    path("repairs/<int:pk>/", repair_views.repair_detail, name="repair"),
    path("repairs/<int:pk>/print/", repair_views.repair_print, name="repair_print"),
    path("repairs/<int:pk>/<str:action>/", repair_views.repair_action, name="repair_action"),
    path("tickets/<str:number>/repairs/new/", repair_views.repair_new, name="repair_new"),
    path("part-requests/", part_views.part_request_list, name="part_requests"),
    path("part-requests/<int:pk>/print/", part_views.part_request_print, name="part_request_print"),
    path("part-requests/<int:pk>/<str:action>/", part_views.part_request_action,
         name="part_request_action"),
    path("tickets/<str:number>/part-requests/new/", part_views.part_request_new,
         name="part_request_new"),
    # Visits (f16visits)
    path("field/today/", visits.today, name="today"),
    path("tickets/<str:number>/visits/plan/", visits.plan, name="visit_plan"),
    path("tickets/<str:number>/check-out/", visits.check_out, name="check_out"),
    # service reports (f16report)
    path("field/tickets/<str:number>/service-report/", report_views.report_form,
         name="report-form"),
    path("field/service-reports/<int:pk>/", report_views.report_detail, name="report"),
    path("field/service-reports/<int:pk>/sign/<str:role>/", report_views.report_sign,
         name="report-sign"),
    path("field/service-reports/<int:pk>/no-signature/", report_views.report_no_signature,
         name="report-no-signature"),
    path("field/service-reports/<int:pk>/confirm/", report_views.report_confirm,
         name="report-confirm"),
    path("field/service-reports/<int:pk>/pdf/", report_views.report_pdf, name="report-pdf"),
]
