"""Reads of problems, scoped by role and contract: provider staff and the client's contact see
the problems of the contracts they see; end users none."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.roles import Role
from knowledge.models import Problem
from sla.selectors import contracts_visible_to
from tickets.models import Ticket


def may_read(user) -> bool:
    """Problems and changes are for the provider's staff and the client's IT contact."""
    return (getattr(user, "is_authenticated", False) and user.is_active
            and (user.is_superuser or user.role != Role.END_USER))


def problems_visible_to(user) -> QuerySet[Problem]:
    if not may_read(user):
        return Problem.objects.none()
    return Problem.objects.filter(contract_id__in=list(
        contracts_visible_to(user).values_list("pk", flat=True)))


def problem_list(*, user, status: str = "", contract: str = "") -> QuerySet[Problem]:
    problems = problems_visible_to(user).select_related("contract", "owner")
    if status:
        problems = problems.filter(status=status)
    if contract:
        problems = problems.filter(contract__code=contract)
    return problems.order_by("-created_at", "-id")


def problem_get(*, user, number: str) -> Problem:
    """One visible problem with what its page and report show; Problem.DoesNotExist otherwise."""
    return (problems_visible_to(user)
            .select_related("contract__client", "contract__project_manager", "owner",
                            "fix_change", "confirmed_by", "created_by", "known_error_article")
            .prefetch_related(Prefetch("tickets", queryset=Ticket.objects.select_related(
                "asset", "category", "requester").order_by("created_at")), "assets")
            .get(number=number))
