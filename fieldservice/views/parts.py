"""Part request pages (备件领用): the store's list of open requests with their deadlines, the
request form from a ticket, issue / deliver / cancel, and the printable 备件领用单."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assets.permissions import may_manage_store
from core.clock import now
from core.errors import ActionRefused, PermissionRefused
from core.forms import add_service_error
from core.paging import page_of
from fieldservice.forms import repairs as forms
from fieldservice.models import PartRequest
from fieldservice.repair_workflow import is_desk
from fieldservice.selectors import repairs as sel
from fieldservice.services import parts as svc
from fieldservice.views.repairs import _ticket_or_404

SUCCESS = {"issue": gettext_lazy("Part issued from the store."),
           "deliver": gettext_lazy("Delivery recorded."),
           "cancel": gettext_lazy("Request cancelled.")}


def _request_or_404(user, pk: int) -> PartRequest:
    try:
        return sel.part_request_get(user=user, pk=pk)
    except PartRequest.DoesNotExist:
        raise Http404 from None


def _staff(request) -> None:
    if not is_desk(request.user) and not may_manage_store(request.user):
        raise PermissionDenied


def _list(request, issue_forms: dict | None = None, status: int = 200):
    _staff(request)
    open_only = request.GET.get("all") != "1"
    page = page_of(sel.part_request_list(user=request.user, open_only=open_only),
                   request.GET.get("page"), per_page=50)
    manage = may_manage_store(request.user)
    issue_forms = issue_forms or {}
    for item in page.object_list:
        if manage and item.status == "open":
            item.issue_form = issue_forms.get(item.pk) or forms.IssueForm(
                part_request=item, auto_id=f"id_issue_{item.pk}_%s")
    return render(request, "fieldservice/parts/list.html", {
        "page": page, "open_only": open_only, "may_manage": manage, "now": now()},
        status=status)


@login_required
def part_request_list(request):
    """The store's panel: open requests, the most urgent first, late ones marked."""
    return _list(request)


@login_required
def part_request_new(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    if not is_desk(request.user):
        raise PermissionDenied
    form = forms.PartRequestForm(request.POST or None, ticket=ticket)
    if request.method == "POST" and form.is_valid():
        try:
            svc.part_request_create(actor=request.user, ticket=ticket, **form.cleaned_data)
        except PermissionRefused:
            raise PermissionDenied from None
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, gettext_lazy("Part requested from the store."))
            return redirect("tickets:detail", ticket.number)
    return render(request, "fieldservice/parts/new.html", {"ticket": ticket, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def part_request_action(request, pk: int, action: str):
    part_request = _request_or_404(request.user, pk)
    if action not in SUCCESS:
        raise Http404
    try:
        if action == "issue":
            form = forms.IssueForm(request.POST, part_request=part_request,
                                   auto_id=f"id_issue_{pk}_%s")
            if not form.is_valid():
                return _list(request, {pk: form}, status=400)
            try:
                svc.part_request_issue(actor=request.user, request=part_request,
                                       location=form.cleaned_data["location"])
            except ActionRefused as exc:
                if isinstance(exc, PermissionRefused):
                    raise
                add_service_error(form, exc)
                return _list(request, {pk: form}, status=400)
        elif action == "deliver":
            svc.part_request_deliver(actor=request.user, request=part_request)
        else:
            svc.part_request_cancel(actor=request.user, request=part_request)
    except PermissionRefused:
        raise PermissionDenied from None
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("fieldservice:part_requests")
    messages.success(request, SUCCESS[action])
    if request.POST.get("next") == "ticket":
        return redirect("tickets:detail", part_request.ticket.number)
    return redirect("fieldservice:part_requests")


@login_required
def part_request_print(request, pk: int):
    """The printable 备件领用单 (A4) with the signature lines of the hand-over."""
    return render(request, "fieldservice/parts/print.html",
                  {"item": _request_or_404(request.user, pk)})
