from django.urls import path

from sla import views

app_name = "sla"

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<slug:code>/", views.contract_detail, name="contract_detail"),
    path("sla/board/", views.board, name="board"),
    path("sla/preview/", views.preview, name="preview"),
    path("sla/holidays/enter/", views.holidays_enter, name="holidays_enter"),
    path("sla/holidays/enter/save/", views.holidays_save, name="holidays_save"),
]
