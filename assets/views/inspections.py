"""Inspection pages (巡检): today's rounds, a round, recording one asset, plans, the report.
Thin adapters over assets/services/inspections.py, assets/selectors/inspections.py and
assets/inspection_report.py."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from accounts.security import Kind, record_security_event
from assets.filters import RoundFilterSet
from assets.forms.inspections import PlanForm, RecordForm, ReportForm
from assets.inspection_report import inspection_report, report_xlsx
from assets.models import (
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionRound,
)
from assets.permissions import may_read_report, may_see_inspections, may_see_plans
from assets.selectors.inspections import (
    HOLIDAY_LABELS,
    PENDING,
    period_of,
    photo_get,
    plans_visible_to,
    record_get,
    round_get,
    round_list,
    rounds_due_for,
)
from assets.services.inspections import (
    InspectionInputError,
    inspection_plan_create,
    inspection_plan_update,
    inspection_record_complete,
)
from core import uploads as files
from core.errors import ActionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page
from core.periods import today as local_today
from sla.models import Contract
from sla.selectors import contracts_visible_to

VIEWS = ("mine", "all")


@login_required
def inspections(request):
    """Engineers: the open rounds due for them, overdue and today first. Desk, PM and managers:
    every round of their contracts, with filters."""
    user = request.user
    if not may_see_inspections(user):
        raise PermissionDenied
    default_view = ("mine" if can(user, Capability.INSPECT)
                    and not can(user, Capability.PLAN_INSPECTIONS) else "all")
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else default_view
    filterset = RoundFilterSet(request.GET or None, request=request,
                               queryset=round_list(user=user, status=request.GET.get("status")))
    # A bad value (a malformed date) is ignored on the page: the valid filters still apply.
    rounds = rounds_due_for(user=user) if view == "mine" else filterset.qs
    page = page_of(rounds, request.GET.get("page"), per_page=50)
    return render(request, "assets/inspections/today.html", {
        "page": page, "view": view, "form": filterset.form, "today": local_today(),
        "contracts": contracts_visible_to(user).order_by("code"),
        "may_inspect": can(user, Capability.INSPECT), "may_plan": may_see_plans(user),
        "may_report": may_read_report(user), "holiday_labels": HOLIDAY_LABELS,
        "query": query_without_page(request),
    })


@login_required
def round_detail(request, pk: int):
    try:
        round_ = round_get(user=request.user, pk=pk)
    except InspectionRound.DoesNotExist:
        raise Http404 from None
    records = (round_.records.select_related("asset", "asset__asset_type", "asset__site",
                                             "inspected_by", "ticket")
               .order_by("asset__tag", "pk"))
    show = request.GET.get("show", "")
    if show == "pending":
        records = records.filter(outcome=PENDING)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        records = records.filter(Q(asset__tag__icontains=query) | Q(asset__name__icontains=query)
                                 | Q(asset__serial=query))
    page = page_of(records, request.GET.get("page"), per_page=100)
    return render(request, "assets/inspections/round.html", {
        "round": round_, "page": page, "show": show, "q": query, "today": local_today(),
        "may_inspect": can(request.user, Capability.INSPECT),
        "holiday_labels": HOLIDAY_LABELS, "query": query_without_page(request),
    })


def _record_or_404(user, pk: int) -> InspectionRecord:
    try:
        return record_get(user=user, pk=pk)
    except InspectionRecord.DoesNotExist:
        raise Http404 from None


@login_required
def record(request, pk: int):
    """The checklist of one asset (phone-first); after completion, what was found."""
    user = request.user
    record = _record_or_404(user, pk)
    round_ = record.round
    items = list(round_.plan.template.items.all())
    pending = record.outcome == PENDING
    may_inspect = can(user, Capability.INSPECT)
    form = None
    if request.method == "POST":
        if not may_inspect:
            raise PermissionDenied
        if not pending:
            messages.error(request, _("This inspection is already recorded; it cannot be "
                                      "submitted again."))
            return redirect("assets:record", record.pk)
        form = RecordForm(request.POST, request.FILES, items=items)
        if form.is_valid():
            try:
                done = inspection_record_complete(
                    actor=user, record=record, results=form.results(),
                    notes=form.cleaned_data["notes"], photos=form.cleaned_data["photos"])
            except InspectionInputError as exc:
                form.add_item_errors(exc.errors)
                if not exc.errors:
                    form.add_error(None, exc.message)
            except ActionRefused as exc:
                add_service_error(form, exc, {"uploads": "photos"})
            else:
                if done.ticket_id:
                    messages.warning(request, _("Recorded. Ticket %(number)s was opened for the "
                                                "failed items.") % {"number": done.ticket.number})
                else:
                    messages.success(request, _("Recorded: all items passed."))
                return redirect("assets:record", record.pk)
    elif pending and may_inspect:
        form = RecordForm(items=items)
    next_record = None
    if not pending or form is None:
        next_record = (InspectionRecord.objects.filter(round=round_, outcome=PENDING)
                       .exclude(pk=record.pk).order_by("asset__tag", "pk")
                       .values_list("pk", flat=True).first())
    return render(request, "assets/inspections/record.html", {
        "record": record, "round": round_, "form": form, "items": items,
        "results": list(record.results.select_related("item")) if not pending else [],
        "photos": list(record.photos.all()), "next_record": next_record,
        "holiday_labels": HOLIDAY_LABELS, "today": local_today(),
    })


@login_required
def photo(request, pk: int):
    """Photos are only served here, after the same scope check as the record."""
    try:
        found = photo_get(user=request.user, pk=pk)
    except InspectionPhoto.DoesNotExist:
        raise Http404 from None
    return files.download_response(found)


@login_required
def plans(request):
    user = request.user
    if not may_see_plans(user):
        raise PermissionDenied
    contract = request.GET.get("contract", "").strip()[:32]
    found = plans_visible_to(user)
    if contract:
        found = found.filter(contract__code=contract)
    found = (found.select_related("contract", "template", "assignee", "asset_type", "site")
             .order_by("contract__code", "name", "pk"))
    page = page_of(found, request.GET.get("page"), per_page=50)
    return render(request, "assets/inspections/plans.html", {
        "page": page, "contract": contract,
        "contracts": contracts_visible_to(user).order_by("code"),
        "may_edit": can(user, Capability.PLAN_INSPECTIONS),
        "query": query_without_page(request),
    })


@login_required
def plan_new(request):
    if not can(request.user, Capability.PLAN_INSPECTIONS):
        raise PermissionDenied
    return _plan_form(request, None)


@login_required
def plan_edit(request, pk: int):
    user = request.user
    if not can(user, Capability.PLAN_INSPECTIONS):
        raise PermissionDenied
    try:
        plan = plans_visible_to(user).select_related("contract").get(pk=pk)
    except InspectionPlan.DoesNotExist:
        raise Http404 from None
    return _plan_form(request, plan)


def _plan_form(request, plan: InspectionPlan | None):
    """The plan form of both pages: a new plan (``plan`` None) or a change to one."""
    user = request.user
    form = PlanForm(request.POST or None, user=user, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            if plan is None:
                saved = inspection_plan_create(actor=user, contract=form.cleaned_data["contract"],
                                               assets=form.cleaned_data["assets"],
                                               **form.plan_fields())
            else:
                saved = inspection_plan_update(actor=user, plan=plan,
                                               assets=form.cleaned_data["assets"],
                                               **form.plan_fields())
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Plan %(name)s saved.") % {"name": saved.name})
            return redirect(f"{_plans_url()}?contract={saved.contract.code}")
    return render(request, "assets/inspections/plan_form.html", {"form": form, "plan": plan})


def _plans_url() -> str:
    return reverse("assets:plans")


@login_required
def report(request):
    """The report of one contract for a period: HTML, or Excel with format=xlsx."""
    user = request.user
    if not may_read_report(user):
        raise PermissionDenied
    form = ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    contracts = contracts_visible_to(user).order_by("code")
    code = (form.data.get("contract") or "").strip() if form.is_bound else ""
    try:
        contract = contracts.get(code=code) if code else contracts.first()
    except Contract.DoesNotExist:
        raise Http404 from None
    today = local_today()
    date_from = data.get("date_from") or date(today.year, today.month, 1)
    date_to = data.get("date_to") or _month_end(date_from)
    if form.is_bound and form.errors:
        date_from, date_to = date(today.year, today.month, 1), _month_end(today)
    found = (inspection_report(contract=contract, date_from=date_from, date_to=date_to)
             if contract is not None else None)
    if found is not None and data.get("format") == "xlsx" and not form.errors:
        response = HttpResponse(
            report_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = f"inspections-{contract.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        record_security_event(Kind.EXPORT, request=request, target=f"inspection report {name}")
        return response
    return render(request, "assets/inspections/report.html", {
        "form": form, "report": found, "contract": contract, "contracts": contracts,
        "date_from": date_from, "date_to": date_to, "holiday_labels": HOLIDAY_LABELS,
        "may_see_rounds": may_see_inspections(user),
    })


def _month_end(day: date) -> date:
    return period_of("monthly", day)[1]
