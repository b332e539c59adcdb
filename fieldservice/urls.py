"""Pages of field service (visits, service reports, vendor repairs, part requests)."""

from django.urls import path

# service reports (f16report)
from fieldservice.views import reports as report_views

app_name = "fieldservice"
urlpatterns: list = []

# service reports (f16report)
urlpatterns += [
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
