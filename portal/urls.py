from django.urls import path

from portal import views
from portal.search import views as search_views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.home_portal, name="home_portal"),
    path("client/", views.home_client, name="home_client"),
    path("desk/", views.home_desk, name="home_desk"),
    path("engineer/", views.home_engineer, name="home_engineer"),
    path("manage/", views.home_manager, name="home_manager"),
    # The managers' home figures, polled by the page (issue 15: live, "as of HH:MM").
    path("manage/figures/", views.manager_figures, name="manager_figures"),
    path("system/", views.home_admin, name="home_admin"),
    # Global search (issue 15).
    path("search/", search_views.search_page, name="search"),
]
