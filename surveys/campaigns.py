"""Questionnaire campaigns (公司级客户满意度调查, V2): selectors and services.

Services are plain functions with keyword-only arguments, one transaction each; user-facing
refusals raise ActionRefused (409, nothing changed) like the ticket services.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import CLIENT_ROLES, Capability, can
from core.clock import now
from core.errors import ActionRefused, PermissionRefused
from notifications.services import notification_enqueue
from sla.models import Contract
from sla.selectors import contracts_visible_to
from surveys.models import Answer, Campaign, Invitation, Question

SCALE = range(1, 6)


# ---- selectors ---------------------------------------------------------------------------------

def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns all of whose contracts the person sees (a campaign spanning a contract they do
    not see stays hidden: its audience and answers are not theirs)."""
    if not (can(user, Capability.RUN_CAMPAIGNS) or can(user, Capability.READ_DASHBOARDS)):
        return Campaign.objects.none()
    visible = contracts_visible_to(user)
    hidden = Contract.objects.exclude(pk__in=visible.values("pk"))
    return Campaign.objects.filter(
        pk__in=Campaign.contracts.through.objects.filter(contract__in=visible.values("pk"))
        .values("campaign_id")
    ).exclude(pk__in=Campaign.contracts.through.objects.filter(contract__in=hidden)
              .values("campaign_id"))


def campaign_list(*, user) -> QuerySet[Campaign]:
    """With `invited`, `answered` counted in the same query (live response rate)."""
    answered = Q(invitations__answered_at__isnull=False)
    return (campaigns_visible_to(user)
            .annotate(invited=Count("invitations"),
                      answered=Count("invitations", filter=answered))
            .order_by("-opens_on", "-pk"))


def response_rate(answered: int, invited: int) -> float | None:
    return round(answered * 100 / invited, 1) if invited else None


def campaign_get(*, user, pk: int) -> Campaign:
    """Raises Campaign.DoesNotExist outside the person's scope (→ 404)."""
    return campaign_list(user=user).prefetch_related("contracts", "departments").get(pk=pk)


def audience_of(campaign: Campaign) -> QuerySet[User]:
    """Active client people of the campaign's contracts' clients, narrowed by department/role."""
    people = User.objects.filter(
        is_active=True, role__in=list(CLIENT_ROLES),
        organisation__in=campaign.contracts.values("client_id"))
    department_ids = list(campaign.departments.values_list("pk", flat=True))
    if department_ids:
        people = people.filter(department__in=department_ids)
    if campaign.roles:
        people = people.filter(role__in=campaign.roles)
    return people


def campaign_results(campaign: Campaign) -> dict:
    """Response rate and, per question, average + distribution (scales), counts (choices), texts
    (names hidden when anonymous). Three queries whatever the number of answers."""
    counts = campaign.invitations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    questions = list(campaign.questions.all())
    per_q = {q.pk: {"question": q, "scores": Counter(), "choices": Counter(), "texts": []}
             for q in questions}
    answers = (Answer.objects.filter(question__campaign=campaign)
               .select_related("invitation__person").order_by("invitation__answered_at", "pk"))
    for a in answers:
        slot = per_q.get(a.question_id)
        if slot is None:
            continue
        if a.score is not None:
            slot["scores"][a.score] += 1
        for choice in a.choices or []:
            slot["choices"][choice] += 1
        if a.text:
            who = "" if campaign.anonymous else (a.invitation.person.name
                                                 or a.invitation.person.username)
            slot["texts"].append({"who": who, "text": a.text})
    rows = []
    for q in questions:
        slot = per_q[q.pk]
        n = sum(slot["scores"].values())
        row = {"question": q, "answers": n, "texts": slot["texts"]}
        if q.kind == Question.Kind.SCALE:
            row["average"] = (round(sum(k * v for k, v in slot["scores"].items()) / n, 2)
                              if n else None)
            row["distribution"] = [{"score": s, "count": slot["scores"][s],
                                    "share": response_rate(slot["scores"][s], n)}
                                   for s in range(5, 0, -1)]
        elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            row["choice_counts"] = [{"choice": c, "count": slot["choices"][c]}
                                    for c in q.choices]
        rows.append(row)
    return {"invited": counts["invited"], "answered": counts["answered"],
            "response_rate": response_rate(counts["answered"], counts["invited"]),
            "questions": rows}


# ---- services ----------------------------------------------------------------------------------

def _require(actor) -> None:
    if not can(actor, Capability.RUN_CAMPAIGNS):
        raise PermissionRefused(_("You may not run questionnaire campaigns."))


def _check_contracts(actor, contracts) -> None:
    visible = set(contracts_visible_to(actor).values_list("pk", flat=True))
    if not contracts or any(c.pk not in visible for c in contracts):
        raise PermissionRefused(_("Choose contracts you look after."))


def _check_dates(opens_on, closes_on) -> None:
    if closes_on < opens_on:
        raise ActionRefused(_("The campaign cannot close before it opens."))


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
        raise ActionRefused(_("Unknown kind of question."))
    if not (text or "").strip():
        raise ActionRefused(_("Write the question."))
    choices = [c.strip() for c in (choices or []) if c and c.strip()]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if len(choices) < 2:
            raise ActionRefused(_("Give at least two choices, one per line."))
        if len(set(choices)) != len(choices):
            raise ActionRefused(_("The choices must differ from each other."))
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


def invitation_for(*, token: str, user) -> Invitation:
    """The invitation behind a link; Invitation.DoesNotExist for an unknown token or when a
    logged-in person other than the invitee opens it (→ 404, revealing nothing)."""
    invitation = Invitation.objects.select_related("campaign", "person").get(token=token)
    if getattr(user, "is_authenticated", False) and user.pk != invitation.person_id:
        raise Invitation.DoesNotExist
    return invitation


def campaign_accepting(campaign: Campaign) -> bool:
    today = timezone.localdate(now())
    return (campaign.status == Campaign.Status.OPEN
            and campaign.opens_on <= today <= campaign.closes_on)


def _clean_answer(q: Question, value):
    """(score, choices, text) for a question's raw value; raises on a bad value."""
    empty = value in (None, "", [], ())
    if empty:
        if q.required:
            raise ActionRefused(_("Answer the question “%(q)s”.") % {"q": q.text})
        return None
    if q.kind == Question.Kind.SCALE:
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = 0
        if score not in SCALE:
            raise ActionRefused(_("Scores go from 1 to 5."))
        return (score, [], "")
    if q.kind == Question.Kind.SINGLE:
        if value not in q.choices:
            raise ActionRefused(_("Choose one of the offered answers."))
        return (None, [value], "")
    if q.kind == Question.Kind.MULTIPLE:
        values = [value] if isinstance(value, str) else list(value)
        if any(v not in q.choices for v in values):
            raise ActionRefused(_("Choose among the offered answers."))
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
