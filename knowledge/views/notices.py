"""Maintenance notice pages: the list, the calendar of upcoming windows per contract,
publishing (by hand or from an approved change), a notice's page, editing and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionRefused
from core.forms import add_service_error
from core.paging import page_of, query_without_page
from knowledge.forms.notices import NoticeForm
from knowledge.models import Change, Notice
from knowledge.selectors.changes import change_get
from knowledge.selectors.notices import notice_get, notice_list, upcoming_windows
from knowledge.services import notices as services
from knowledge.services._common import publishes_some
from knowledge.views._common import act
from sla.selectors import contracts_visible_to
from tickets.selectors import tickets_visible_to


@login_required
def notices(request):
    user = request.user
    contract = request.GET.get("contract", "")
    past = request.GET.get("past") == "1"
    page = page_of(notice_list(user=user, contract=contract, past=past), request.GET.get("page"))
    return render(request, "knowledge/notices/list.html", {
        "page": page, "contract": contract, "past": past, "query": query_without_page(request),
        "contracts": contracts_visible_to(user).order_by("code").only("code"),
        "may_publish": publishes_some(user),
    })


@login_required
def calendar(request):
    contract = request.GET.get("contract", "")
    return render(request, "knowledge/notices/calendar.html", {
        "days": upcoming_windows(user=request.user, contract=contract), "contract": contract,
        "contracts": contracts_visible_to(request.user).order_by("code").only("code"),
    })


def _change_initial(user, number: str) -> dict:
    try:
        change = change_get(user=user, number=number)
    except Change.DoesNotExist:
        raise Http404 from None
    return {**services.notice_from_change(change), "contract": change.contract.code}


@login_required
def new(request):
    user = request.user
    if not publishes_some(user):
        raise PermissionDenied
    initial = _change_initial(user, request.GET["change"]) if request.GET.get("change") else {}
    form = NoticeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        change_pk = data.pop("change")
        change = None
        if change_pk:
            change = Change.objects.filter(pk=change_pk, contract=data["contract"]).first()
        try:
            notice = services.notice_publish(actor=user, change=change, **data)
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Notice published."))
            return redirect("knowledge:notice_detail", pk=notice.pk)
    return render(request, "knowledge/notices/form.html", {"form": form, "notice": None})


def _notice_or_404(user, pk: int) -> Notice:
    try:
        return notice_get(user=user, pk=pk)
    except Notice.DoesNotExist:
        raise Http404 from None


@login_required
def detail(request, pk: int):
    notice = _notice_or_404(request.user, pk)
    return render(request, "knowledge/notices/detail.html", {
        "notice": notice,
        "manages": services.may_publish(request.user, notice.contract),
        # The tagged tickets the person may see (an end user: their own).
        "tickets": list(tickets_visible_to(request.user).filter(notices=notice)
                        .order_by("created_at")[:100]),
    })


@login_required
def edit(request, pk: int):
    user = request.user
    notice = _notice_or_404(user, pk)
    if not services.may_publish(user, notice.contract):
        raise PermissionDenied
    initial = {"title": notice.title, "body": notice.body, "starts_at": notice.starts_at,
               "ends_at": notice.ends_at, "sites": list(notice.sites.all()),
               "service_type": notice.service_type, "contact": notice.contact,
               "emergency_reason": notice.emergency_reason}
    form = NoticeForm(request.POST or None, user=user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sites = data.pop("sites")
        try:
            services.notice_update(actor=user, notice=notice, sites=sites, **data)
        except ActionRefused as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Notice updated; those already told were told again."))
            return redirect("knowledge:notice_detail", pk=notice.pk)
    return render(request, "knowledge/notices/form.html", {"form": form, "notice": notice})


@login_required
@require_POST
def cancel(request, pk: int):
    notice = _notice_or_404(request.user, pk)
    return act(request, ("knowledge:notice_detail", pk), None, services.notice_cancel,
               notice=notice)
