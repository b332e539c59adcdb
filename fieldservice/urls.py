"""Pages of field service (visits, service reports, vendor repairs, part requests)."""

app_name = "fieldservice"
urlpatterns: list = []
