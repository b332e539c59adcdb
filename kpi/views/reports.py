"""Service report pages (K3): the archive per contract and kind, generating or regenerating a
report, and downloading its PDF and Excel. Scoped through kpi/selectors/: a contract the user may
not read answers 404."""

from __future__ import annotations

import os
import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.security import Kind, record_security_event
from core.clock import now
from core.paging import page_of, query_without_page
from core.replicas import replica_reads
from kpi.models.reports import ReportKind
from kpi.permissions import may_read_dashboards
from kpi.reports.periods import default_period_value, period_choices
from kpi.selectors.dashboard import dashboard_contracts
from kpi.selectors.reports import reports_visible_to
from kpi.services.reports import generate_report
from sla.permissions import contracts_managed, may_manage_contract, may_manage_some_contract

PERIODIC_KINDS = [ReportKind.MONTHLY_SUMMARY, ReportKind.MONTHLY_REPAIR, ReportKind.QUARTERLY,
                  ReportKind.ANNUAL]


def parse_period(kind: str, text: str) -> date:
    """2026-10 (monthly), 2026Q3 or 2026-Q3 (quarterly), 2026 (annual) → the first day."""
    text = (text or "").strip().upper()
    if kind == ReportKind.ANNUAL:
        match = re.fullmatch(r"(\d{4})", text)
        if match:
            return date(int(match[1]), 1, 1)
    elif kind == ReportKind.QUARTERLY:
        match = re.fullmatch(r"(\d{4})-?Q([1-4])", text)
        if match:
            return date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)
        match = re.fullmatch(r"(\d{4})-(\d{2})", text)
        if match:
            return date(int(match[1]), int(match[2]), 1)
    else:
        match = re.fullmatch(r"(\d{4})-(\d{2})", text)
        if match:
            return date(int(match[1]), int(match[2]), 1)
    raise ValueError(text)


@login_required
@replica_reads
def reports(request):
    user = request.user
    if not may_read_dashboards(user):
        raise PermissionDenied
    contracts = list(dashboard_contracts(user).only("code", "name", "project_manager_id"))
    rows = reports_visible_to(user)
    contract_code = request.GET.get("contract", "")
    kind = request.GET.get("kind", "")
    if contract_code:
        rows = rows.filter(contract__code=contract_code)
    if kind in ReportKind.values:
        rows = rows.filter(kind=kind)
    page = page_of(rows.order_by("-period_start", "contract__code", "kind", "-pk"),
                   request.GET.get("page"))
    generatable = contracts_managed(user, contracts)
    today = now().date()
    return render(request, "kpi/reports/list.html", {
        "period_choices": period_choices(today), "default_period": default_period_value(today),
        "page": page, "contracts": contracts, "contract_code": contract_code, "kind": kind,
        "kinds": ReportKind.choices, "periodic_kinds": [(k.value, k.label)
                                                        for k in PERIODIC_KINDS],
        "generatable": generatable, "query": query_without_page(request),
    })


@login_required
@require_POST
def generate(request):
    user = request.user
    if not may_read_dashboards(user) or not may_manage_some_contract(user):
        raise PermissionDenied
    contract = dashboard_contracts(user).filter(code=request.POST.get("contract", "")).first()
    if contract is None:
        raise Http404
    if not may_manage_contract(user, contract):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    back = reverse("kpi:reports") + f"?contract={contract.code}"
    if kind not in [k.value for k in PERIODIC_KINDS]:
        messages.error(request, _("Choose the kind of report."))
        return redirect(back)
    try:
        start = parse_period(kind, request.POST.get("period", ""))
    except ValueError:
        messages.error(request, _("Enter the period as 2026-10 (month), 2026Q3 (quarter) or "
                                  "2026 (year)."))
        return redirect(back)
    if start > contract.ends_on or start.year < contract.starts_on.year - 1:
        messages.error(request, _("The contract is not in force in that period."))
        return redirect(back)
    report = generate_report(contract, kind, start, actor=user)
    messages.success(request, _("Generated %(kind)s, version %(version)s.") % {
        "kind": report.get_kind_display(), "version": report.version})
    return redirect(back + f"&kind={kind}")


def _download(request, pk: int, field: str):
    user = request.user
    if not may_read_dashboards(user):
        raise PermissionDenied
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None or not getattr(report, field):
        raise Http404
    stored = getattr(report, field)
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    name = os.path.basename(stored.name)
    record_security_event(Kind.EXPORT, request=request, target=f"service report {name}")
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
def download_pdf(request, pk: int):
    return _download(request, pk, "pdf")


@login_required
def download_xlsx(request, pk: int):
    return _download(request, pk, "xlsx")
