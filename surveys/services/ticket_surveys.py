"""Per-ticket satisfaction surveys (V1): sending on resolution, answering once, and what a bad
answer sets off (reopen, callback task, complaint). Services are plain functions with keyword-only
arguments, one transaction each; the reads (and the callback deadline) are in
surveys/selectors/ticket_surveys.py.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from core import batch
from core.clock import now
from core.errors import ActionRefused, PermissionRefused
from notifications.services import email_from_template
from sla.models import ContractMember
from surveys.models import CallbackTask, SurveyPolicy, TicketSurvey
from surveys.models.ticket_surveys import SCORE_FIELDS
from surveys.selectors.ticket_surveys import callback_due, survey_link
from surveys.services.complaints import complaint_register
from tickets.models import Status
from tickets.services import ticket_reopen

log = logging.getLogger(__name__)

LOW_SCORE = 2


class SurveyError(ActionRefused):
    """A survey cannot be answered: already answered (409) or expired (410). Nothing changed."""

    status_code = 400


class SurveyAnswered(SurveyError):
    status_code = 409
    default_code = "answered"


class SurveyExpired(SurveyError):
    status_code = 410
    default_code = "expired"


class SurveyInvalid(SurveyError):
    """Bad values: `errors` maps field names to messages."""

    default_code = "invalid"

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Please correct the marked answers."),
                         errors={field: [message] for field, message in errors.items()})


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


def survey_sampled(*, ticket, percent: int) -> bool:
    """Deterministic sampling: the same ticket number always falls on the same side."""
    if percent >= 100:
        return True
    if percent <= 0:
        return False
    bucket = int(hashlib.sha256(ticket.number.encode()).hexdigest(), 16) % 100
    return bucket < percent


def _email(template: str, recipient, event: str, dedupe_key: str, **context) -> None:
    email_from_template(recipient=recipient, event=event,
                        template=f"surveys/email/{template}.txt", context=context,
                        dedupe_key=dedupe_key)


@transaction.atomic
def survey_send_for(*, ticket) -> TicketSurvey | None:
    """On resolution: create the ticket's survey and e-mail its link to the requester.

    None when the requester is provider staff, the contract's sample skips the ticket, the
    requester was surveyed within the quiet days, or the ticket already has a survey (a ticket
    resolved again after a reopen is surveyed at most once)."""
    requester = ticket.requester
    if not requester.is_client_side:
        return None
    if TicketSurvey.objects.filter(ticket_id=ticket.pk).exists():
        return None
    policy = batch.remember(("surveys.policy", ticket.contract_id), lambda: (
        SurveyPolicy.objects.filter(contract_id=ticket.contract_id).first()))
    percent = policy.sample_percent if policy else 100
    quiet_days = policy.quiet_days if policy else 0
    if not survey_sampled(ticket=ticket, percent=percent):
        return None
    moment = now()
    if quiet_days and TicketSurvey.objects.filter(
            requester=requester, sent_at__gt=moment - timedelta(days=quiet_days)).exists():
        return None
    survey = TicketSurvey.objects.create(
        ticket=ticket, contract_id=ticket.contract_id, requester=requester,
        engineer_id=ticket.assignee_id, token=secrets.token_urlsafe(32), sent_at=moment,
        expires_at=moment + timedelta(days=settings.SURVEY_VALID_DAYS))
    # No e-mail address: notification_enqueue skips it; the portal prompt still shows the link.
    _email("survey", requester, "survey.sent", f"survey:{survey.pk}", ticket=ticket,
           url=survey_link(survey), days=settings.SURVEY_VALID_DAYS, expires_at=survey.expires_at)
    return survey


# --------------------------------------------------------------------------------------------
# Answering
# --------------------------------------------------------------------------------------------


@dataclass
class AnswerOutcome:
    survey: TicketSurvey
    reopened: bool = False
    callback: CallbackTask | None = None
    complaint: object | None = None


def survey_validate(*, fixed, scores: dict, comment: str) -> dict[str, str]:
    """Field errors of an answer (empty when fine)."""
    errors: dict[str, str] = {}
    if not isinstance(fixed, bool):
        errors["fixed"] = _("Say whether the problem is really fixed.")
    for name in SCORE_FIELDS:
        value = scores.get(name)
        if value is None or value == "":
            errors[name] = _("Choose a score from 1 to 5.")
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if isinstance(value, bool) or str(number) != str(value).strip() or not 1 <= number <= 5:
            errors[name] = _("A score must be from 1 to 5.")
    if not errors and min(int(scores[n]) for n in SCORE_FIELDS) <= LOW_SCORE \
            and not (comment or "").strip():
        errors["comment"] = _("Please tell us what went wrong (a score of 2 or lower).")
    return errors


@transaction.atomic
def survey_answer(*, survey: TicketSurvey, fixed, response_speed, attitude, ability, overall,
                  comment: str = "", wants_complaint: bool = False, actor=None) -> AnswerOutcome:
    """Record the one answer of a survey (row lock: a double submit answers once) and follow it
    up: not fixed reopens the ticket to its engineer, a score of 2 or lower opens a callback task
    for the desk, "I want to complain" registers a complaint."""
    scores = {"response_speed": response_speed, "attitude": attitude, "ability": ability,
              "overall": overall}
    errors = survey_validate(fixed=fixed, scores=scores, comment=comment)
    if errors:
        raise SurveyInvalid(errors)
    survey = (TicketSurvey.objects.select_for_update(of=("self",)).select_related(
        "ticket", "requester", "contract__calendar").get(pk=survey.pk))
    if actor is not None and getattr(actor, "is_authenticated", False) \
            and actor.pk != survey.requester_id:
        raise SurveyError(_("This survey is not yours."))
    if survey.answered_at is not None:
        raise SurveyAnswered(_("This survey has already been answered. Thank you!"))
    moment = now()
    if moment >= survey.expires_at:
        raise SurveyExpired(_("This survey has expired: it could be answered for %(days)s days.")
                            % {"days": settings.SURVEY_VALID_DAYS})
    survey.answered_at = moment
    survey.fixed = fixed
    for name, value in scores.items():
        setattr(survey, name, int(value))
    survey.comment = (comment or "").strip()
    survey.wants_complaint = bool(wants_complaint)
    survey.save(update_fields=["answered_at", "fixed", *SCORE_FIELDS, "comment",
                               "wants_complaint"])
    outcome = AnswerOutcome(survey=survey)
    needs_callback = min(int(v) for v in scores.values()) <= LOW_SCORE
    if not fixed:
        outcome.reopened = _reopen(survey)
        # A ticket that cannot be reopened any more (closed) still gets a human on the phone.
        needs_callback = needs_callback or not outcome.reopened
    if needs_callback:
        outcome.callback = _open_callback(survey, moment)
    if survey.wants_complaint:
        outcome.complaint = _complaint_from_survey(survey)
    return outcome


def _reopen(survey: TicketSurvey) -> bool:
    ticket = survey.ticket
    if ticket.status != Status.RESOLVED:
        return False
    reason = _("Survey answer: the problem is not fixed.")
    if survey.comment:
        reason = f"{reason}\n{survey.comment}"
    try:
        ticket_reopen(actor=survey.requester, ticket=ticket, reason=reason)
    except ActionRefused:
        # The workflow said no (e.g. confirmed meanwhile): the callback covers it.
        return False
    return True


def _open_callback(survey: TicketSurvey, moment: datetime) -> CallbackTask:
    task, created = CallbackTask.objects.get_or_create(survey=survey, defaults={
        "contract_id": survey.contract_id, "created_at": moment,
        "due_at": callback_due(contract=survey.contract, moment=moment)})
    if created:
        agents = (ContractMember.objects.filter(contract_id=survey.contract_id,
                                                duty=ContractMember.Duty.AGENT,
                                                user__is_active=True)
                  .select_related("user"))
        url = settings.SITE_URL + reverse("surveys:callbacks")
        for member in agents:
            _email("callback", member.user, "survey.callback", f"callback:{task.pk}:{member.pk}",
                   survey=survey, ticket=survey.ticket, task=task, url=url)
    return task


def _complaint_from_survey(survey: TicketSurvey):
    """Register the complaint ticked on the survey through the complaints register."""
    return complaint_register(
        actor=None, contract=survey.contract, channel="survey", complainant=survey.requester,
        ticket=survey.ticket, engineer=survey.engineer, description=_complaint_text(survey),
        survey=survey)


def _complaint_text(survey: TicketSurvey) -> str:
    return survey.comment or _("Complaint ticked on the satisfaction survey of ticket %(n)s.") % {
        "n": survey.ticket.number}


# --------------------------------------------------------------------------------------------
# Callbacks
# --------------------------------------------------------------------------------------------


@transaction.atomic
def callback_done(*, actor, task: CallbackTask, outcome: str) -> CallbackTask:
    """The desk called the user back: record what came of it (once)."""
    if not can(actor, Capability.LOG_CALLS):
        raise PermissionRefused(_("You may not record callbacks."))
    if not (outcome or "").strip():
        raise ActionRefused(_("Say what came of the call."))
    task = CallbackTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise ActionRefused(_("This callback has already been recorded."))
    task.done_at = now()
    task.done_by = actor
    task.outcome = outcome.strip()
    task.save(update_fields=["done_at", "done_by", "outcome"])
    return task
