"""The bell, the list of one's notifications, mark read, deep links and preferences.

Every view reads and writes only the logged-in person's own rows (notifications/selectors.py,
notifications/inbox.py); another person's notification id answers 404, like one that does not
exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.paging import page_of
from notifications.inbox import in_app_follow, in_app_mark_read, preferences_save
from notifications.selectors import my_notifications, my_preferences, unread_count

DROPDOWN_ROWS = 8


@require_GET
def bell(request):
    """The polled badge: one COUNT query (plus the session's own reads). A session that
    expired answers 204, which htmx leaves alone, rather than a login page in the badge."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "notifications/bell_count.html",
                  {"unread": unread_count(person=request.user)})


@login_required
@require_GET
def latest(request):
    """The bell's drop-down: the newest few, loaded when it opens."""
    return render(request, "notifications/latest.html", {
        "notifications": my_notifications(person=request.user)[:DROPDOWN_ROWS]})


@login_required
@require_GET
def notification_list(request):
    unread = request.GET.get("unread") == "1"
    page = page_of(my_notifications(person=request.user, unread=unread), request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "notifications": page.object_list, "unread_only": unread,
        "query": "unread=1" if unread else ""})


@login_required
@require_POST
def mark_read(request):
    """Mark one (``id``), several (``id`` repeated) or all (``all``) read, then go back."""
    if request.POST.get("all"):
        changed = in_app_mark_read(person=request.user, everything=True)
    else:
        ids = [value for value in request.POST.getlist("id") if value.isdigit()]
        changed = in_app_mark_read(person=request.user, ids=ids[:500])
    if changed:
        messages.success(request, _("Marked as read."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = "notifications:list"
    return redirect(back)


@login_required
@require_GET
def follow(request, pk: int):
    """A deep link: marks the notification read and opens what it is about."""
    notification = in_app_follow(person=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    return redirect(notification.url or "notifications:list")


@login_required
def preferences(request):
    rows = my_preferences(person=request.user)
    if request.method == "POST":
        preferences_save(person=request.user, choices={
            row["event"]: (f"email:{row['event']}" in request.POST,
                           f"app:{row['event']}" in request.POST)
            for row in rows if not row["mandatory"]})
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"rows": rows})
