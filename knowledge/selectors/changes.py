"""Reads of changes, approvals and consents, scoped by role and contract."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from knowledge.models import Change, ChangeApproval, Consent, Decision
from knowledge.selectors.problems import may_read
from sla.selectors import contracts_visible_to
from tickets.selectors import tickets_visible_to


def changes_visible_to(user) -> QuerySet[Change]:
    if not may_read(user):
        return Change.objects.none()
    return Change.objects.filter(contract_id__in=list(
        contracts_visible_to(user).values_list("pk", flat=True)))


def change_list(*, user, status: str = "", contract: str = "") -> QuerySet[Change]:
    changes = changes_visible_to(user).select_related("contract", "requested_by")
    if status:
        changes = changes.filter(status=status)
    if contract:
        changes = changes.filter(contract__code=contract)
    return changes.order_by("-created_at", "-id")


def change_get(*, user, number: str) -> Change:
    return (changes_visible_to(user)
            .select_related("contract__client", "contract__project_manager", "requested_by",
                            "implemented_by", "reviewed_by")
            .prefetch_related(
                Prefetch("approvals", queryset=ChangeApproval.objects.select_related(
                    "approver", "answered_by")),
                "assets", "fixes_problems", "notices")
            .get(number=number))


def approvals_awaiting(*, user) -> QuerySet[ChangeApproval]:
    """The approvals a person is named on and has not answered (their home page's list)."""
    return (ChangeApproval.objects.filter(approver=user, decision=Decision.PENDING,
                                          change__status=Change.Status.PENDING)
            .select_related("change__contract").order_by("change__window_start", "pk"))


def consents_visible_to(user) -> QuerySet[Consent]:
    """The consent requests on tickets the person sees, and those they are asked to give."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Consent.objects.none()
    return Consent.objects.filter(ticket__in=tickets_visible_to(user)) | \
        Consent.objects.filter(approver=user)


def consent_get(*, user, pk: int) -> Consent:
    return (consents_visible_to(user).select_related("ticket__contract", "asked_by", "approver")
            .distinct().get(pk=pk))


def consents_awaiting(*, user) -> QuerySet[Consent]:
    return (Consent.objects.filter(approver=user, decision=Decision.PENDING)
            .select_related("ticket", "asked_by").order_by("asked_at"))


def ticket_consents(*, ticket) -> list[Consent]:
    """The consents asked on a ticket the caller already may see (its page checked that)."""
    return list(Consent.objects.filter(ticket=ticket).select_related("approver")
                .order_by("-asked_at"))
