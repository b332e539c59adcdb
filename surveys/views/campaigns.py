"""Campaign pages, the respondent page /q/<token> and the satisfaction analysis (thin views)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability, can
from accounts.security import Kind, record_security_event
from core.clock import now
from core.errors import ActionRefused
from core.forms import add_service_error
from core.periods import month_start
from sla.models import Contract
from sla.selectors import contracts_visible_to
from surveys.analysis import analysis_json, analysis_workbook, satisfaction_analysis
from surveys.forms.campaigns import AnalysisForm, AnswerForm, CampaignForm, QuestionForm
from surveys.models import Campaign, Invitation, Question
from surveys.selectors import campaigns as sel
from surveys.services import campaigns as svc


def _runner(request) -> None:
    if not can(request.user, Capability.RUN_CAMPAIGNS):
        raise PermissionDenied


def _campaign_or_404(request, pk: int) -> Campaign:
    _runner(request)
    try:
        return sel.campaign_get(user=request.user, pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


def _fields(form) -> dict:
    data = form.cleaned_data
    return {k: data[k] for k in ("title", "intro", "contracts", "departments", "roles",
                                 "anonymous", "opens_on", "closes_on", "remind_every_days")}


@login_required
def campaign_list(request):
    _runner(request)
    rows = list(sel.campaign_list(user=request.user)[:200])
    for c in rows:
        c.rate = sel.response_rate(c.answered, c.invited)
    return render(request, "surveys/campaigns/list.html", {"campaigns": rows})


@login_required
def campaign_new(request):
    _runner(request)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = svc.campaign_create(actor=request.user, **_fields(form))
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Campaign created. Now add its questions."))
            return redirect("surveys:campaign_detail", campaign.pk)
    return render(request, "surveys/campaigns/form.html", {"form": form})


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign_or_404(request, pk)
    draft = campaign.status == Campaign.Status.DRAFT
    form = None
    if draft:
        form = CampaignForm(request.POST if request.method == "POST" else None,
                            initial=CampaignForm.initial_of(campaign), user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                svc.campaign_update(actor=request.user, campaign=campaign, **_fields(form))
            except ActionRefused as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Campaign saved."))
                return redirect("surveys:campaign_detail", campaign.pk)
    elif request.method == "POST":
        raise PermissionDenied
    campaign.rate = sel.response_rate(campaign.answered, campaign.invited)
    return render(request, "surveys/campaigns/detail.html", {
        "campaign": campaign, "form": form, "draft": draft,
        "questions": list(campaign.questions.all()),
        "question_form": QuestionForm(initial={"required": True}),
        "answer_url": None,
    })


@login_required
def question_edit(request, pk: int, question_id: int | None = None):
    """GET: the form for one question; POST: add (no id) or change it."""
    campaign = _campaign_or_404(request, pk)
    question = None
    if question_id is not None:
        question = campaign.questions.filter(pk=question_id).first()
        if question is None:
            raise Http404
    elif request.method != "POST":
        return redirect("surveys:campaign_detail", campaign.pk)
    initial = QuestionForm.initial_of(question) if question else {"required": True}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.question_save(actor=request.user, campaign=campaign, question=question,
                              kind=data["kind"], text=data["text"], choices=data["choice_list"],
                              required=data["required"])
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("surveys:campaign_detail", campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/campaigns/question.html",
                  {"campaign": campaign, "question": question, "form": form}, status=status)


def _question_or_404(campaign: Campaign, question_id: int) -> Question:
    question = campaign.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    return question


def _act(request, campaign: Campaign, call, success: str):
    try:
        result = call()
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success % {"n": result} if "%(n)" in success else success)
    return redirect("surveys:campaign_detail", campaign.pk)


@require_POST
@login_required
def question_delete(request, pk: int, question_id: int):
    campaign = _campaign_or_404(request, pk)
    question = _question_or_404(campaign, question_id)
    return _act(request, campaign, lambda: svc.question_delete(
        actor=request.user, campaign=campaign, question=question), _("Question deleted."))


@require_POST
@login_required
def question_move(request, pk: int, question_id: int):
    campaign = _campaign_or_404(request, pk)
    question = _question_or_404(campaign, question_id)
    up = request.POST.get("direction") != "down"
    return _act(request, campaign, lambda: svc.question_move(
        actor=request.user, campaign=campaign, question=question, up=up), _("Order changed."))


@require_POST
@login_required
def campaign_open(request, pk: int):
    campaign = _campaign_or_404(request, pk)
    return _act(request, campaign, lambda: svc.campaign_open(actor=request.user,
                                                             campaign=campaign),
                _("Campaign opened: %(n)s people invited."))


@require_POST
@login_required
def campaign_invite(request, pk: int):
    campaign = _campaign_or_404(request, pk)
    return _act(request, campaign, lambda: svc.campaign_invite_new(actor=request.user,
                                                                   campaign=campaign),
                _("%(n)s more people invited."))


@require_POST
@login_required
def campaign_close(request, pk: int):
    campaign = _campaign_or_404(request, pk)
    return _act(request, campaign, lambda: svc.campaign_close(actor=request.user,
                                                              campaign=campaign),
                _("Campaign closed."))


@login_required
def campaign_results(request, pk: int):
    campaign = _campaign_or_404(request, pk)
    return render(request, "surveys/campaigns/results.html",
                  {"campaign": campaign, "results": sel.campaign_results(campaign)})


def campaign_answer(request, token: str):
    """The respondent's page: no login needed (e-mail link); another logged-in person → 404."""
    try:
        invitation = sel.invitation_for(token=token[:64], user=request.user)
    except Invitation.DoesNotExist:
        raise Http404 from None
    campaign = invitation.campaign
    context = {"campaign": campaign, "invitation": invitation}
    if invitation.answered_at:
        return render(request, "surveys/campaigns/answer_done.html",
                      {**context, "already": True})
    if not sel.campaign_accepting(campaign):
        return render(request, "surveys/campaigns/answer_closed.html", context, status=410)
    questions = list(campaign.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST":
        if form.is_valid():
            try:
                svc.invitation_answer(invitation=invitation, answers=form.answers())
            except ActionRefused as exc:
                add_service_error(form, exc)
            else:
                return render(request, "surveys/campaigns/answer_done.html", context)
        return render(request, "surveys/campaigns/answer.html", {**context, "form": form},
                      status=400)
    return render(request, "surveys/campaigns/answer.html", {**context, "form": form})


# ---- analysis ----------------------------------------------------------------------------------

def analysis_params(user, query) -> tuple[Contract, date, date, AnalysisForm]:
    """The contract (Http404 outside scope) and period asked for; defaults: the first visible
    contract and the current month. Shared with the API."""
    form = AnalysisForm(query)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    contracts = contracts_visible_to(user).select_related("survey_policy").order_by("code")
    code = (query.get("contract") or "").strip()
    contract = (contracts.filter(code=code) if code else contracts).first()
    if contract is None:
        raise Http404
    today = timezone.localdate(now())
    start, end = month_start(today), today
    if not form.errors:
        start = data.get("from_") or start
        end = data.get("to") or max(end, start)
    return contract, start, end, form


@login_required
def analysis(request):
    if not can(request.user, Capability.READ_DASHBOARDS):
        raise PermissionDenied
    contract, start, end, form = analysis_params(request.user, request.GET)
    result = satisfaction_analysis(contract=contract, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument."
                                             "spreadsheetml.sheet")
        name = f"satisfaction-{contract.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        analysis_workbook(result).save(response)
        record_security_event(Kind.EXPORT, request=request, target=f"satisfaction analysis {name}")
        return response
    contracts = list(contracts_visible_to(request.user).order_by("code")
                     .values_list("code", "name"))
    chart = analysis_json(result)
    return render(request, "surveys/analysis/analysis.html", {
        "result": result, "form": form, "contracts": contracts, "chart": chart,
        "figures": list(result["figures"].values()),
    })
