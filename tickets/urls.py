from django.urls import path

from tickets import bulk, relations, views
from tickets.workflow import ACTIONS

app_name = "tickets"

urlpatterns = [
    path("tickets/new/", views.new, name="new"),
    path("tickets/log-call/", views.log_call, name="log_call"),
    path("tickets/log-call/callers/", views.caller_search, name="caller_search"),
    path("tickets/log-call/callers/<int:pk>/", views.caller_tickets, name="caller_tickets"),
    path("tickets/mine/", views.mine, name="mine"),
    path("tickets/queue/", views.queue, name="queue"),
    path("tickets/queue/bulk/", bulk.queue_bulk, name="queue_bulk"),
    path("tickets/attachments/<int:pk>/", views.download, name="download"),
    path("tickets/<str:number>/", views.detail, name="detail"),
    path("tickets/<str:number>/comment/", views.comment, name="comment"),
    path("tickets/<str:number>/link/", relations.link, name="link"),
    path("tickets/<str:number>/links/<int:pk>/remove/", relations.unlink, name="unlink"),
    path("tickets/<str:number>/merge/", relations.merge, name="merge"),
]
# One POST-only URL per transition: /tickets/<number>/accept/, …/resolve/, …
urlpatterns += [
    path(f"tickets/<str:number>/{action.replace('_', '-')}/", views.act, {"action": action},
         name=action)
    for action in ACTIONS
]
