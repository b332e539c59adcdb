"""Which service reports a person may read: those of the tickets they see (staff of the
contract, the requester, the client contacts; tickets.selectors decides)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from fieldservice.models import ServiceReport, ServiceReportPart
from tickets.selectors import tickets_visible_to

RELATED = ("ticket__contract__client", "ticket__requester", "ticket__site", "ticket__asset",
           "engineer", "confirmed_by", "supersedes", "pdf")


def reports_visible_to(user) -> QuerySet[ServiceReport]:
    return ServiceReport.objects.filter(ticket__in=tickets_visible_to(user))


def for_display(reports: QuerySet[ServiceReport]) -> QuerySet[ServiceReport]:
    """With what a list or page shows: the ticket, people and the parts lines (no N+1).
    The signature images are left out: lists never show them."""
    return (reports.select_related(*RELATED)
            .defer("requester_signature", "engineer_signature")
            .prefetch_related(Prefetch("parts", queryset=ServiceReportPart.objects
                                       .select_related("part").order_by("pk"))))


def report_get(*, user, pk: int) -> ServiceReport:
    """One report the user may see (ServiceReport.DoesNotExist otherwise), with its parts."""
    return (reports_visible_to(user).select_related(*RELATED)
            .prefetch_related(Prefetch("parts", queryset=ServiceReportPart.objects
                                       .select_related("part").order_by("pk")))
            .get(pk=pk))


def reports_of_ticket(*, user, ticket) -> list[ServiceReport]:
    """Every version of the ticket's reports, newest first."""
    return list(for_display(reports_visible_to(user).filter(ticket=ticket))
                .order_by("-created_at", "-pk"))


def versions_of(report: ServiceReport) -> list[ServiceReport]:
    """The report's chain of versions (what it corrects and what corrected it), newest first.
    A chain is a handful of rows: walked with one query over the ticket's reports."""
    rows = {r.pk: r for r in ServiceReport.objects.filter(ticket_id=report.ticket_id)
            .defer("requester_signature", "engineer_signature")}
    newer = {r.supersedes_id: r for r in rows.values() if r.supersedes_id}
    chain = [rows.get(report.pk, report)]
    while chain[-1].supersedes_id in rows:
        chain.append(rows[chain[-1].supersedes_id])
    head = chain[0]
    while head.pk in newer:
        head = newer[head.pk]
        chain.insert(0, head)
    return chain
