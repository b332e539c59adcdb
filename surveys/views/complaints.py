"""Complaint pages: the register, registering or filing one, its page with answer and resolve,
and the printable 用户投诉登记表. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability, can
from core.clock import now
from core.errors import ActionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page
from sla.selectors import contracts_visible_to
from surveys.filters import ComplaintFilterSet
from surveys.forms import complaints as forms
from surveys.models import Complaint
from surveys.permissions import may_list_complaints, reads_register
from surveys.selectors.complaints import (
    complaint_get,
    complaint_history,
    complaint_list,
    quarter_counts,
)
from surveys.services.complaints import (
    answer_overdue,
    complaint_answer,
    complaint_register,
    complaint_resolve,
    quarter_of,
    resolution_deadline_passed,
    resolution_due_is_estimate,
)


def _complaint_or_404(user, number: str) -> Complaint:
    try:
        return complaint_get(user=user, number=number)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _mark(complaints, moment) -> None:
    for c in complaints:
        c.answer_late = answer_overdue(c, moment)
        c.solution_late = resolution_deadline_passed(c, moment)


@login_required
def complaints(request):
    """The register: register readers see their contracts' complaints with the quarter's
    counter; an end user sees the complaints they filed."""
    user = request.user
    if not may_list_complaints(user):
        raise PermissionDenied
    filterset = ComplaintFilterSet(request.GET, queryset=complaint_list(user=user),
                                   request=request)
    page = page_of(filterset.qs, request.GET.get("page"))
    filters = filterset.values
    moment = now()
    _mark(page.object_list, moment)
    register = reads_register(user)
    counters = []
    if register:
        year, quarter = filters.year_quarter() or quarter_of(moment)
        counters = quarter_counts(user=user, year=year, quarter=quarter,
                                  contract_code=filters.contract)
    return render(request, "surveys/complaints/list.html", {
        "page": page, "filters": filters, "register": register, "counters": counters,
        "contracts": contracts_visible_to(user).order_by("code").only("code") if register
        else [],
        "statuses": Complaint.Status.choices, "query": query_without_page(request),
        "may_register": can(user, Capability.MANAGE_COMPLAINTS),
        "may_file": can(user, Capability.FILE_TICKETS),
    })


@login_required
def new(request):
    """Staff (MANAGE_COMPLAINTS) get the full registration form; end users (FILE_TICKETS) the
    short "file a complaint" form at the same address."""
    user = request.user
    if can(user, Capability.MANAGE_COMPLAINTS):
        form_class, template = forms.StaffComplaintForm, "surveys/complaints/new.html"
    elif can(user, Capability.FILE_TICKETS):
        form_class, template = forms.FileComplaintForm, "surveys/complaints/file.html"
    else:
        raise PermissionDenied
    form = form_class(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_register(actor=user, **form.service_kwargs())
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Complaint %(number)s registered.")
                             % {"number": complaint.number})
            return redirect("surveys:complaint_detail", number=complaint.number)
    return render(request, template, {"form": form})


@login_required
def detail(request, number: str):
    user = request.user
    complaint = _complaint_or_404(user, number)
    manages = can(user, Capability.MANAGE_COMPLAINTS)
    return render(request, "surveys/complaints/detail.html", {
        "complaint": complaint, "manages": manages, **_late(complaint),
        "answer_form": forms.AnswerForm(auto_id="id_answer_%s") if manages else None,
        "resolve_form": forms.ResolveForm(auto_id="id_resolve_%s") if manages else None,
        "history": complaint_history(complaint) if manages or reads_register(user) else [],
    })


def _late(complaint) -> dict:
    moment = now()
    return {"answer_late": answer_overdue(complaint, moment),
            "solution_late": resolution_deadline_passed(complaint, moment),
            "due_estimated": resolution_due_is_estimate(complaint)}


def _act(request, number: str, form_class, service, field: str):
    complaint = _complaint_or_404(request.user, number)
    if not can(request.user, Capability.MANAGE_COMPLAINTS):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, complaint=complaint, **form.cleaned_data)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Complaint %(number)s updated.")
                             % {"number": complaint.number})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("surveys:complaint_detail", number=complaint.number)


@login_required
@require_POST
def answer(request, number: str):
    return _act(request, number, forms.AnswerForm, complaint_answer, "answer")


@login_required
@require_POST
def resolve(request, number: str):
    return _act(request, number, forms.ResolveForm, complaint_resolve, "handling_opinion")


@login_required
def print_form(request, number: str):
    """The printable 用户投诉登记表 (A4), with preparer and reviewer signature lines."""
    complaint = _complaint_or_404(request.user, number)
    return render(request, "surveys/complaints/print.html", {"complaint": complaint,
                                                             **_late(complaint)})
