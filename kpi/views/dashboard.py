"""The manager dashboard, its drill-down lists, the contract targets page and "refresh now"
(thin views over kpi/dashboard.py, kpi/drilldown.py and kpi/forms/dashboard.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.paging import page_of, query_without_page
from core.periods import quarters_covering, today
from core.replicas import replica_reads
from kpi import dashboard as board
from kpi import drilldown, figures
from kpi.forms.dashboard import KpiTargetsForm, SurveyTargetsForm
from kpi.permissions import may_read_dashboards, may_refresh
from kpi.selectors import dashboard as selectors
from kpi.services.rollup import refresh as rollup_refresh
from kpi.services.rollup import refresh_backlog
from kpi.services.targets import targets_save
from sla.models import Contract
from sla.permissions import may_manage_contract
from surveys.models import SurveyPolicy
from surveys.permissions import reads_register

# On demand, daily backlog snapshots are retaken for periods up to a quarter; longer periods
# keep the stored ones (the beat job takes them every day) and retake the last day only.
BACKLOG_REFRESH_DAYS = 92


def _reader(request) -> None:
    if not may_read_dashboards(request.user):
        raise PermissionDenied


def _nav(params) -> dict:
    base = reverse("kpi:dashboard")
    return {"previous": f"{base}?{params.with_period(params.period.shifted(-1))}",
            "next": f"{base}?{params.with_period(params.period.shifted(1))}"}


@login_required
@replica_reads
def dashboard(request):
    _reader(request)
    params = board.resolve_params(request.user, request.GET)
    context = board.build(params)
    contracts = list(selectors.dashboard_contracts(request.user).values_list("code", "name"))
    return render(request, "kpi/dashboard/dashboard.html", {
        **context, "params": params, "form": params.form, "contracts": contracts,
        "nav": _nav(params), "query": params.query(),
        "may_refresh": may_refresh(request.user),
        "may_edit_targets": may_manage_contract(request.user, params.contract),
    })


@login_required
@replica_reads
def drill(request):
    _reader(request)
    params = board.resolve_params(request.user, request.GET)
    measure = request.GET.get("measure", "")
    if measure not in drilldown.MEASURES:
        raise Http404
    scope = board.scope_of(params)
    complaints = measure in drilldown.COMPLAINT_MEASURES
    asset_type_id = None
    if measure == "asset_faults" and request.GET.get("asset_type"):
        try:
            asset_type_id = int(request.GET["asset_type"])
        except ValueError:
            raise Http404 from None
    if complaints:
        rows = drilldown.complaints(params, scope, measure)
    else:
        rows = drilldown.tickets(request.user, params, scope, measure,
                                 asset_type_id=asset_type_id)
    page = page_of(rows, request.GET.get("page"))
    start, end = params.period.start, params.period.end
    if complaints:  # counted against quarterly limits
        start, end = quarters_covering(start, end)
    return render(request, "kpi/dashboard/drilldown.html", {
        "params": params, "form": params.form, "measure": measure,
        "heading": drilldown.LABELS[measure], "total": rows.count(), "page": page,
        "query": query_without_page(request), "complaints": complaints,
        "complaint_links": reads_register(request.user),
        "back": f"{reverse('kpi:dashboard')}?{params.query()}", "start": start, "end": end,
    })


def _contract_or_404(user, code: str) -> Contract:
    try:
        return selectors.dashboard_contract(user, code)
    except Contract.DoesNotExist:
        raise Http404 from None


@login_required
def targets(request, code: str):
    _reader(request)
    contract = _contract_or_404(request.user, code)
    if not may_manage_contract(request.user, contract):
        raise PermissionDenied
    kpi_targets = figures.targets_of(contract)
    policy = SurveyPolicy.for_contract(contract)
    data = request.POST if request.method == "POST" else None
    kpi_form = KpiTargetsForm(data, instance=kpi_targets, prefix="kpi")
    policy_form = SurveyTargetsForm(data, instance=policy, prefix="survey")
    if request.method == "POST" and kpi_form.is_valid() and policy_form.is_valid():
        targets_save(kpi_targets=kpi_form.save(commit=False),
                     policy=policy_form.save(commit=False))
        messages.success(request, _("Targets saved."))
        return redirect("kpi:targets", code=contract.code)
    history = sorted([*_changes(kpi_targets), *_changes(policy)],
                     key=lambda h: h["record"].history_date, reverse=True)[:10]
    return render(request, "kpi/dashboard/targets.html", {
        "contract": contract, "kpi_form": kpi_form, "policy_form": policy_form,
        "history": history,
        "back": f"{reverse('kpi:dashboard')}?contract={contract.code}",
    })


def _changes(instance, limit: int = 11) -> list[dict]:
    """The last saves of a targets record, each with the fields it changed (who, when)."""
    if not instance.pk:
        return []
    records = list(instance.history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[:limit])
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        changes = ([{"field": type(instance)._meta.get_field(c.field).verbose_name,
                     "old": c.old, "new": c.new}
                    for c in newer.diff_against(older).changes] if older else [])
        rows.append({"record": newer, "changes": changes})
    return rows


@login_required
@require_POST
def refresh(request):
    _reader(request)
    if not may_refresh(request.user):
        raise PermissionDenied
    params = board.resolve_params(request.user, request.POST)
    period, ids = params.period, [params.contract.pk]
    whole_backlog = period.days <= BACKLOG_REFRESH_DAYS
    rollup_refresh(period.start, period.end, contract_ids=ids, backlog=whole_backlog)
    current = today()
    if not whole_backlog:
        last = min(period.end, current)
        refresh_backlog(last, last, ids)
    if period.end < current:
        refresh_backlog(current, current, ids)
    messages.success(request, _("Figures refreshed for %(start)s – %(end)s.") % {
        "start": period.start.isoformat(), "end": period.end.isoformat()})
    return redirect(f"{reverse('kpi:dashboard')}?{params.query()}")

