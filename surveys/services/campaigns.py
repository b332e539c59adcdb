"""Questionnaire campaigns (公司级客户满意度调查, V2): services. The reads are in
surveys/selectors/campaigns.py.

Services are plain functions with keyword-only arguments, one transaction each; bad input
raises InvalidInput naming the field (400), a refused step ActionRefused (409), nothing changed,
like the ticket services.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from notifications.services import notification_enqueue
from sla.selectors import contracts_visible_to
from surveys.models import Answer, Campaign, Invitation, Question
from surveys.selectors.campaigns import audience_of, campaign_accepting

SCALE = range(1, 6)


def _require(actor) -> None:
    if not can(actor, Capability.RUN_CAMPAIGNS):
        raise PermissionRefused(_("You may not run questionnaire campaigns."))


def _check_contracts(actor, contracts) -> None:
    visible = set(contracts_visible_to(actor).values_list("pk", flat=True))
    if not contracts or any(c.pk not in visible for c in contracts):
        raise PermissionRefused(_("Choose contracts you look after."))


def _check_dates(opens_on, closes_on) -> None:
    if closes_on < opens_on:
        raise InvalidInput(_("The campaign cannot close before it opens."), field="closes_on")


@transaction.atomic
def campaign_create(*, actor, title: str, intro: str = "", contracts, departments=(),
                    roles=(), anonymous: bool = False, opens_on, closes_on,
                    remind_every_days: int = 7) -> Campaign:
    _require(actor)
    _check_contracts(actor, list(contracts))
    _check_dates(opens_on, closes_on)
    campaign = Campaign.objects.create(
        title=title, intro=intro, roles=list(roles), anonymous=anonymous, opens_on=opens_on,
        closes_on=closes_on, remind_every_days=remind_every_days, created_by=actor,
        created_at=now())
    campaign.contracts.set(contracts)
    campaign.departments.set(departments)
    return campaign


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _editable(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise ActionRefused(_("Only a draft campaign can be changed."))


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, title: str, intro: str = "", contracts,
                    departments=(), roles=(), anonymous: bool = False, opens_on, closes_on,
                    remind_every_days: int = 7) -> Campaign:
    _require(actor)
    campaign = _locked(campaign)
    _editable(campaign)
    _check_contracts(actor, list(contracts))
    _check_dates(opens_on, closes_on)
    for name, value in dict(title=title, intro=intro, roles=list(roles), anonymous=anonymous,
                            opens_on=opens_on, closes_on=closes_on,
                            remind_every_days=remind_every_days).items():
        setattr(campaign, name, value)
    campaign.save()
    campaign.contracts.set(contracts)
    campaign.departments.set(departments)
    return campaign


def _clean_question(kind: str, text: str, choices) -> list[str]:
    if kind not in Question.Kind.values:
        raise InvalidInput(_("Unknown kind of question."), field="kind")
    if not (text or "").strip():
        raise InvalidInput(_("Write the question."), field="text")
    choices = [c.strip() for c in (choices or []) if c and c.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(choices) < 2:
            raise InvalidInput(_("Give at least two choices, one per line."), field="choices")
        if len(set(choices)) != len(choices):
            raise InvalidInput(_("The choices must differ from each other."), field="choices")
        return choices
    return []


@transaction.atomic
def question_save(*, actor, campaign: Campaign, question: Question | None = None, kind: str,
                  text: str, choices=(), required: bool = True) -> Question:
    """Add a question at the end, or change one of the campaign's questions (draft only)."""
    _require(actor)
    campaign = _locked(campaign)
    _editable(campaign)
    clean = _clean_question(kind, text, choices)
    if question is None:
        last = campaign.questions.order_by("-ordering").values_list("ordering", flat=True).first()
        question = Question(campaign=campaign, ordering=(last or 0) + 1)
    elif question.campaign_id != campaign.pk:
        raise PermissionRefused(_("That question belongs to another campaign."))
    question.kind, question.text, question.choices = kind, text.strip(), clean
    question.required = required
    question.save()
    return question


@transaction.atomic
def question_delete(*, actor, campaign: Campaign, question: Question) -> None:
    _require(actor)
    campaign = _locked(campaign)
    _editable(campaign)
    Question.objects.filter(pk=question.pk, campaign=campaign).delete()


@transaction.atomic
def question_move(*, actor, campaign: Campaign, question: Question, up: bool) -> None:
    """Swap a question with its neighbour; renumbers 1..n so equal orderings cannot stick."""
    _require(actor)
    campaign = _locked(campaign)
    _editable(campaign)
    questions = list(campaign.questions.order_by("ordering", "pk"))
    index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if index is None:
        raise PermissionRefused(_("That question belongs to another campaign."))
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for number, q in enumerate(questions, start=1):
        q.ordering = number
    Question.objects.bulk_update(questions, ["ordering"])


def answer_url(token: str) -> str:
    return f"{settings.SITE_URL}/q/{token}"


def _mail(invitation: Invitation, *, template: str, event: str, key: str) -> None:
    person = invitation.person
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {"campaign": invitation.campaign, "person": person,
                   "url": answer_url(invitation.token)}
        subject = (_("Reminder: %(title)s") if event == "campaign_reminder"
                   else _("Questionnaire: %(title)s")) % {"title": invitation.campaign.title}
        body = render_to_string(template, context)
    notification_enqueue(recipient=person, event=event, subject=subject, body=body,
                         dedupe_key=key)


def _invite(campaign: Campaign) -> int:
    """Invite the audience members not yet invited (idempotent); e-mail each new invitation."""
    already = set(campaign.invitations.values_list("person_id", flat=True))
    contract_of = {}
    for contract in campaign.contracts.order_by("code"):
        contract_of.setdefault(contract.client_id, contract)
    at = now()
    new = [Invitation(campaign=campaign, person=p, contract=contract_of[p.organisation_id],
                      token=secrets.token_urlsafe(32), invited_at=at)
           for p in audience_of(campaign).order_by("pk") if p.pk not in already]
    Invitation.objects.bulk_create(new)
    created = list(campaign.invitations.filter(person__in=[i.person for i in new])
                   .select_related("person", "campaign"))
    for invitation in created:
        _mail(invitation, template="surveys/email/campaign_invitation.txt",
              event="campaign_invitation", key=f"campaign-invite-{invitation.pk}")
    return len(created)


@transaction.atomic
def campaign_open(*, actor, campaign: Campaign) -> int:
    """Open a draft (it needs questions) and invite its audience; returns the invitations made."""
    _require(actor)
    campaign = _locked(campaign)
    if campaign.status != Campaign.Status.DRAFT:
        raise ActionRefused(_("The campaign is already open or closed."))
    if not campaign.questions.exists():
        raise ActionRefused(_("Add at least one question before opening the campaign."))
    if campaign.closes_on < timezone.localdate(now()):
        raise ActionRefused(_("The closing date has passed."))
    campaign.status = Campaign.Status.OPEN
    campaign.save(update_fields=["status"])
    return _invite(campaign)


@transaction.atomic
def campaign_invite_new(*, actor, campaign: Campaign) -> int:
    """Invite people who joined the audience since the campaign opened."""
    _require(actor)
    campaign = _locked(campaign)
    if campaign.status != Campaign.Status.OPEN:
        raise ActionRefused(_("Only an open campaign can invite people."))
    return _invite(campaign)


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    _require(actor)
    campaign = _locked(campaign)
    if campaign.status != Campaign.Status.OPEN:
        raise ActionRefused(_("Only an open campaign can be closed."))
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    return campaign


def _clean_answer(q: Question, value):
    """(score, choices, text) for a question's raw value; InvalidInput naming the answer
    form's field (q<id>) on a bad value."""
    empty = value in (None, "", [], ())
    if empty:
        if q.required:
            raise InvalidInput(_("Answer the question “%(q)s”.") % {"q": q.text},
                               field=f"q{q.pk}")
        return None
    if q.kind == Question.Kind.SCALE:
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = 0
        if score not in SCALE:
            raise InvalidInput(_("Scores go from 1 to 5."), field=f"q{q.pk}")
        return (score, [], "")
    if q.kind == Question.Kind.SINGLE:
        if value not in q.choices:
            raise InvalidInput(_("Choose one of the offered answers."), field=f"q{q.pk}")
        return (None, [value], "")
    if q.kind == Question.Kind.MULTIPLE:
        values = [value] if isinstance(value, str) else list(value)
        if any(v not in q.choices for v in values):
            raise InvalidInput(_("Choose among the offered answers."), field=f"q{q.pk}")
        return (None, [c for c in q.choices if c in values], "")
    return (None, [], str(value).strip()[:5000])


@transaction.atomic
def invitation_answer(*, invitation: Invitation, answers: dict) -> Invitation:
    """Record the answers {question_id: value}: once, while the campaign accepts answers."""
    invitation = Invitation.objects.select_for_update().select_related("campaign").get(
        pk=invitation.pk)
    if invitation.answered_at:
        raise ActionRefused(_("This questionnaire has already been answered."))
    if not campaign_accepting(invitation.campaign):
        raise ActionRefused(_("This questionnaire is not open for answers."))
    rows = []
    for q in invitation.campaign.questions.all():
        cleaned = _clean_answer(q, answers.get(q.pk))
        if cleaned:
            score, choices, text = cleaned
            rows.append(Answer(invitation=invitation, question=q, score=score, choices=choices,
                               text=text))
    Answer.objects.bulk_create(rows)
    invitation.answered_at = now()
    invitation.save(update_fields=["answered_at"])
    return invitation


def campaign_reminders_send() -> int:
    """E-mail unanswered invitations of open campaigns every remind_every_days since they were
    invited or last reminded (at most one reminder per invitation a day). Beat: every 6 h."""
    at = now()
    today = timezone.localdate(at)
    sent = 0
    campaigns = Campaign.objects.filter(status=Campaign.Status.OPEN, opens_on__lte=today,
                                        closes_on__gte=today, remind_every_days__gt=0)
    for campaign in campaigns:
        due = at - timedelta(days=campaign.remind_every_days)
        with transaction.atomic():
            pending = (campaign.invitations.select_for_update(skip_locked=True, of=("self",))
                       .filter(answered_at__isnull=True)
                       .filter(Q(reminded_at__isnull=True, invited_at__lte=due)
                               | Q(reminded_at__lte=due))
                       .select_related("person", "campaign"))
            reminded = []
            for invitation in pending:
                _mail(invitation, template="surveys/email/campaign_reminder.txt",
                      event="campaign_reminder",
                      key=f"campaign-remind-{invitation.pk}-{today.isoformat()}")
                invitation.reminded_at = at
                reminded.append(invitation)
            Invitation.objects.bulk_update(reminded, ["reminded_at"])
            sent += len(reminded)
    return sent
