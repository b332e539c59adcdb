"""Who sees which complaints, the register list and the quarterly counter (V4)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import pgettext

from accounts.models import User
from accounts.roles import REVIEWER_ROLES, STAFF_ROLES, Capability, can
from core.clock import now
from sla.selectors import contracts_visible_to
from surveys.models import Complaint, SurveyPolicy
from surveys.permissions import reads_register
from surveys.quarters import quarter_bounds, quarter_of

LIST_RELATED = ("contract", "complainant", "ticket", "engineer")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
ESCALATED = re.compile(r"^escalated to level (\d+)$")
HISTORY_LIMIT = 50


def history_reason_label(reason: str | None) -> str:
    """What the complaint's history shows for a change reason the services store as a key
    (``registered``, ``answered``, ``resolved``, ``escalated to level N``); "" when none."""
    labels = {"registered": pgettext("history", "Registered"),
              "answered": pgettext("history", "Answered"),
              "resolved": pgettext("history", "Resolved")}
    if not reason:
        return ""
    if reason in labels:
        return labels[reason]
    escalated = ESCALATED.match(reason)
    if escalated:
        return (pgettext("history", "Escalated: answer overdue") if escalated[1] == "1"
                else pgettext("history", "Escalated: solution overdue"))
    return reason


def complaint_history(complaint: Complaint) -> list:
    """The newest history rows, each with ``reason_label`` to show."""
    rows = list(complaint.history.select_related("history_user")
                .order_by("-history_date")[:HISTORY_LIMIT])
    for row in rows:
        row.reason_label = history_reason_label(row.history_change_reason)
    return rows


def reviewer_choices() -> QuerySet[User]:
    """The people a resolved complaint may name as reviewer (surveys.permissions.
    may_review_complaints), for the page's and the API's choices."""
    return User.objects.filter(is_active=True, role__in=REVIEWER_ROLES).order_by("name")


def engineer_choices() -> QuerySet[User]:
    """The provider's people, who may be named as the engineer a complaint is about."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("name")


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Register readers: every complaint of their contracts; end users: only their own."""
    complaints = Complaint.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return complaints.none()
    if reads_register(user):
        return complaints.filter(contract__in=contracts_visible_to(user))
    if can(user, Capability.FILE_TICKETS):
        return complaints.filter(complainant=user)
    return complaints.none()


def complaint_get(*, user, number: str | None = None, pk: int | None = None) -> Complaint:
    """One visible complaint with what its page shows; Complaint.DoesNotExist otherwise."""
    lookup = {"pk": pk} if pk is not None else {"number": number}
    return (complaints_visible_to(user)
            .select_related(*LIST_RELATED, "registered_by", "reviewer", "contract__client")
            .get(**lookup))


@dataclass
class ComplaintFilters:
    """The register's accepted filters, as its page shows them (surveys/filters.py parses)."""

    status: str = ""
    contract: str = ""
    quarter: str = ""  # "2026Q4"
    overdue: bool = False

    def year_quarter(self) -> tuple[int, int] | None:
        match = QUARTER.match(self.quarter)
        return (int(match[1]), int(match[2])) if match else None


def overdue_q(moment=None) -> Q:
    """Unanswered past answer_due, or unresolved past the end of resolution_due."""
    moment = moment or now()
    return (Q(status=Complaint.Status.RECEIVED, answer_due__lt=moment)
            | (Q(resolution_due__lt=timezone.localdate(moment))
               & ~Q(status=Complaint.Status.RESOLVED)))


def complaint_list(*, user) -> QuerySet[Complaint]:
    """The register as its page and the API list it: scoped, newest first. Their filters are
    surveys/filters.py's ComplaintFilterSet."""
    return complaints_visible_to(user).select_related(*LIST_RELATED).order_by("-received_at",
                                                                               "-pk")


@dataclass
class QuarterCount:
    contract: object
    year: int
    quarter: int
    total: int
    major: int
    limit: int
    major_limit: int

    @property
    def reached(self) -> bool:
        return self.total >= self.limit

    @property
    def major_reached(self) -> bool:
        return self.major >= self.major_limit


def quarter_counts(*, user, year: int | None = None, quarter: int | None = None,
                   contract_code: str = "") -> list[QuarterCount]:
    """Per visible contract: complaints (all, major) in the quarter against its limits.
    Two queries whatever the number of contracts."""
    if year is None or quarter is None:
        year, quarter = quarter_of(now())
    start, end = quarter_bounds(year, quarter)
    contracts = contracts_visible_to(user).select_related("survey_policy").order_by("code")
    if contract_code:
        contracts = contracts.filter(code=contract_code)
    contracts = list(contracts)
    counts = {
        row["contract"]: row for row in
        Complaint.objects.filter(contract__in=[c.pk for c in contracts], received_at__gte=start,
                                 received_at__lt=end)
        .values("contract").annotate(total=Count("pk"), major=Count("pk", filter=Q(major=True)))
    }
    rows = []
    for contract in contracts:
        policy = SurveyPolicy.for_contract(contract)
        row = counts.get(contract.pk, {})
        rows.append(QuarterCount(
            contract=contract, year=year, quarter=quarter, total=row.get("total", 0),
            major=row.get("major", 0),
            limit=policy.complaint_limit, major_limit=policy.major_complaint_limit))
    return rows
