"""Questionnaire campaigns (公司级客户满意度调查, V2): reads (who sees which campaign, the
audience, the results, the invitation behind a link). The writes are in
surveys/services/campaigns.py."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import CLIENT_ROLES
from core.clock import now
from sla.models import Contract
from sla.selectors import contracts_visible_to
from surveys.models import Answer, Campaign, Invitation, Question
from surveys.permissions import may_read_campaigns


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns all of whose contracts the person sees (a campaign spanning a contract they do
    not see stays hidden: its audience and answers are not theirs)."""
    if not may_read_campaigns(user):
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
