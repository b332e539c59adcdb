"""Pages of visits (issue 16): the engineer's day on the phone, planning a visit, checking out.

The check-in itself is the ticket's transition (tickets/views.act); its proof reaches the
visit through tickets.hooks.check_in_recorded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability, can
from core.clock import now
from core.errors import ActionRefused
from fieldservice.forms.visits import CheckOutForm, VisitPlanForm
from fieldservice.selectors.visits import engineer_day, open_visit_of, ticket_visits
from fieldservice.services.visits import may_plan_visits, visit_check_out, visit_plan
from tickets import hooks
from tickets.models import OPEN_STATUSES, Ticket
from tickets.permissions import is_engineer
from tickets.selectors import ticket_get


def _ticket_or_404(user, number: str) -> Ticket:
    try:
        return ticket_get(user=user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


def ticket_visits_context(*, user, ticket: Ticket) -> dict:
    """tickets.hooks.ticket_visits_context: the visits panel of the ticket page."""
    # A ticket read for its page says whether it has visits at all (issue 19).
    has_visits = hooks.panel_flags.has(ticket, "visits")
    visits = ticket_visits(user=user, ticket=ticket) if has_visits else []
    may_plan = ticket.status in OPEN_STATUSES and may_plan_visits(user, ticket)
    on_site = (open_visit_of(engineer=user, ticket=ticket) if has_visits and is_engineer(user)
               else None)
    return {
        "visits_panel": bool(visits or may_plan or on_site),
        "visits": visits,
        "visit_plan_form": VisitPlanForm(ticket=ticket) if may_plan else None,
        "check_out_visit": on_site,
        "check_out_form": CheckOutForm(auto_id="id_check_out_%s") if on_site else None,
    }


@login_required
def today(request):
    """今日上门: the engineer's visits of the day in order, made for a phone."""
    if not is_engineer(request.user) and not can(request.user, Capability.ADMINISTER):
        raise PermissionDenied
    day = timezone.localdate(now())
    return render(request, "fieldservice/today.html",
                  {"visits": engineer_day(user=request.user, day=day), "day": day})


@login_required
@require_POST
def plan(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    if not may_plan_visits(request.user, ticket):
        raise PermissionDenied
    form = VisitPlanForm(request.POST, ticket=ticket)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("tickets:detail", ticket.number)
    try:
        visit = visit_plan(actor=request.user, ticket=ticket, **form.cleaned_data)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Visit planned: %(name)s, %(when)s.") % {
            "name": visit.engineer.display_name,
            "when": timezone.localtime(visit.planned_at).strftime("%Y-%m-%d %H:%M")})
    return redirect("tickets:detail", ticket.number)


@login_required
@require_POST
def check_out(request, number: str):
    ticket = _ticket_or_404(request.user, number)
    form = CheckOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("tickets:detail", ticket.number)
    try:
        visit = visit_check_out(actor=request.user, ticket=ticket,
                                note=form.cleaned_data["note"])
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Checked out: %(minutes)d min on site.")
                         % {"minutes": visit.minutes_on_site})
    if request.POST.get("next") == "today":  # checked out from the phone home: back there
        return redirect("fieldservice:today")
    return redirect("tickets:detail", ticket.number)
