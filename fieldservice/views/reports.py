"""Service report pages: the form at the end of a visit, the report with its versions, the
signing screen (a canvas; static/js/signature.js posts the PNG), the client's confirmation
page and the PDF. Thin adapters: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets.models import Part
from core import uploads
from core.errors import ActionRefused, PermissionRefused
from core.forms import add_service_error
from fieldservice.forms.reports import NoSignatureForm, PartLineFormSet, ReportForm
from fieldservice.models import ReportStatus, ServiceReport
from fieldservice.selectors import reports as sel
from fieldservice.services import reports as svc
from tickets.models import Ticket
from tickets.selectors import ticket_get


def _report_or_404(user, pk: int) -> ServiceReport:
    try:
        return sel.report_get(user=user, pk=pk)
    except ServiceReport.DoesNotExist:
        raise Http404 from None


def _ticket_or_404(user, number: str) -> Ticket:
    try:
        return ticket_get(user=user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None


@login_required
def report_form(request, number: str):
    """Write (or correct) the ticket's report at the end of the visit; phone first."""
    ticket = _ticket_or_404(request.user, number)
    if not svc.may_write_report(request.user, ticket):
        raise PermissionDenied
    parts = Part.objects.filter(contract_id=ticket.contract_id, active=True).order_by("code")
    latest = svc.latest_report(ticket)
    if request.method == "POST":
        form = ReportForm(request.POST)
        lines = PartLineFormSet(request.POST, prefix="parts", form_kwargs={"parts": parts})
        if form.is_valid() and lines.is_valid():
            chosen = [{"part": row["part"].pk, "quantity": row["quantity"]}
                      for row in lines.cleaned_data if row.get("part")]
            try:
                report, _created = svc.report_save(actor=request.user, ticket=ticket,
                                                   data=form.cleaned_data, parts=chosen)
            except PermissionRefused:
                raise PermissionDenied from None
            except ActionRefused as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Service report saved: now both sign it."))
                return redirect("fieldservice:report", report.pk)
        status = 400
    else:
        initial = {}
        rows = []
        if latest is not None:
            initial = {name: getattr(latest, name) for name in svc.TEXT_FIELDS}
            rows = [{"part": line.part_id, "quantity": line.quantity}
                    for line in latest.parts.all()]
        form = ReportForm(initial=initial)
        lines = PartLineFormSet(prefix="parts", initial=rows, form_kwargs={"parts": parts})
        status = 200
    return render(request, "fieldservice/reports/form.html", {
        "ticket": ticket, "form": form, "lines": lines, "latest": latest,
        "correcting": latest is not None and not svc.is_editable(latest),
    }, status=status)


@login_required
def report_detail(request, pk: int):
    report = _report_or_404(request.user, pk)
    user = request.user
    current = not ServiceReport.objects.filter(supersedes=report).exists()
    is_engineer = user.pk == report.engineer_id
    open_for_signing = current and not report.is_frozen
    return render(request, "fieldservice/reports/detail.html", {
        "report": report, "ticket": report.ticket, "versions": sel.versions_of(report),
        "current": current,
        "may_sign_engineer": open_for_signing and is_engineer
        and report.engineer_signed_at is None,
        "may_sign_requester": open_for_signing and report.requester_signed_at is None
        and not report.no_signature and (is_engineer or svc.is_client_signer(user,
                                                                               report.ticket)),
        "may_record_no_signature": open_for_signing and is_engineer
        and report.engineer_signed_at is not None and report.requester_signed_at is None,
        "may_correct": current and not svc.is_editable(report)
        and svc.may_write_report(user, report.ticket),
        "may_edit": current and is_engineer and svc.is_editable(report),
        "may_confirm": report.status == ReportStatus.AWAITING_CONFIRMATION and current
        and svc.is_client_signer(user, report.ticket),
        "no_signature_form": NoSignatureForm(),
    })


@login_required
def report_sign(request, pk: int, role: str):
    """GET: the signing screen. POST (from static/js/signature.js): the drawn PNG; answers
    JSON, the next page's address or the refusal's message."""
    report = _report_or_404(request.user, pk)
    if role not in svc.ROLES:
        raise Http404
    if request.method == "POST":
        try:
            svc.report_sign(actor=request.user, report=report, role=role,
                            signature=request.FILES.get("signature"),
                            signer_name=request.POST.get("signer_name", ""))
        except ActionRefused as exc:
            return JsonResponse({"detail": exc.message, "errors": exc.errors},
                                status=exc.status_code)
        messages.success(request, _("Signature saved."))
        return JsonResponse({"redirect": reverse("fieldservice:report", args=[report.pk])})
    allowed = (request.user.pk == report.engineer_id if role == "engineer"
               else request.user.pk == report.engineer_id
               or svc.is_client_signer(request.user, report.ticket))
    if not allowed:
        raise PermissionDenied
    if report.is_frozen or getattr(report, f"{role}_signed_at") is not None:
        # Signed already (a second tab, the back button): the report says so.
        messages.info(request, _("This report already has that signature."))
        return redirect("fieldservice:report", report.pk)
    return render(request, "fieldservice/reports/sign.html", {
        "report": report, "ticket": report.ticket, "role": role,
        "in_person": role == "requester" and request.user.pk == report.engineer_id,
    })


@login_required
@require_POST
def report_no_signature(request, pk: int):
    report = _report_or_404(request.user, pk)
    form = NoSignatureForm(request.POST)
    if form.is_valid():
        try:
            svc.report_without_signature(actor=request.user, report=report,
                                         kind=form.cleaned_data["kind"],
                                         reason=form.cleaned_data["reason"])
        except PermissionRefused:
            raise PermissionDenied from None
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The report was sent to the client to confirm."))
    else:
        messages.error(request, _("Say why the client did not sign."))
    return redirect("fieldservice:report", report.pk)


@login_required
def report_confirm(request, pk: int):
    """The client contact's page: the report and a confirm button."""
    report = _report_or_404(request.user, pk)
    if not svc.is_client_signer(request.user, report.ticket):
        raise PermissionDenied
    if request.method == "POST":
        try:
            svc.report_confirm(actor=request.user, report=report)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you: the service report is confirmed."))
        return redirect("fieldservice:report-confirm", report.pk)
    return render(request, "fieldservice/reports/confirm.html", {
        "report": report, "ticket": report.ticket,
        "may_confirm": report.status == ReportStatus.AWAITING_CONFIRMATION,
    })


@login_required
def report_pdf(request, pk: int):
    report = _report_or_404(request.user, pk)
    if report.pdf is None:
        raise Http404
    return uploads.inline_response(report.pdf)
