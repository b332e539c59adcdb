"""Pages of knowledge (/kb/), problems, changes and maintenance notices."""

from django.urls import path

# articles (k18kb)
from knowledge.views import articles as article_views

app_name = "knowledge"
urlpatterns: list = [
    # articles (k18kb)
    path("kb/", article_views.article_list, name="list"),
    path("kb/new/", article_views.article_new, name="new"),
    path("kb/review/", article_views.review, name="review"),
    path("kb/deflection/", article_views.deflection, name="deflection"),
    path("kb/deflect/", article_views.deflect_panel, name="deflect"),
    path("kb/<int:pk>/", article_views.article_detail, name="detail"),
    path("kb/<int:pk>/edit/", article_views.article_edit, name="edit"),
    path("kb/<int:pk>/versions/", article_views.article_versions, name="versions"),
    path("kb/<int:pk>/vote/", article_views.vote, name="vote"),
    path("kb/<int:pk>/solved/", article_views.solved, name="solved"),
    path("kb/<int:pk>/<str:action>/", article_views.article_transition, name="act"),
    path("kb/attachments/<int:pk>/", article_views.attachment, name="attachment"),
    path("kb/ticket/<str:number>/", article_views.ticket_panel, name="ticket_panel"),
    path("kb/ticket/<str:number>/link/", article_views.ticket_link, name="ticket_link"),
    path("kb/ticket/<str:number>/propose/", article_views.ticket_propose,
         name="ticket_propose"),
]
