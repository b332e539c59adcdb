"""The ticket page, live: the page polls a small "changed since" endpoint and shows who changed
the ticket ("张丽 resolved this ticket — reload") when someone else did (issue 15, point 8).

GET /tickets/<number>/changes/?version=<v>&after=<entry id>: the page's copy is the ticket's
version counter (core.models.Versioned) and the newest timeline entry it shows. When the
version moved, the newest entry the reader may see (no internal notes for client-side people)
written after theirs by someone else is named; otherwise the answer is empty. Scoped like the
ticket page (404 for a ticket the reader may not open); two queries.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tickets.models import Entry, Status, Ticket
from tickets.selectors import ticket_get

# The transition's outcome, worded "<name> … this ticket".
_DONE = {
    Status.ACCEPTED: lambda name: _("%(name)s accepted this ticket") % {"name": name},
    Status.DISPATCHED: lambda name: _("%(name)s dispatched this ticket") % {"name": name},
    Status.ON_SITE: lambda name: _("%(name)s is on site for this ticket") % {"name": name},
    Status.PENDING: lambda name: _("%(name)s set this ticket pending") % {"name": name},
    Status.REOPENED: lambda name: _("%(name)s reopened this ticket") % {"name": name},
    Status.RESOLVED: lambda name: _("%(name)s resolved this ticket") % {"name": name},
    Status.CLOSED: lambda name: _("%(name)s closed this ticket") % {"name": name},
    Status.CANCELLED: lambda name: _("%(name)s cancelled this ticket") % {"name": name},
}


def _number(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else 0


def change_text(entry: Entry) -> str:
    name = entry.author.display_name if entry.author else _("System")
    if entry.kind == Entry.Kind.REPLY:
        return _("%(name)s replied on this ticket") % {"name": name}
    if entry.kind == Entry.Kind.NOTE:
        return _("%(name)s added an internal note") % {"name": name}
    if entry.to_status and entry.to_status != entry.from_status and entry.to_status in _DONE:
        return _DONE[entry.to_status](name)
    return _("%(name)s changed this ticket") % {"name": name}


def newest_change_by_others(*, user, ticket: Ticket, after: int) -> Entry | None:
    """The newest timeline entry after `after` that the user may read and did not write."""
    entries = ticket.entries.select_related("author").filter(pk__gt=after)
    if user.is_client_side:
        entries = entries.filter(internal=False)
    return (entries.exclude(author=user).order_by("-created_at", "-pk").first())


@login_required
@require_GET
def changes(request, number: str):
    try:
        ticket = ticket_get(user=request.user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None
    entry = None
    if ticket.version > _number(request.GET.get("version")):
        entry = newest_change_by_others(user=request.user, ticket=ticket,
                                        after=_number(request.GET.get("after")))
    if entry is None:
        return HttpResponse("")
    return render(request, "tickets/_changed.html", {"ticket": ticket, "text": change_text(entry)})
