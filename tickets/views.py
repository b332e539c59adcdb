"""Ticket pages: thin adapters that parse input, call one service, render (STYLE.md)."""

from __future__ import annotations

from dataclasses import fields, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Capability, can
from accounts.selectors import people_search, people_visible_to
from core import batch, thumbnails
from core import uploads as files
from core.clock import now
from core.errors import ActionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page
from core.prepared import PreparedQuery
from sla.selectors import clock_states, visible_contract_codes
from tickets import forms, hooks
from tickets.bulk import bulk_context
from tickets.filter_labels import queue_filter_labels
from tickets.filters import SORT_CHOICES, VIEW_CHOICES, TicketFilterSet
from tickets.models import Attachment, Channel, Priority, ServiceType, Status, Ticket
from tickets.page import ActionRow, action_form, ticket_page_get
from tickets.permissions import (
    may_act_in_bulk,
    may_merge_tickets,
    may_relate_tickets,
    may_see_queue,
    may_use_canned_replies,
    may_write_internal,
)
from tickets.queue_columns import COLUMN_KEYS, column_choices, columns_for
from tickets.relations import LINK_CHOICES
from tickets.saved_views import saved_views_context
from tickets.selectors import (
    MY_TABS,
    QueueFilters,
    attachment_get,
    canned_replies_for,
    engineer_workload,
    merged_survivor,
    my_tickets,
    open_tickets_of,
    ticket_get,
    ticket_links,
    ticket_list,
    ticket_timeline,
)
from tickets.selectors_table import for_table
from tickets.services import ticket_act, ticket_comment, ticket_create, ticket_log_call
from tickets.workflow import allowed_actions, done_message

# My tickets' tabs (tickets/selectors.py MY_TABS), in the order shown; "" is every ticket.
MY_TAB_LABELS = [("", gettext_lazy("All")), ("open", pgettext_lazy("my tickets tab", "Open")),
                 ("waiting", gettext_lazy("Waiting for me")),
                 ("resolved", pgettext_lazy("my tickets tab", "Resolved")),
                 ("closed", pgettext_lazy("my tickets tab", "Closed"))]


def _ticket_or_404(user, number: str) -> Ticket:
    try:
        return ticket_get(user=user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _form_errors(form) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}: {e}".lstrip(": ")
                    for f, errors in form.errors.items() for e in errors)


@login_required
def new(request):
    """The portal form: an end user files a fault in under a minute."""
    if not can(request.user, Capability.FILE_TICKETS):
        raise PermissionDenied
    scanned = _scanned_asset(request)
    form = forms.PortalTicketForm(request.POST or None, request.FILES or None, user=request.user,
                                  scanned=scanned)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_create(actor=request.user, **form.ticket_fields())
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Ticket %(number)s filed. We will be in touch soon.")
                             % {"number": ticket.number})
            return redirect("tickets:detail", ticket.number)
    return render(request, "tickets/new.html", {"form": form, "scanned": scanned})


def _scanned_asset(request):
    """The asset whose QR label brought the user here (/a/<tag> → ?asset=<tag>), if they may
    report on it; an unknown or foreign tag is ignored rather than revealed."""
    tag = (request.GET.get("asset") or request.POST.get("scanned") or "").strip()[:64]
    if not tag:
        return None
    return (hooks.assets_reportable_by(request.user).filter(tag=tag)
            .select_related("contract", "asset_type", "site").first())


@login_required
def log_call(request):
    """The desk logs a call on behalf of a caller, and resolves or dispatches it at once."""
    if not can(request.user, Capability.LOG_CALLS):
        raise PermissionDenied
    form = forms.LogCallForm(request.POST or None, request.FILES or None, user=request.user)
    caller = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = ticket_log_call(
                    actor=request.user, resolve_now=data["resolve_now"],
                    resolution_code=data["resolution_code"],
                    resolution_notes=data["resolution_notes"],
                    dispatch_to=data["dispatch_to"], **form.ticket_fields())
            except ActionRefused as exc:
                add_service_error(form, exc, {"code": "resolution_code",
                                              "notes": "resolution_notes",
                                              "assignee": "dispatch_to"})
            else:
                messages.success(
                    request, _("Ticket %(number)s logged on behalf of %(name)s (%(status)s).")
                    % {"number": ticket.number, "name": ticket.requester.display_name,
                       "status": ticket.get_status_display()})
                return redirect("tickets:detail", ticket.number)
        caller = form.cleaned_data.get("requester") if hasattr(form, "cleaned_data") else None
    return render(request, "tickets/log_call.html", {
        "form": form, "caller": caller,
        "caller_tickets": open_tickets_of(user=request.user, requester=caller) if caller else [],
    })


@login_required
def caller_search(request):
    """htmx: callers matching what the agent types, each with their open tickets."""
    if not can(request.user, Capability.LOG_CALLS):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    people = list(people_search(user=request.user, query=query, limit=8)) if query else []
    people = [p for p in people if p.organisation_id and p.is_client_side]
    return render(request, "tickets/_callers.html", {"people": people, "query": query})


@login_required
def caller_tickets(request, pk: int):
    """htmx: the chosen caller's open tickets, so a duplicate is caught before it is filed."""
    if not can(request.user, Capability.LOG_CALLS):
        raise PermissionDenied
    try:
        caller = people_visible_to(request.user).select_related("site", "department").get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None
    # With the tickets come the caller's contracts and sites (htmx out-of-band swaps), so a
    # contract of another client cannot be picked and refused only on saving.
    return render(request, "tickets/_caller_pick.html", {
        "caller": caller, "tickets": open_tickets_of(user=request.user, requester=caller),
        "form": forms.LogCallForm(user=request.user, caller=caller)})


@login_required
def mine(request):
    """My tickets: what I asked for (end users; client contacts see their contract's)."""
    tab = request.GET.get("tab", "")
    tab = tab if tab in MY_TABS else ""
    q = request.GET.get("q", "").strip()[:200]
    tickets = my_tickets(user=request.user, tab=tab, q=q)
    if not request.user.is_client_side:
        tickets = tickets.filter(requester=request.user)
    page = page_of(for_table(tickets), request.GET.get("page"), per_page=25)
    return render(request, "tickets/mine.html", {"page": page, "tab": tab, "q": q,
                                                 "tabs": MY_TAB_LABELS,
                                                 "query": query_without_page(request)})


# Its service types, by a query compiled once per process (core.prepared): 0.6 → 0.25 ms of
# CPU for the queryset each view built and compiled (issue 19, tenth pass).
ACTIVE_SERVICE_TYPES = PreparedQuery(lambda: ServiceType.objects.filter(active=True))


@login_required
def queue(request):
    """The dispatch queue; with htmx (every 30 s) only the table is sent."""
    # One scope for the request: the contracts in scope are read once (sla.selectors).
    with batch.scope():
        return _queue(request)


def _queue(request):
    user = request.user
    if not may_see_queue(user):
        raise PermissionDenied
    data = request.GET.copy()
    if not data.get("view"):
        data["view"] = "open"  # the page opens on the open tickets; the API lists them all
    filterset = TicketFilterSet(data, queryset=ticket_list(user=user),
                                request=request)
    page = page_of(for_table(filterset.qs), request.GET.get("page"))
    filterset.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
    accepted = filterset.form.cleaned_data
    filters = QueueFilters(**{f.name: accepted[f.name] for f in fields(QueueFilters)
                              if accepted.get(f.name) not in (None, "")})
    if filters.priority is not None:
        # The filter's choice field keeps the priority as the text sent ("2"); QueueFilters
        # holds the number it declares, so its labels and the bar's select compare numbers.
        filters = replace(filters, priority=int(filters.priority))
    context = {"page": page, "filters": filters, "query": query_without_page(request)}
    # An empty queue names the filters that emptied it, with a link clearing them (issue 15).
    if not page.object_list:
        context["empty_filters"] = queue_filter_labels(filters)
        context["clear_filters_url"] = f"{request.path}?view={filters.view}"
    context["selectable"] = may_act_in_bulk(user)
    # The columns chosen on the page or by a saved view (issue 15.2); unknown ones are ignored.
    chosen = request.GET.getlist("columns")[:len(COLUMN_KEYS)]
    context["columns"] = columns_for(chosen)
    if request.htmx:
        return render(request, "tickets/queue.html#table", context)
    # The filter bar's choices (not in the table's htmx refresh), written out by the template
    # like its other selects: a form here cost its fields' deep copies and Django's widget
    # templates for two selects (issue 19, tenth pass). Selected: the values the filters took.
    context.update(view_choices=VIEW_CHOICES, priority_choices=Priority.choices,
                   sort_choices=SORT_CHOICES)
    context["column_choices"] = column_choices(chosen)
    context["column_keep"] = [(key, value) for key, values in request.GET.lists()
                              if key not in ("page", "columns") for value in values[:20]]
    if context["selectable"]:  # the bulk bar (issue 15)
        context.update(bulk_context(user, page, context["query"]))
    context.update(saved_views_context(request))  # saved views with their counts (issue 15.2)
    context.update(
        contract_codes=[code for _pk, code in visible_contract_codes(user)],
        service_types=ACTIVE_SERVICE_TYPES.models(),
        statuses=Status.choices,
        workload=engineer_workload(user=user) if can(user, Capability.DISPATCH) else None,
    )
    return render(request, "tickets/queue.html", context)


@login_required
def detail(request, number: str):
    # One scope for the request: forms offering the same people read them once (core.batch).
    with batch.scope():
        return _detail(request, number)


def _detail(request, number: str):
    user = request.user
    try:
        ticket = ticket_page_get(user=user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None
    survivor = merged_survivor(user, ticket)
    if survivor is not None:  # the number of a merged ticket leads to the one it lives on in
        return redirect("tickets:detail", survivor.number)
    found_on = None
    if ticket.channel == Channel.INSPECTION and not user.is_client_side:
        found_on = ticket.inspection_records.select_related("round__plan").first()
    links = ticket_links(user=user, ticket=ticket)
    has_children = any(row.kind == "parent_of" for row in links)
    return render(request, "tickets/detail.html", {
        **hooks.ticket_page_context(user=user, ticket=ticket),
        **hooks.ticket_visits_context(user=user, ticket=ticket),  # field service
        **hooks.service_reports_context(user=user, ticket=ticket),  # field service
        "found_on": found_on,
        # field service: vendor repairs and parts to site (f16repair)
        "repairs_panel": hooks.repairs_panel(request=request, ticket=ticket),
        "ticket": ticket,
        "clocks": clock_states(ticket.clocks.all(), at=now()),
        "timeline": ticket_timeline(user=user, ticket=ticket),
        "actions": [ActionRow(name, ticket, has_children=has_children)
                    for name in allowed_actions(user, ticket)],
        "comment_form": forms.CommentForm(),
        "may_write_internal": may_write_internal(user),
        "may_comment": ticket.status not in {Status.CLOSED, Status.CANCELLED}
        or not user.is_client_side,
        "survey_url": hooks.survey_prompt(user=user, ticket=ticket, absolute=False),
        "consent_panel": hooks.ticket_consent_panel(user=user, ticket=ticket),
        "canned_replies": list(canned_replies_for(ticket=ticket))
        if may_use_canned_replies(user) else [],
        # Relations (issue 15): links both ways, and the forms to add one or merge.
        "links": links,
        "link_kinds": LINK_CHOICES,
        "may_relate": may_relate_tickets(user),
        "may_merge": may_merge_tickets(user) and ticket.is_open,
    })


@login_required
@require_POST
def act(request, number: str, action: str):
    """One POST URL per transition (/tickets/<number>/<action>/)."""
    ticket = _ticket_or_404(request.user, number)
    form = action_form(action, ticket, request.POST, request.FILES)
    data = {}
    if form is not None:
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect("tickets:detail", ticket.number)
        data = form.cleaned_data
    before_status, first_response = ticket.status, ticket.accepted_at is None
    try:
        changed = ticket_act(action, actor=request.user, ticket=ticket, **data)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message(action, changed, before_status=before_status,
                                               first_response=first_response))
        _children_message(request, changed)
    return redirect("tickets:detail", ticket.number)


def _children_message(request, ticket: Ticket) -> None:
    """After resolving a parent with its children: which were resolved, which stay open."""
    if getattr(ticket, "children_resolved", None):
        messages.success(request, _("Child tickets resolved too: %(numbers)s.")
                         % {"numbers": ", ".join(ticket.children_resolved)})
    for number, reason in getattr(ticket, "children_refused", []):
        messages.warning(request, _("%(number)s stays open: %(reason)s")
                         % {"number": number, "reason": reason})


@login_required
@require_POST
def comment(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    form = forms.CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("tickets:detail", ticket.number)
    data = form.cleaned_data
    try:
        ticket_comment(actor=request.user, ticket=ticket, body=data["body"],
                       internal=data["internal"],
                       time_spent_minutes=data["time_spent_minutes"] or 0,
                       uploads=data["uploads"])
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Internal note added.") if data["internal"]
                         else _("Reply sent."))
    return redirect("tickets:detail", ticket.number)


def _attachment_or_404(user, pk: int) -> Attachment:
    """An attachment the user may see, else 404 (one answer for "not yours" and "no such")."""
    try:
        return attachment_get(user=user, pk=pk)
    except Attachment.DoesNotExist:
        raise Http404 from None


@login_required
def download(request, pk: int):
    """Files are only ever served here: after the permission check, as a download."""
    attachment = _attachment_or_404(request.user, pk)
    return files.download_response(attachment)


@login_required
def view_attachment(request, pk: int):
    """An image or PDF shown in the browser (sandboxed); any other type is a download."""
    attachment = _attachment_or_404(request.user, pk)
    return files.inline_response(attachment)


@login_required
def thumbnail(request, pk: int):
    """A small upright JPEG of an image attachment, without the photo's metadata."""
    attachment = _attachment_or_404(request.user, pk)
    content = thumbnails.thumbnail_bytes(attachment.storage_name, attachment.content_type)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = files.INLINE_CSP
    response["Cache-Control"] = "private, max-age=86400"
    return response
