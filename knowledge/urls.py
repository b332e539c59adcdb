"""Pages of knowledge (/kb/), problems, changes and maintenance notices."""

from django.urls import path

# articles (k18kb)
from knowledge.views import articles as article_views
from knowledge.views import changes, notices, problems  # problems, changes, notices (k18chg)

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
    # --- problems, changes, notices (k18chg) ---
    path("problems/", problems.problems, name="problems"),
    path("problems/new/", problems.new, name="problem_new"),
    path("problems/<str:number>/", problems.detail, name="problem_detail"),
    path("problems/<str:number>/accept/", problems.accept, name="problem_accept"),
    path("problems/<str:number>/dismiss/", problems.dismiss, name="problem_dismiss"),
    path("problems/<str:number>/analyse/", problems.analyse, name="problem_analyse"),
    path("problems/<str:number>/link-change/", problems.link_change, name="problem_link_change"),
    path("problems/<str:number>/confirm/", problems.confirm, name="problem_confirm"),
    path("problems/<str:number>/known-error-article/", problems.known_error_article,
         name="problem_known_error_article"),
    path("problems/<str:number>/report.pdf", problems.pdf, name="problem_pdf"),
    path("changes/", changes.changes, name="changes"),
    path("changes/new/", changes.new, name="change_new"),
    path("changes/<str:number>/", changes.detail, name="change_detail"),
    path("changes/<str:number>/submit/", changes.submit, name="change_submit"),
    path("changes/<str:number>/approve/", changes.approve, name="change_approve"),
    path("changes/<str:number>/reject/", changes.reject, name="change_reject"),
    path("changes/<str:number>/implement/", changes.implement, name="change_implement"),
    path("changes/<str:number>/review/", changes.review, name="change_review"),
    path("changes/<str:number>/cancel/", changes.cancel, name="change_cancel"),
    path("changes/<str:number>/print/", changes.print_form, name="change_print"),
    path("consents/", changes.consents, name="consents"),
    path("consents/new/", changes.consent_new, name="consent_new"),
    path("consents/<int:pk>/", changes.consent_detail, name="consent_detail"),
    path("consents/<int:pk>/approve/", changes.consent_approve, name="consent_approve"),
    path("consents/<int:pk>/reject/", changes.consent_reject, name="consent_reject"),
    path("notices/", notices.notices, name="notices"),
    path("notices/calendar/", notices.calendar, name="notice_calendar"),
    path("notices/new/", notices.new, name="notice_new"),
    path("notices/<int:pk>/", notices.detail, name="notice_detail"),
    path("notices/<int:pk>/edit/", notices.edit, name="notice_edit"),
    path("notices/<int:pk>/cancel/", notices.cancel, name="notice_cancel"),
]
