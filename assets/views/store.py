"""Spare-part store pages: thin adapters that parse input, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assets.forms import store as forms
from assets.models import Loan, Part, StockMovement
from assets.permissions import may_manage_store, may_read_store
from assets.selectors import store as sel
from assets.services import store as svc
from core.errors import ActionRefused, PermissionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page

PART_FORMS = {
    "receive": forms.ReceiveForm, "issue": forms.IssueForm, "return": forms.ReturnForm,
    "transfer": forms.TransferForm, "write_off": forms.WriteOffForm, "count": forms.CountForm,
}


def _reader(request) -> None:
    if not may_read_store(request.user):
        raise PermissionDenied


def _manager(request) -> None:
    if not may_manage_store(request.user):
        raise PermissionDenied


def _part_or_404(user, pk: int) -> Part:
    try:
        return sel.part_get(user=user, pk=pk)
    except Part.DoesNotExist:
        raise Http404 from None


@login_required
def store(request):
    """Parts per contract with stock per store, total, minimum; search by code, name, model."""
    _reader(request)
    query = request.GET.get("q", "").strip()[:100]
    contract_code = request.GET.get("contract", "").strip()
    parts = sel.parts_search(sel.parts_visible_to(request.user), query)
    if contract_code:
        parts = parts.filter(contract__code=contract_code)
    if request.GET.get("below") == "1":
        parts = parts.filter(below_minimum=True)
    page = page_of(parts.select_related("contract").order_by("contract__code", "code"),
                   request.GET.get("page"), per_page=100)
    sel.with_stock(page.object_list)
    return render(request, "assets/store/list.html", {
        "page": page, "query": query_without_page(request), "q": query,
        "contract_code": contract_code,
        "below": request.GET.get("below") == "1",
        "contracts": sel.store_contracts(request.user).order_by("code"),
        "may_manage": may_manage_store(request.user),
    })


def _part_page(request, part: Part, bound: dict | None = None):
    """The part page; `bound` carries a submitted form with its errors back into the page."""
    manage = may_manage_store(request.user)
    page = page_of(sel.part_ledger(part), request.GET.get("page"), per_page=50)
    context = {"part": part, "page": page, "may_manage": manage,
               "restock": part.restock_requests.filter(status="open").first()}
    if manage:
        bound = bound or {}
        context["forms"] = {name: bound.get(name) or cls(part=part, user=request.user)
                            for name, cls in PART_FORMS.items()}
        context["bad_part_form"] = forms.BadPartForm(auto_id="id_bad_%s")
        context["open_form"] = next(iter(bound), "")
    return render(request, "assets/store/part.html", context)


@login_required
def part(request, pk: int):
    part = _part_or_404(request.user, pk)
    return _part_page(request, part)


SERVICE_FIELDS = {
    "receive": (svc.stock_receive, ["location", "quantity", "note"]),
    "issue": (svc.stock_issue, ["location", "quantity", "ticket", "asset", "note"]),
    "return": (svc.stock_return_unused, ["location", "quantity", "ticket", "note"]),
    "transfer": (svc.stock_transfer, ["source", "target", "quantity", "note"]),
    "write_off": (svc.stock_write_off, ["location", "quantity", "note"]),
    "count": (svc.stock_count_correction, ["location", "counted", "note"]),
}
SUCCESS = {
    "receive": gettext_lazy("Stock received."), "issue": gettext_lazy("Issued to the ticket."),
    "return": gettext_lazy("Returned to the store."),
    "transfer": gettext_lazy("Stock transferred."),
    "write_off": gettext_lazy("Stock written off."),
    "count": gettext_lazy("Stock-take correction recorded."),
}


@login_required
@require_POST
def part_action(request, pk: int, action: str):
    """One POST URL per store action (/store/parts/<pk>/receive/, …/issue/, …)."""
    part = _part_or_404(request.user, pk)
    _manager(request)
    form = PART_FORMS[action](request.POST, part=part, user=request.user)
    if form.is_valid():
        service, fields = SERVICE_FIELDS[action]
        try:
            result = service(actor=request.user, part=part,
                             **{f: form.cleaned_data[f] for f in fields})
        except PermissionRefused:
            raise PermissionDenied from None
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            if action == "count" and result is None:
                messages.info(request, _("The count matches the stock: nothing recorded."))
            else:
                messages.success(request, SUCCESS[action])
            return redirect("assets:part", part.pk)
    # Errors: the page again with the form as typed, kept open (nothing was written).
    return _part_page(request, part, bound={action: form})


@login_required
@require_POST
def bad_part(request, pk: int):
    """Record where the bad part of an issue went (on an issue row of the ledger)."""
    try:
        movement = sel.movement_get(user=request.user, pk=pk)
    except StockMovement.DoesNotExist:
        raise Http404 from None
    _manager(request)
    form = forms.BadPartForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("assets:part", movement.part_id)
    try:
        svc.bad_part_record(actor=request.user, issue=movement, **form.cleaned_data)
    except PermissionRefused:
        raise PermissionDenied from None
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Bad part recorded."))
    return redirect("assets:part", movement.part_id)


@login_required
def restock(request):
    _reader(request)
    page = page_of(sel.restock_open(request.user), request.GET.get("page"), per_page=100)
    return render(request, "assets/store/restock.html", {"page": page})


def _loans_page(request, lend_form=None):
    manage = may_manage_store(request.user)
    page = page_of(sel.loans_open(request.user), request.GET.get("page"), per_page=100)
    if manage and lend_form is None:
        lend_form = forms.LendForm(user=request.user, spares=sel.spare_devices(request.user))
    return render(request, "assets/store/loans.html", {
        "page": page, "may_manage": manage, "lend_form": lend_form if manage else None,
    })


@login_required
def loans(request):
    _reader(request)
    return _loans_page(request)


@login_required
@require_POST
def lend(request):
    _manager(request)
    form = forms.LendForm(request.POST, user=request.user,
                          spares=sel.spare_devices(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            loan = svc.loan_lend(actor=request.user, asset=data["asset"], ticket=data["ticket"],
                                 borrower=data["borrower"], due_back=data["due_back"],
                                 note=data["note"])
        except PermissionRefused:
            raise PermissionDenied from None
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(asset)s lent to %(name)s.") % {
                "asset": loan.asset.tag or loan.asset.name,
                "name": loan.borrower.display_name})
            return redirect("assets:loans")
    return _loans_page(request, lend_form=form)


@login_required
@require_POST
def loan_return(request, pk: int):
    try:
        loan = sel.loans_visible_to(request.user).get(pk=pk)
    except Loan.DoesNotExist:
        raise Http404 from None
    _manager(request)
    try:
        svc.loan_return(actor=request.user, loan=loan, note=request.POST.get("note", ""))
    except PermissionRefused:
        raise PermissionDenied from None
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Device returned."))
    # The ticket page's return button comes back to the ticket; never an arbitrary URL.
    if request.POST.get("next") == "ticket":
        return redirect("tickets:detail", loan.ticket.number)
    return redirect("assets:loans")
