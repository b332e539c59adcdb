from django.urls import path

from tickets import bulk, canned_replies, live, relations, saved_views, views
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
    path("tickets/queue/bulk/count/", bulk.queue_bulk_count, name="queue_bulk_count"),
    # Saved views of the queue (issue 15.2): POST-only, back to the queue.
    path("tickets/queue/views/", saved_views.save, name="saved_view_save"),
    path("tickets/queue/views/<int:pk>/rename/", saved_views.rename, name="saved_view_rename"),
    path("tickets/queue/views/<int:pk>/delete/", saved_views.delete, name="saved_view_delete"),
    path("tickets/attachments/<int:pk>/", views.download, name="download"),
    path("tickets/attachments/<int:pk>/view/", views.view_attachment, name="view_attachment"),
    path("tickets/attachments/<int:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
    # Canned replies (issue 15.5); before the ticket pages so "replies" is not a number.
    path("tickets/replies/", canned_replies.reply_list, name="canned_replies"),
    path("tickets/replies/<int:pk>/", canned_replies.reply_edit, name="canned_reply_edit"),
    path("tickets/<str:number>/canned/", canned_replies.reply_insert, name="canned_insert"),
    path("tickets/<str:number>/", views.detail, name="detail"),
    path("tickets/<str:number>/comment/", views.comment, name="comment"),
    # The ticket page polls this (issue 15: "张丽 resolved this ticket — reload").
    path("tickets/<str:number>/changes/", live.changes, name="changes"),
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
