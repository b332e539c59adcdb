"""URL patterns; see surveys/urls/__init__.py."""

from django.urls import path

from surveys.views import campaigns as v

patterns: list = [
    path("surveys/campaigns/", v.campaign_list, name="campaign_list"),
    path("surveys/campaigns/new/", v.campaign_new, name="campaign_new"),
    path("surveys/campaigns/<int:pk>/", v.campaign_detail, name="campaign_detail"),
    path("surveys/campaigns/<int:pk>/questions/", v.question_edit, name="question_add"),
    path("surveys/campaigns/<int:pk>/questions/<int:question_id>/", v.question_edit,
         name="question_edit"),
    path("surveys/campaigns/<int:pk>/questions/<int:question_id>/delete/", v.question_delete,
         name="question_delete"),
    path("surveys/campaigns/<int:pk>/questions/<int:question_id>/move/", v.question_move,
         name="question_move"),
    path("surveys/campaigns/<int:pk>/open/", v.campaign_open, name="campaign_open"),
    path("surveys/campaigns/<int:pk>/invite/", v.campaign_invite, name="campaign_invite"),
    path("surveys/campaigns/<int:pk>/close/", v.campaign_close, name="campaign_close"),
    path("surveys/campaigns/<int:pk>/results/", v.campaign_results, name="campaign_results"),
    path("q/<str:token>", v.campaign_answer, name="campaign_answer"),
    path("surveys/analysis/", v.analysis, name="analysis"),
]
