"""Customer service reports (客户服务报告, issue 16.3): drafts, versions, signatures, freezing,
the client's confirmation of an unsigned report, and the overdue reminder. One transaction per
change; the report's row is locked first so two signatures at once queue up.

Freezing (both signatures, or the engineer's plus the reason the client did not sign) is where
everything that must happen exactly once happens: the parts leave the store through the assets
store services (the ledger records them), the PDF is archived on the ticket and e-mailed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from assets.models import Part, StockMovement
from assets.services.store import stock_fit_on_site, stock_unfit_on_site
from core import batch, uploads
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from core.periods import today as local_today
from fieldservice import report_pdf
from fieldservice.models import (
    NoSignature,
    ReportPolicy,
    ReportStatus,
    ServiceReport,
    ServiceReportPart,
    Visit,
)
from fieldservice.signatures import signature_png
from notifications.services import notification_enqueue
from sla.working_days import working_days_of
from tickets import hooks
from tickets.models import OPEN_STATUSES, Attachment, Ticket
from tickets.selectors import tickets_visible_to

TEXT_FIELDS = ("symptom", "cause", "actions", "result", "follow_up")
REQUIRED_FIELDS = ("symptom", "actions", "result")
ROLES = ("requester", "engineer")
NAME_MAX = ServiceReport._meta.get_field("requester_name").max_length
TEXT_MAX = 5000
MAX_PART_LINES = 30


@dataclass(frozen=True)
class PartLine:
    part: Part
    quantity: int


def policy_for(contract) -> ReportPolicy:
    """The contract's policy, or the defaults (unsaved) when it has none."""
    try:
        return contract.report_policy
    except ReportPolicy.DoesNotExist:
        return ReportPolicy(contract=contract)


# --- who may do what ------------------------------------------------------------------------
def may_write_reports(user) -> bool:
    """The kind of person who writes service reports at all (the engineers)."""
    return can(user, Capability.WORK_TICKETS) and not user.is_client_side


def may_write_report(user, ticket: Ticket) -> bool:
    """The engineer who went: the ticket's assignee, or one with a visit on it."""
    return may_write_reports(user) and (
        ticket.assignee_id == user.pk
        or (hooks.panel_flags.has(ticket, "visits")  # no visits: none of theirs (issue 19)
            and ticket.visits.filter(engineer=user).exists()))


def _require_writer(actor, ticket: Ticket) -> None:
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionRefused(_("Ticket %(number)s is not one of yours.")
                                % {"number": ticket.number})
    if not may_write_report(actor, ticket):
        raise PermissionRefused(_("Only the engineer who worked on site writes the service "
                                  "report."))


def is_client_signer(user, ticket: Ticket) -> bool:
    """The requester, or a client contact of the ticket's contract."""
    return user.pk == ticket.requester_id or ticket.contract.client_contacts.filter(
        pk=user.pk).exists()


# --- input ----------------------------------------------------------------------------------
def clean_text(data: dict) -> dict:
    fields = {}
    for name in TEXT_FIELDS:
        value = str(data.get(name) or "").strip()
        if len(value) > TEXT_MAX:
            raise InvalidInput(_("At most %(n)d characters.") % {"n": TEXT_MAX}, field=name)
        fields[name] = value
    errors = {name: [_("This field is required.")] for name in REQUIRED_FIELDS
              if not fields[name]}
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    return fields


def clean_parts(ticket: Ticket, lines) -> list[PartLine]:
    """``[{"part": id, "quantity": n}]`` → lines of the ticket's contract's parts, one line per
    part (repeats are added up), never more than the store holds in all."""
    if lines is None:
        return []
    if not isinstance(lines, list | tuple) or len(lines) > MAX_PART_LINES:
        raise InvalidInput(_("Give the parts as a list of at most %(n)d lines.")
                           % {"n": MAX_PART_LINES}, field="parts")
    wanted: Counter = Counter()
    for line in lines:
        if not isinstance(line, dict):
            raise InvalidInput(_("Each part line needs a part and a quantity."), field="parts")
        part_id, quantity = line.get("part"), line.get("quantity")
        if isinstance(part_id, Part):
            part_id = part_id.pk
        try:
            part_id, quantity = int(part_id), int(quantity)
        except (TypeError, ValueError):
            raise InvalidInput(_("Each part line needs a part and a quantity."),
                               field="parts") from None
        if quantity < 1:
            raise InvalidInput(_("The quantity must be a whole number of at least 1."),
                               field="parts")
        wanted[part_id] += quantity
    parts = Part.objects.filter(contract_id=ticket.contract_id, active=True).in_bulk(
        list(wanted))
    missing = [pk for pk in wanted if pk not in parts]
    if missing:
        raise InvalidInput(_("Part %(id)s is not a spare part of contract %(code)s.")
                           % {"id": missing[0], "code": ticket.contract.code}, field="parts")
    for pk, quantity in wanted.items():
        _check_available(parts[pk], ticket, quantity)
    return [PartLine(parts[pk], quantity) for pk, quantity in wanted.items()]


def _check_available(part: Part, ticket: Ticket, quantity: int) -> None:
    """Early word on the form: more than the stores hold (plus what this ticket already took)
    is refused now, not only when the report is signed. The freeze checks again, locked."""
    moved = StockMovement.objects.filter(part=part).aggregate(
        total=Coalesce(Sum("quantity"), 0),
        ticket=Coalesce(Sum("quantity", filter=Q(ticket=ticket, kind__in=[
            StockMovement.Kind.ISSUE, StockMovement.Kind.RETURN_UNUSED])), 0))
    available = moved["total"] - moved["ticket"]
    if quantity > available:
        raise InvalidInput(
            _("Only %(have)d %(unit)s of %(code)s in stock; cannot take %(want)d.")
            % {"have": available, "unit": part.unit, "code": part.code, "want": quantity},
            field="parts")


# --- drafts and versions -----------------------------------------------------------------------
def is_editable(report: ServiceReport) -> bool:
    return (not report.is_frozen and report.requester_signed_at is None
            and report.engineer_signed_at is None)


def final_message() -> str:
    return _("This report is signed or final: it cannot change; make a correction (a new "
             "version) instead.")


def latest_report(ticket: Ticket) -> ServiceReport | None:
    return (ServiceReport.objects.filter(ticket=ticket, superseded_by__isnull=True)
            .order_by("-created_at", "-pk").first())


@transaction.atomic
def report_save(*, actor, ticket: Ticket, data: dict, parts=None, visit: Visit | None = None,
                ) -> tuple[ServiceReport, bool]:
    """Write the ticket's report: the open draft is updated; when the latest report is signed
    (by anyone) or frozen, a correction is made: a new version that supersedes it, which is kept.
    Returns (report, created)."""
    ticket = Ticket.objects.select_for_update().select_related("contract").get(pk=ticket.pk)
    _require_writer(actor, ticket)
    fields = clean_text(data)
    lines = clean_parts(ticket, parts)
    if visit is not None and visit.ticket_id != ticket.pk:
        raise InvalidInput(_("That visit is not one of ticket %(number)s.")
                           % {"number": ticket.number}, field="visit")
    moment = now()
    latest = latest_report(ticket)
    if latest is not None and is_editable(latest):
        if latest.engineer_id != actor.pk:
            raise PermissionRefused(_("%(name)s is writing this report.")
                                    % {"name": latest.engineer.display_name})
        for name, value in fields.items():
            setattr(latest, name, value)
        latest.visit = visit or latest.visit
        latest.updated_at = moment
        latest.save()
        latest.parts.all().delete()
        _add_parts(latest, lines)
        return latest, False
    if latest is None and ticket.status not in OPEN_STATUSES:
        raise ActionRefused(_("Ticket %(number)s is %(status)s: write the report before it is "
                              "resolved.") % {"number": ticket.number,
                                              "status": ticket.get_status_display()})
    report = ServiceReport.objects.create(
        ticket=ticket, visit=visit or (latest.visit if latest else None) or _last_visit(ticket),
        version=(latest.version + 1) if latest else 1, supersedes=latest, engineer=actor,
        engineer_name=actor.display_name[:NAME_MAX], created_by=actor, created_at=moment,
        updated_at=moment, **fields)
    _add_parts(report, lines)
    return report, True


def _last_visit(ticket: Ticket) -> Visit | None:
    return ticket.visits.order_by("-checked_in_at", "-pk").first()


def _add_parts(report: ServiceReport, lines: list[PartLine]) -> None:
    ServiceReportPart.objects.bulk_create(
        ServiceReportPart(report=report, part=line.part, quantity=line.quantity)
        for line in lines)


def _locked(report: ServiceReport) -> ServiceReport:
    return ServiceReport.objects.select_for_update().get(pk=report.pk)


def _require_current(report: ServiceReport) -> None:
    if ServiceReport.objects.filter(supersedes=report).exists():
        raise ActionRefused(_("Version %(version)d was corrected by a newer version.")
                            % {"version": report.version})


# --- signatures ----------------------------------------------------------------------------------
@transaction.atomic
def report_sign(*, actor, report: ServiceReport, role: str, signature, signer_name: str = "",
                ) -> ServiceReport:
    """Add one signature (a drawn PNG). The client signs in person on the engineer's device
    (the engineer's session submits it, the signer's name is recorded) or in their own session
    (requester or client contact); the engineer signs as the report's engineer. A second
    signature for a role is refused (409). With both, the report is frozen."""
    if role not in ROLES:
        raise InvalidInput(_("Sign as the client (requester) or as the engineer."), field="role")
    report = _locked(report)
    ticket = report.ticket
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionRefused(_("Ticket %(number)s is not one of yours.")
                                % {"number": ticket.number})
    if getattr(report, f"{role}_signed_at") is not None:
        raise ActionRefused(_("This report already has the %(role)s's signature.")
                            % {"role": _role_label(role)}, code="already_signed")
    if report.is_frozen:
        raise ActionRefused(final_message(), code="frozen")
    _require_current(report)
    name = " ".join((signer_name or "").split())[:NAME_MAX]
    if role == "engineer":
        if actor.pk != report.engineer_id:
            raise PermissionRefused(_("Only the report's engineer signs as the engineer."))
        name = name or actor.display_name[:NAME_MAX]
    else:
        if report.no_signature:
            raise ActionRefused(_("The report was sent to the client to confirm."))
        if actor.pk != report.engineer_id and not is_client_signer(actor, ticket):
            raise PermissionRefused(_("Only the requester or the client contact signs for the "
                                      "client."))
        if actor.pk != report.engineer_id:
            name = name or actor.display_name[:NAME_MAX]
        if not name:
            raise InvalidInput(_("Write the name of the person signing."), field="signer_name")
    png = signature_png(signature)
    moment = now()
    setattr(report, f"{role}_signature", png)
    setattr(report, f"{role}_signed_at", moment)
    setattr(report, f"{role}_name", name)
    if role == "requester":
        report.requester_signed_by = actor
    report.updated_at = moment
    if report.requester_signed_at and report.engineer_signed_at:
        report.status = ReportStatus.SIGNED
        _freeze(report, actor, moment)
    else:
        report.save()
    return report


def _role_label(role: str) -> str:
    return _("client") if role == "requester" else _("engineer")


@transaction.atomic
def report_without_signature(*, actor, report: ServiceReport, kind: str, reason: str,
                             ) -> ServiceReport:
    """The client refused to sign or nobody was there: the engineer (who has signed) records why;
    the report is frozen and goes to the client contacts to confirm within the contract's
    working days (ReportPolicy.confirm_days)."""
    if kind not in (NoSignature.REFUSED, NoSignature.ABSENT):
        raise InvalidInput(_("Say whether the client refused or was not there."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Write why the client did not sign."), field="reason")
    if len(reason) > TEXT_MAX:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": TEXT_MAX}, field="reason")
    report = _locked(report)
    if actor.pk != report.engineer_id:
        raise PermissionRefused(_("Only the report's engineer records this."))
    if report.is_frozen or report.requester_signed_at is not None:
        raise ActionRefused(final_message(), code="frozen")
    _require_current(report)
    if report.engineer_signed_at is None:
        raise ActionRefused(_("Sign the report as the engineer first."))
    moment = now()
    contract = report.ticket.contract
    report.no_signature = kind
    report.no_signature_reason = reason
    report.status = ReportStatus.AWAITING_CONFIRMATION
    report.confirm_due = working_days_of(contract.calendar).after(
        local_today(), policy_for(contract).confirm_days)
    report.updated_at = moment
    _freeze(report, actor, moment)
    return report


@transaction.atomic
def report_confirm(*, actor, report: ServiceReport) -> ServiceReport:
    """The requester or a client contact confirms an unsigned report in the portal."""
    report = _locked(report)
    ticket = report.ticket
    if not is_client_signer(actor, ticket):
        raise PermissionRefused(_("Only the requester or the client contact confirms."))
    if report.status != ReportStatus.AWAITING_CONFIRMATION:
        raise ActionRefused(_("This report is not waiting for a confirmation."))
    _require_current(report)
    report.status = ReportStatus.CONFIRMED
    report.confirmed_at = report.updated_at = now()
    report.confirmed_by = actor
    report.save(update_fields=["status", "confirmed_at", "confirmed_by", "updated_at"])
    _email_both(report, event="service_report.confirmed", subject=_(
        "Service report for %(number)s confirmed") % {"number": ticket.number},
        body=_("%(name)s confirmed the service report of ticket %(number)s.")
        % {"name": actor.display_name, "number": ticket.number})
    return report


# --- freezing ------------------------------------------------------------------------------------
def _freeze(report: ServiceReport, actor, moment) -> None:
    report.frozen_at = moment
    _move_stock(report, actor)
    parts = list(report.parts.select_related("part"))
    pdf = report_pdf.render_pdf(report, parts=parts, visits=_visits(report))
    report.pdf = _archive(report, pdf, actor, moment)
    report.save()
    if report.status == ReportStatus.SIGNED:
        _email_both(report, event="service_report.signed", pdf=pdf, subject=_(
            "Signed service report for %(number)s") % {"number": report.ticket.number},
            body=_("The signed customer service report of ticket %(number)s is attached.")
            % {"number": report.ticket.number})
    else:
        _ask_confirmation(report, pdf)


def _visits(report: ServiceReport) -> list[Visit]:
    visits = report.ticket.visits.filter(checked_in_at__isnull=False)
    if report.visit_id:
        visits = visits.filter(pk=report.visit_id)
    return list(visits.order_by("checked_in_at"))


def _move_stock(report: ServiceReport, actor) -> None:
    """The parts of this version leave the store; a correction moves only the difference from
    the version it corrects (more: issued, fewer: returned unused)."""
    now_used = Counter({line.part_id: line.quantity for line in report.parts.all()})
    before = Counter()
    if report.supersedes_id and report.supersedes.is_frozen:
        before = Counter({line.part_id: line.quantity
                          for line in report.supersedes.parts.all()})
    parts = Part.objects.in_bulk(list(set(now_used) | set(before)))
    ticket = report.ticket
    note = _("Service report %(number)s v%(version)d") % {"number": ticket.number,
                                                          "version": report.version}
    for part_id in sorted(parts):
        delta = now_used[part_id] - before[part_id]
        if delta > 0:
            stock_fit_on_site(actor=actor, part=parts[part_id], quantity=delta, ticket=ticket,
                              note=note)
        elif delta < 0:
            stock_unfit_on_site(actor=actor, part=parts[part_id], quantity=-delta,
                                ticket=ticket, note=note)


def pdf_name(report: ServiceReport) -> str:
    return f"service-report-{report.ticket.number}-v{report.version}.pdf"


def _archive(report: ServiceReport, pdf: bytes, actor, moment) -> Attachment:
    """The PDF on the ticket (a tickets.Attachment, like any file on it). Django has no
    on-rollback hook: if the transaction fails after this, the written file stays orphaned
    in the file storage (harmless: no row points to it, nothing serves it)."""
    storage_name = uploads.storage().save(
        f"attachments/{moment:%Y/%m}/service-report-{report.pk}-v{report.version}.pdf",
        ContentFile(pdf))
    return Attachment.objects.create(
        ticket=report.ticket, uploaded_by=actor, original_name=pdf_name(report),
        storage_name=storage_name, content_type="application/pdf", size=len(pdf),
        created_at=moment)


def _report_url(report: ServiceReport) -> str:
    return settings.SITE_URL + reverse("fieldservice:report", args=[report.pk])


def _email_both(report: ServiceReport, *, event: str, subject: str, body: str,
                pdf: bytes | None = None) -> None:
    """To the client (the requester and whoever signed for them) and the engineer."""
    ticket = report.ticket
    recipients = {ticket.requester_id: ticket.requester, report.engineer_id: report.engineer}
    if report.requester_signed_by_id:
        recipients.setdefault(report.requester_signed_by_id, report.requester_signed_by)
    attachments = [(pdf_name(report), pdf, "application/pdf")] if pdf else None
    for person in recipients.values():
        notification_enqueue(
            recipient=person, event=event, subject=subject,
            body=f"{body}\n\n{_report_url(report)}\n",
            dedupe_key=f"{event}:{report.pk}:{person.pk}", url=reverse(
                "fieldservice:report", args=[report.pk]), attachments=attachments)


def _client_contacts(ticket: Ticket) -> list:
    people = {ticket.requester_id: ticket.requester}
    for contact in ticket.contract.client_contacts.filter(is_active=True):
        people.setdefault(contact.pk, contact)
    return list(people.values())


def _ask_confirmation(report: ServiceReport, pdf: bytes) -> None:
    ticket = report.ticket
    url = reverse("fieldservice:report-confirm", args=[report.pk])
    for person in _client_contacts(ticket):
        notification_enqueue(
            recipient=person, event="service_report.confirm",
            subject=_("Please confirm the service report for %(number)s")
            % {"number": ticket.number},
            body=_("Nobody signed the service report of ticket %(number)s on site (%(why)s: "
                   "%(reason)s). Please read and confirm it by %(due)s:")
            % {"number": ticket.number, "why": report.get_no_signature_display(),
               "reason": report.no_signature_reason, "due": report.confirm_due}
            + f"\n{settings.SITE_URL}{url}\n",
            dedupe_key=f"service_report.confirm:{report.pk}:{person.pk}", url=url,
            attachments=[(pdf_name(report), pdf, "application/pdf")])


# --- the overdue sweep ---------------------------------------------------------------------------
def reports_overdue_sweep() -> int:
    """Unsigned reports past their confirmation date: the project manager hears once (and the
    client contacts get a reminder). Exactly once: the row is claimed by a conditional update
    before anything is queued, in the same transaction, and the messages carry dedupe keys."""
    today = local_today()
    count = 0
    due = (ServiceReport.objects.filter(status=ReportStatus.AWAITING_CONFIRMATION,
                                        overdue_notified_at__isnull=True, confirm_due__lt=today)
           .values_list("pk", flat=True).order_by("confirm_due", "pk"))
    for pk in list(due[:500]):
        with transaction.atomic():
            claimed = ServiceReport.objects.filter(
                pk=pk, status=ReportStatus.AWAITING_CONFIRMATION,
                overdue_notified_at__isnull=True).update(overdue_notified_at=now())
            if not claimed:
                continue
            _remind(ServiceReport.objects.select_related(
                "ticket__contract__project_manager", "ticket__requester").get(pk=pk))
            count += 1
    return count


def _remind(report: ServiceReport) -> None:
    ticket = report.ticket
    url = reverse("fieldservice:report", args=[report.pk])
    notification_enqueue(
        recipient=ticket.contract.project_manager, event="service_report.overdue",
        subject=_("Service report for %(number)s not confirmed") % {"number": ticket.number},
        body=_("The client has not confirmed the unsigned service report of ticket %(number)s, "
               "due %(due)s.") % {"number": ticket.number, "due": report.confirm_due}
        + f"\n{settings.SITE_URL}{url}\n",
        dedupe_key=f"service_report.overdue:{report.pk}", url=url)
    confirm_url = reverse("fieldservice:report-confirm", args=[report.pk])
    for person in _client_contacts(ticket):
        notification_enqueue(
            recipient=person, event="service_report.reminder",
            subject=_("Reminder: please confirm the service report for %(number)s")
            % {"number": ticket.number},
            body=_("The service report of ticket %(number)s was due to be confirmed by "
                   "%(due)s.") % {"number": ticket.number, "due": report.confirm_due}
            + f"\n{settings.SITE_URL}{confirm_url}\n",
            dedupe_key=f"service_report.reminder:{report.pk}:{person.pk}", url=confirm_url)


# --- resolving an on-site ticket (tickets.hooks.resolve_allowed) ---------------------------------
def resolve_refusal(*, ticket: Ticket) -> str | None:
    """Why the ticket cannot be resolved yet, or None. Only when the contract requires a signed
    report and the ticket was worked on site."""
    # Read once per contract in a bulk action (core.batch): reference data no row changes.
    required = batch.remember(("report-policy", ticket.contract_id),
                              lambda: policy_for(ticket.contract).signed_report_required)
    if not required:
        return None
    on_site = ticket.needs_on_site or ticket.arrived_at is not None or ticket.visits.exists()
    if not on_site:
        return None
    report = latest_report(ticket)
    if report is not None and report.is_settled:
        return None
    return _("Contract %(code)s requires a customer service report signed by the client (or "
             "confirmed by them) before an on-site ticket is resolved.") % {
        "code": ticket.contract.code}
