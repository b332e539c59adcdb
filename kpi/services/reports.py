"""Generating, archiving and sending service reports (K3).

generate_report() gathers a report (kpi.reports.content) from a freshly refreshed rollup, renders
the PDF and the Excel file, stores them on the ServiceReport of that contract, kind and period
(or P1 ticket) — replacing the files and raising the version when it exists — and e-mails the
client contacts and the project manager a link (once per report version).
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from core.clock import now
from core.periods import day_start, zone
from core.periods import today as local_today
from core.publish import publish_quietly
from kpi.models.reports import ReportKind, ServiceReport
from kpi.reports import content
from kpi.reports.pdf import render_pdf
from kpi.reports.periods import due_on, period_of
from kpi.reports.xlsx import render_xlsx
from kpi.services import rollup
from notifications.services import email_from_template
from tickets.models import Priority, Ticket

logger = logging.getLogger(__name__)


def language_for(contract, actor=None) -> str:
    """The report's language: the requester's when one asked for it, else the client
    contacts' (the first one's), else the site default (Chinese)."""
    if actor is not None and getattr(actor, "language", ""):
        return actor.language
    contact = contract.client_contacts.exclude(language="").order_by("pk").first()
    return contact.language if contact else settings.LANGUAGE_CODE


def refresh_period(contract, start: date, end: date) -> None:
    """Make the rollup of the period exact for this contract before reading it."""
    today = local_today()
    rollup.refresh(start, end, contract_ids=[contract.pk], backlog=False)
    last = min(end, today)
    if last >= start:
        rollup.refresh_backlog(last, last, contract_ids=[contract.pk])


def render(contract, kind: str, period_start: date, fmt: str, *, ticket=None, version: int = 1,
           language: str | None = None, refresh: bool = True):
    """(report, bytes) of one format, without archiving (the management command)."""
    if kind != ReportKind.MAJOR_INCIDENT and refresh:
        refresh_period(contract, *period_of(kind, period_start))
    with translation.override(language or language_for(contract)):
        report = content.build(contract, kind, period_start, ticket=ticket, version=version)
        data = render_pdf(report) if fmt == "pdf" else render_xlsx(report)
    return report, data


def file_stem(contract, kind: str, start: date, ticket=None) -> str:
    if kind == ReportKind.MAJOR_INCIDENT:
        period = ticket.number
    elif kind == ReportKind.ANNUAL:
        period = f"{start:%Y}"
    elif kind == ReportKind.QUARTERLY:
        period = f"{start:%Y}-Q{(start.month - 1) // 3 + 1}"
    else:
        period = f"{start:%Y-%m}"
    return f"{contract.code}-{period}-{kind}"


def _existing(contract, kind, start, ticket):
    reports = ServiceReport.objects.select_for_update()
    if ticket is not None:
        return reports.filter(ticket=ticket).first()
    return reports.filter(contract=contract, kind=kind, period_start=start,
                          ticket__isnull=True).first()


def generate_report(contract, kind: str, period_start: date, *, ticket=None, actor=None,
                    send: bool = True, refresh: bool = True) -> ServiceReport:
    """Write (or rewrite, as the next version) the archived report and e-mail its link.
    `refresh=False`: the caller has made the period's rollup exact already (the schedule)."""
    if kind == ReportKind.MAJOR_INCIDENT:
        if ticket is None:
            raise ValueError("A major-incident report is about one ticket.")
        contract = ticket.contract
    else:
        ticket = None
        if refresh:
            refresh_period(contract, *period_of(kind, period_start))
    language = language_for(contract, actor)
    for attempt in range(2):
        try:
            return _generate(contract, kind, period_start, ticket, actor, language, send)
        except IntegrityError:  # a concurrent first generation won: regenerate as version 2
            if attempt:
                raise
    raise AssertionError("unreachable")


def _generate(contract, kind, period_start, ticket, actor, language, send) -> ServiceReport:
    moment = now()
    with transaction.atomic():
        with translation.override(language):
            probe_start = (period_of(kind, period_start)[0]
                           if kind != ReportKind.MAJOR_INCIDENT else None)
            report_row = _existing(contract, kind, probe_start, ticket)
            version = report_row.version + 1 if report_row else 1
            report = content.build(contract, kind, period_start, ticket=ticket,
                                   version=version, at=moment)
            pdf, xlsx = render_pdf(report), render_xlsx(report)
        if report_row is None:
            report_row = ServiceReport(contract=contract, kind=kind, ticket=ticket)
        old_files = [f.name for f in (report_row.pdf, report_row.xlsx) if f]
        report_row.period_start, report_row.period_end = report.period_start, report.period_end
        report_row.version = version
        report_row.due_on = due_on(kind, report.period_end)
        report_row.figures = report.figures
        report_row.generated_at = moment
        report_row.generated_by = actor
        report_row.sent_at = None
        stem = f"{file_stem(contract, kind, report.period_start, ticket)}-v{version}"
        report_row.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report_row.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report_row.save()
        if send:
            send_report(report_row)
        storage = report_row.pdf.storage
        transaction.on_commit(partial(_delete_files, storage, old_files))
    return report_row


def _delete_files(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError as exc:  # a missing old file is no reason to fail
            logger.warning("Could not delete old report file %s: %s", name, exc)


def recipients(contract) -> list:
    people = list(contract.client_contacts.filter(is_active=True).order_by("pk"))
    if contract.project_manager_id and contract.project_manager not in people:
        people.append(contract.project_manager)
    return people


def send_report(report_row: ServiceReport) -> int:
    """E-mail the client contacts and the PM the report page link (once per version)."""
    url = (settings.SITE_URL + reverse("kpi:reports")
           + f"?contract={report_row.contract.code}&kind={report_row.kind}")
    sent = 0
    for person in recipients(report_row.contract):
        notification = email_from_template(
            recipient=person, event="kpi.report", template="kpi/email/report_ready.txt",
            context={"report": report_row, "contract": report_row.contract, "url": url,
                     "pdf_url": settings.SITE_URL + reverse("kpi:report_pdf",
                                                            args=[report_row.pk])},
            dedupe_key=f"kpi.report.{report_row.pk}.v{report_row.version}.{person.pk}")
        sent += notification is not None
    report_row.sent_at = now()
    report_row.save(update_fields=["sent_at"])
    return sent


# --- P1 tickets: a major-incident report once resolved ----------------------------------------

def major_incident_for(ticket_id: int) -> ServiceReport | None:
    """The major-incident report of a resolved P1 ticket; None (nothing done) when it exists
    already or the ticket is not a resolved P1."""
    ticket = (Ticket.objects.select_related("contract", "contract__client", "service_type",
                                            "assignee", "requester", "asset")
              .filter(pk=ticket_id).first())
    if (ticket is None or ticket.priority != Priority.P1 or ticket.resolved_at is None
            or ServiceReport.objects.filter(ticket=ticket).exists()):
        return None
    resolved = ticket.resolved_at.astimezone(zone()).date()
    return generate_report(ticket.contract, ReportKind.MAJOR_INCIDENT, resolved, ticket=ticket)


def queue_major_incident(ticket_id: int) -> None:
    """Hand the report to a worker; never raises or waits on a dead broker (the daily schedule
    catches P1 tickets whose report is missing). By name: kpi.tasks imports this module."""
    publish_quietly("kpi.tasks.major_incident_report", (ticket_id,),
                    fallback="the daily report schedule will make it")


def on_ticket_resolved(sender, ticket, actor=None, **kwargs) -> None:
    if ticket.priority == Priority.P1:
        transaction.on_commit(partial(queue_major_incident, ticket.pk))


def missing_major_incidents(since: date) -> list[int]:
    """Resolved P1 tickets since `since` without a report (a lost broker message)."""
    return list(Ticket.objects.filter(priority=Priority.P1, resolved_at__gte=day_start(since),
                                      major_incident_reports__isnull=True)
                .values_list("pk", flat=True)[:200])


MISSED_INCIDENT_DAYS = 7
