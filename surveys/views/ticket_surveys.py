"""The survey page behind the e-mailed link (no login needed) and the desk's callback list."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Capability, can
from core.clock import now
from core.errors import ActionRefused
from sla.selectors import contracts_visible_to
from surveys.forms.ticket_surveys import CallbackDoneForm, SurveyAnswerForm
from surveys.models import CallbackTask
from surveys.selectors.ticket_surveys import callbacks_open_for, survey_by_token, survey_visible_to
from surveys.services.ticket_surveys import (
    SurveyAnswered,
    SurveyError,
    SurveyExpired,
    SurveyInvalid,
    callback_done,
    survey_answer,
)

CALLBACKS_SHOWN = 200


def _state(survey) -> str:
    if survey.answered_at is not None:
        return "answered"
    if now() >= survey.expires_at:
        return "expired"
    return "open"


@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    survey = survey_by_token(token)
    if survey is None or not survey_visible_to(survey, request.user):
        raise Http404
    # Opened from an e-mail on a phone: speak the requester's language unless they chose one.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) \
        or survey.requester.language or settings.LANGUAGE_CODE
    with translation.override(language):
        response = _answer(request, survey)
    # The token is the key: keep it out of other sites' Referer headers and shared caches.
    # ("no-referrer" would make browsers send Origin: null, which fails Django's CSRF check.)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store, private"
    return response


def _answer(request, survey):
    state = _state(survey)
    form = SurveyAnswerForm()
    if request.method == "POST" and state == "open":
        form = SurveyAnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey_answer(survey=survey, fixed=data["fixed"],
                              response_speed=data["response_speed"],
                              attitude=data["attitude"], ability=data["ability"],
                              overall=data["overall"], comment=data["comment"],
                              wants_complaint=data["wants_complaint"], actor=request.user)
            except SurveyInvalid as exc:
                for field, message in exc.errors.items():
                    form.add_error(field, message)
            except (SurveyAnswered, SurveyExpired):
                pass  # a double submit: the redirect shows the state
            except SurveyError as exc:
                raise Http404 from exc
            else:
                return redirect("surveys:answer", survey.token)
            if not form.errors:
                return redirect("surveys:answer", survey.token)
    return render(request, "surveys/survey/answer.html", {
        "survey": survey, "ticket": survey.ticket, "state": state, "form": form,
        "valid_days": settings.SURVEY_VALID_DAYS,
    })


def _desk(user) -> None:
    if not can(user, Capability.LOG_CALLS):
        raise PermissionDenied


@login_required
def callbacks(request):
    _desk(request.user)
    tasks = list(callbacks_open_for(request.user)[:CALLBACKS_SHOWN])
    return render(request, "surveys/survey/callbacks.html", {
        "tasks": tasks, "now": now(), "form": CallbackDoneForm(),
        "truncated": len(tasks) == CALLBACKS_SHOWN,
    })


@login_required
@require_POST
def callback_mark_done(request, pk: int):
    _desk(request.user)
    task = get_object_or_404(CallbackTask.objects.filter(
        contract__in=contracts_visible_to(request.user)), pk=pk)
    form = CallbackDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what came of the call."))
        return redirect("surveys:callbacks")
    try:
        callback_done(actor=request.user, task=task, outcome=form.cleaned_data["outcome"])
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Callback recorded."))
    return redirect("surveys:callbacks")
