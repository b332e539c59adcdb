"""Change pages: the list, requesting one, its page with approvals and transitions, the
printable 系统配置变更申请报告; and the consent asked from a ticket, answered in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionRefused, PermissionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page
from knowledge.forms import changes as forms
from knowledge.models import Change, Consent, Decision
from knowledge.selectors.changes import (
    change_get,
    change_list,
    consent_get,
    consents_awaiting,
)
from knowledge.selectors.problems import may_read
from knowledge.services import changes as services
from knowledge.services._common import works_contract, works_some_contract
from knowledge.services.consents import consent_answer, consent_ask
from knowledge.services.notices import may_publish
from knowledge.views._common import act, history_rows
from sla.selectors import contracts_visible_to
from tickets.models import Ticket
from tickets.selectors import ticket_get


def _change_or_404(user, number: str) -> Change:
    if not may_read(user):
        raise PermissionDenied
    try:
        return change_get(user=user, number=number)
    except Change.DoesNotExist:
        raise Http404 from None


@login_required
def changes(request):
    user = request.user
    if not may_read(user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    contract = request.GET.get("contract", "")
    page = page_of(change_list(user=user, status=status, contract=contract),
                   request.GET.get("page"))
    return render(request, "knowledge/changes/list.html", {
        "page": page, "status": status, "contract": contract,
        "statuses": Change.Status.choices, "query": query_without_page(request),
        "contracts": contracts_visible_to(user).order_by("code").only("code"),
        "may_request": works_some_contract(user),
    })


@login_required
def new(request):
    user = request.user
    if not works_some_contract(user):
        raise PermissionDenied
    form = forms.ChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_create(actor=user, contract=form.cleaned_data["contract"],
                                            data=form.change_input())
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Change %(number)s recorded as a draft.")
                             % {"number": change.number})
            return redirect("knowledge:change_detail", number=change.number)
    return render(request, "knowledge/changes/new.html", {"form": form})


@login_required
def detail(request, number: str):
    user = request.user
    change = _change_or_404(user, number)
    approvals = list(change.approvals.all())
    mine = [a for a in approvals if a.decision == Decision.PENDING
            and services.may_answer(user, a)]
    return render(request, "knowledge/changes/detail.html", {
        "change": change, "approvals": approvals, "my_approval": mine[0] if mine else None,
        "works": works_contract(user, change.contract),
        "may_notice": change.downtime and change.status == Change.Status.APPROVED
        and may_publish(user, change.contract),
        "answer_form": forms.AnswerForm(), "implement_form": forms.ImplementForm(),
        "review_form": forms.ReviewForm(),
        "history": history_rows(change.history.select_related("history_user")
                                .order_by("-history_date")[:30]),
    })


def _target(number):
    return ("knowledge:change_detail", number)


@login_required
@require_POST
def submit(request, number: str):
    change = _change_or_404(request.user, number)
    return act(request, _target(number), None, services.change_submit, change=change)


def _answer(request, number: str, approve: bool):
    change = _change_or_404(request.user, number)
    try:
        approval = services.approval_of(request.user, change)
    except PermissionRefused:
        raise PermissionDenied from None
    return act(request, _target(number), forms.AnswerForm(request.POST),
               services.approval_answer, approval=approval, approve=approve)


@login_required
@require_POST
def approve(request, number: str):
    return _answer(request, number, True)


@login_required
@require_POST
def reject(request, number: str):
    return _answer(request, number, False)


@login_required
@require_POST
def implement(request, number: str):
    change = _change_or_404(request.user, number)
    return act(request, _target(number), forms.ImplementForm(request.POST),
               services.change_implement, change=change)


@login_required
@require_POST
def review(request, number: str):
    change = _change_or_404(request.user, number)
    return act(request, _target(number), forms.ReviewForm(request.POST),
               services.change_review, change=change)


@login_required
@require_POST
def cancel(request, number: str):
    change = _change_or_404(request.user, number)
    return act(request, _target(number), None, services.change_cancel, change=change)


@login_required
def print_form(request, number: str):
    """The printable 系统配置变更申请报告 (A4) with signature lines for both parties."""
    change = _change_or_404(request.user, number)
    return render(request, "knowledge/changes/print.html", {
        "change": change, "approvals": list(change.approvals.all())})


@login_required
def consents(request):
    """The consents the person is asked to give (the requester's or supervisor's inbox)."""
    return render(request, "knowledge/consents/list.html",
                  {"consents": list(consents_awaiting(user=request.user)[:100])})


@login_required
def consent_new(request):
    """An engineer asks the client's consent from a ticket (?ticket=<number>)."""
    user = request.user
    if not works_some_contract(user):
        raise PermissionDenied
    form = forms.ConsentForm(request.POST or None,
                             initial={"ticket": request.GET.get("ticket", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_get(user=user, number=data["ticket"])
        except Ticket.DoesNotExist:
            form.add_error("ticket", _("No ticket %(number)s that you can see.")
                           % {"number": data["ticket"]})
        else:
            try:
                consent = consent_ask(actor=user, ticket=ticket, operation=data["operation"],
                                      details=data["details"])
            except ActionRefused as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Consent asked of %(name)s.")
                                 % {"name": consent.approver.display_name})
                return redirect("knowledge:consent_detail", pk=consent.pk)
    return render(request, "knowledge/consents/new.html", {"form": form})


def _consent_or_404(user, pk: int) -> Consent:
    try:
        return consent_get(user=user, pk=pk)
    except Consent.DoesNotExist:
        raise Http404 from None


@login_required
def consent_detail(request, pk: int):
    consent = _consent_or_404(request.user, pk)
    return render(request, "knowledge/consents/detail.html", {
        "consent": consent, "form": forms.AnswerForm(),
        "answers": consent.approver_id == request.user.pk
        and consent.decision == Decision.PENDING})


def _consent_answer(request, pk: int, approve: bool):
    consent = _consent_or_404(request.user, pk)
    return act(request, ("knowledge:consent_detail", pk), forms.AnswerForm(request.POST),
               consent_answer, consent=consent, approve=approve)


@login_required
@require_POST
def consent_approve(request, pk: int):
    return _consent_answer(request, pk, True)


@login_required
@require_POST
def consent_reject(request, pk: int):
    return _consent_answer(request, pk, False)
