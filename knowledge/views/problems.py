"""Problem pages: the list, opening one, its page with the analysis and transitions, and the
故障分析报告 PDF. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page
from knowledge import reports
from knowledge.forms import problems as forms
from knowledge.models import Problem
from knowledge.selectors.problems import may_read, problem_get, problem_list
from knowledge.services import problems as services
from knowledge.services._common import (
    is_client_approver,
    works_contract,
    works_some_contract,
)
from knowledge.views._common import act, history_rows
from sla.selectors import contracts_visible_to


def _problem_or_404(user, number: str) -> Problem:
    if not may_read(user):
        raise PermissionDenied
    try:
        return problem_get(user=user, number=number)
    except Problem.DoesNotExist:
        raise Http404 from None


@login_required
def problems(request):
    user = request.user
    if not may_read(user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    contract = request.GET.get("contract", "")
    page = page_of(problem_list(user=user, status=status, contract=contract),
                   request.GET.get("page"))
    return render(request, "knowledge/problems/list.html", {
        "page": page, "status": status, "contract": contract,
        "statuses": Problem.Status.choices, "query": query_without_page(request),
        "contracts": contracts_visible_to(user).order_by("code").only("code"),
        "may_open": works_some_contract(user),
    })


@login_required
def new(request):
    user = request.user
    if not works_some_contract(user):
        raise PermissionDenied
    form = forms.ProblemForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.problem_create(
                actor=user, contract=data["contract"], title=data["title"],
                description=data["description"], tickets=data["tickets"],
                assets=[t.asset for t in data["tickets"] if t.asset_id])
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Problem %(number)s opened.")
                             % {"number": problem.number})
            return redirect("knowledge:problem_detail", number=problem.number)
    return render(request, "knowledge/problems/new.html", {"form": form})


@login_required
def detail(request, number: str):
    user = request.user
    problem = _problem_or_404(user, number)
    works = works_contract(user, problem.contract)
    return render(request, "knowledge/problems/detail.html", {
        "problem": problem, "works": works,
        "confirms": is_client_approver(user, problem.contract),
        "analysis_form": forms.AnalysisForm(initial={
            "root_cause": problem.root_cause, "workaround": problem.workaround,
            "known_error": problem.known_error}) if works else None,
        "link_form": forms.LinkChangeForm(user=user, problem=problem) if works else None,
        "reason_form": forms.ReasonForm() if works else None,
        "confirm_form": forms.ConfirmForm(),
        "history": history_rows(problem.history.select_related("history_user")
                                .order_by("-history_date")[:30])
        if works else [],
    })


def _target(number):
    return ("knowledge:problem_detail", number)


@login_required
@require_POST
def accept(request, number: str):
    problem = _problem_or_404(request.user, number)
    return act(request, _target(number), None, services.problem_accept, problem=problem)


@login_required
@require_POST
def dismiss(request, number: str):
    problem = _problem_or_404(request.user, number)
    return act(request, _target(number), forms.ReasonForm(request.POST),
               services.problem_dismiss, problem=problem)


@login_required
@require_POST
def analyse(request, number: str):
    problem = _problem_or_404(request.user, number)
    return act(request, _target(number), forms.AnalysisForm(request.POST),
               services.problem_analyse, problem=problem)


@login_required
@require_POST
def link_change(request, number: str):
    problem = _problem_or_404(request.user, number)
    form = forms.LinkChangeForm(request.POST, user=request.user, problem=problem)
    return act(request, _target(number), form, services.problem_link_change, problem=problem)


@login_required
@require_POST
def known_error_article(request, number: str):
    """Publish the known error as a draft article and open it for review."""
    problem = _problem_or_404(request.user, number)
    try:
        article = services.problem_publish_known_error(actor=request.user, problem=problem)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(*_target(number))
    messages.success(request, _("The known error is now a draft article: review and publish "
                                "it."))
    return redirect("knowledge:detail", article.pk)


@login_required
@require_POST
def confirm(request, number: str):
    problem = _problem_or_404(request.user, number)
    return act(request, _target(number), forms.ConfirmForm(request.POST),
               services.problem_confirm, problem=problem)


@login_required
def pdf(request, number: str):
    """The 故障分析报告 (fault analysis report) as PDF, for the client's records."""
    problem = _problem_or_404(request.user, number)
    response = HttpResponse(reports.problem_pdf(problem), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{problem.number}.pdf"'
    return response
