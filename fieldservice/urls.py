"""Pages of field service (visits, service reports, vendor repairs, part requests)."""

from django.urls import path

from fieldservice.views import visits

app_name = "fieldservice"
urlpatterns: list = [
    # Visits (f16visits)
    path("field/today/", visits.today, name="today"),
    path("tickets/<str:number>/visits/plan/", visits.plan, name="visit_plan"),
    path("tickets/<str:number>/check-out/", visits.check_out, name="check_out"),
]
