"""Vendor repair pages (送修): the list, one repair with its transitions, the form from a ticket
and the printable 设备送修单. Thin adapters: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ActionRefused, PermissionRefused
from core.forms import add_service_error
from core.paging import page_of
from fieldservice.forms import repairs as forms
from fieldservice.models import VendorRepair
from fieldservice.repair_workflow import ACTION_LABELS, allowed_actions, is_desk
from fieldservice.selectors import repairs as sel
from fieldservice.services import repairs as svc
from tickets.models import OPEN_STATUSES, Ticket
from tickets.selectors import ticket_get

SUCCESS = {
    "quote": gettext_lazy("Quote recorded; the user is asked to decide."),
    "approve": gettext_lazy("Quote approved."), "decline": gettext_lazy("Quote declined."),
    "update": gettext_lazy("Progress update sent to the user."),
    "lend": gettext_lazy("Loaner device lent."),
    "return": gettext_lazy("Device returned; the repair is closed."),
}


def _repair_or_404(user, pk: int) -> VendorRepair:
    try:
        return sel.repair_get(user=user, pk=pk)
    except VendorRepair.DoesNotExist:
        raise Http404 from None


def _ticket_or_404(user, number: str) -> Ticket:
    try:
        return ticket_get(user=user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


@login_required
def repair_list(request):
    """Repairs of the person's tickets; open ones by return due date, overdue marked."""
    open_only = request.GET.get("all") != "1"
    page = page_of(sel.repair_list(user=request.user, open_only=open_only),
                   request.GET.get("page"), per_page=50)
    return render(request, "fieldservice/repairs/list.html", {
        "page": page, "open_only": open_only, "today": svc.today()})


def _action_form(action: str, repair, data=None):
    if action == "lend":
        return forms.LendForm(data, repair=repair, auto_id="id_lend_%s")
    return forms.REPAIR_FORMS[action](data, auto_id=f"id_{action}_%s")


def _detail(request, repair: VendorRepair, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    actions = [(name, ACTION_LABELS[name], bound.get(name) or _action_form(name, repair))
               for name in allowed_actions(request.user, repair)]
    return render(request, "fieldservice/repairs/detail.html", {
        "repair": repair, "actions": actions, "today": svc.today()}, status=status)


@login_required
def repair_detail(request, pk: int):
    return _detail(request, _repair_or_404(request.user, pk))


def _run(request, repair, action: str, data: dict):
    if action == "quote":
        return svc.repair_quote(actor=request.user, repair=repair, **data)
    if action == "approve":
        return svc.repair_approve(actor=request.user, repair=repair)
    if action == "decline":
        return svc.repair_decline(actor=request.user, repair=repair)
    if action == "update":
        return svc.repair_update(actor=request.user, repair=repair, **data)
    if action == "lend":
        return svc.repair_lend(actor=request.user, repair=repair, **data)
    return svc.repair_return(actor=request.user, repair=repair, **data)


@login_required
@require_POST
def repair_action(request, pk: int, action: str):
    """One POST URL per transition (/fieldservice/repairs/<pk>/quote/, …/approve/, …)."""
    repair = _repair_or_404(request.user, pk)
    if action not in SUCCESS:
        raise Http404
    form = _action_form(action, repair, request.POST)
    if form.is_valid():
        try:
            _run(request, repair, action, form.cleaned_data)
        except PermissionRefused:
            raise PermissionDenied from None
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, SUCCESS[action])
            return redirect("fieldservice:repair", repair.pk)
    return _detail(request, _repair_or_404(request.user, pk), {action: form}, status=400)


@login_required
def repair_new(request, number: str):
    """Send the ticket's device to its vendor (from the ticket page)."""
    ticket = _ticket_or_404(request.user, number)
    if not is_desk(request.user):
        raise PermissionDenied
    form = forms.RepairCreateForm(request.POST or None, ticket=ticket)
    if request.method == "POST" and form.is_valid():
        try:
            repair = svc.repair_create(actor=request.user, ticket=ticket, **form.cleaned_data)
        except PermissionRefused:
            raise PermissionDenied from None
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Device sent for repair; return due %(due)s.")
                             % {"due": repair.return_due.isoformat()})
            return redirect("fieldservice:repair", repair.pk)
    return render(request, "fieldservice/repairs/new.html", {"ticket": ticket, "form": form},
                  status=400 if form.errors else 200)


@login_required
def repair_print(request, pk: int):
    """The printable 设备送修单 (A4) with the signature lines of the hand-over."""
    repair = _repair_or_404(request.user, pk)
    return render(request, "fieldservice/repairs/print.html", {"repair": repair})


def ticket_panel(*, request, ticket) -> str:
    """The ticket page's vendor repair and part request panel (tickets.hooks.repairs_panel)."""
    repairs, part_requests = sel.ticket_panel_rows(user=request.user, ticket=ticket)
    may_act = is_desk(request.user) and ticket.status in OPEN_STATUSES
    if not repairs and not part_requests and not may_act:
        return ""
    # Links only, no form: rendered without the request, so the context processors (the
    # navigation, the banners) do not run a second time for the ticket page (issue 19).
    return render_to_string("fieldservice/_ticket_panel.html", {
        "ticket": ticket, "repairs": repairs, "part_requests": part_requests,
        "may_act": may_act})
