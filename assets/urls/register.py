"""URL patterns of the register; see assets/urls/__init__.py."""

from django.urls import path

from assets.views import register as views

patterns = [
    path("assets/", views.asset_list_view, name="list"),
    path("assets/new/", views.asset_new, name="new"),
    path("assets/labels/", views.asset_labels, name="labels"),
    path("assets/lookup/", views.asset_lookup, name="lookup"),
    path("assets/<int:pk>/", views.asset_detail, name="detail"),
    path("assets/<int:pk>/edit/", views.asset_edit, name="edit"),
    path("assets/<int:pk>/retire/", views.asset_retire, name="retire"),
    path("assets/<int:pk>/relations/", views.relation_add, name="relation_add"),
    path("assets/<int:pk>/relations/<int:relation_pk>/delete/", views.relation_remove,
         name="relation_remove"),
    path("a/<str:tag>", views.tag_landing, name="tag"),
]
