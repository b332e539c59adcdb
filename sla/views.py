import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import Capability, can
from core.clock import now
from sla.forms import HolidayNoticeForm, PreviewForm
from sla.holiday_notice import NoticeError, month_grids, parse_notice
from sla.holidays import holiday_year_to_enter
from sla.models import Contract
from sla.permissions import may_read_levels
from sla.preview import deadline_preview
from sla.selectors import clock_states, holiday_year_stored, sla_board
from sla.selectors import contract_detail as select_contract_detail
from sla.selectors import contract_list as select_contract_list
from sla.services import holiday_year_enter

WEEKDAY_HEADS = [pgettext_lazy("weekday, short", "Mo"), pgettext_lazy("weekday, short", "Tu"),
                 pgettext_lazy("weekday, short", "We"), pgettext_lazy("weekday, short", "Th"),
                 pgettext_lazy("weekday, short", "Fr"), pgettext_lazy("weekday, short", "Sa"),
                 pgettext_lazy("weekday, short", "Su")]


@login_required
def contract_list(request):
    return render(request, "sla/contract_list.html",
                  {"contracts": select_contract_list(user=request.user)})


@login_required
def contract_detail(request, code: str):
    try:
        contract = select_contract_detail(user=request.user, code=code)
    except Contract.DoesNotExist:
        raise Http404 from None
    return render(request, "sla/contract_detail.html", {"contract": contract})


@login_required
def board(request):
    """Breach and at-risk board per contract, for managers (and the desk)."""
    if not may_read_levels(request.user):
        raise PermissionDenied
    moment = now()
    data = sla_board(user=request.user, at=moment)
    # The page polls itself (htmx, LIVE_POLL_SECONDS): then only the live part is sent.
    template = "sla/board.html#live" if request.htmx else "sla/board.html"
    return render(request, template, {
        **data, "now": moment,
        "breached_rows": zip(data["breached"], clock_states(data["breached"], at=moment),
                             strict=True),
        "at_risk_rows": zip(data["at_risk"], clock_states(data["at_risk"], at=moment),
                            strict=True),
    })


@login_required
def preview(request):
    """"A P2 hardware fault filed now would be due at …": the targets and calendars at work."""
    if not may_read_levels(request.user):
        raise PermissionDenied
    form = PreviewForm(request.GET or None, user=request.user)
    result = None
    if form.is_valid():
        result = deadline_preview(**form.cleaned_data)
    return render(request, "sla/preview.html", {"form": form, "result": result})


def _administrator(request) -> None:
    if not can(request.user, Capability.ADMINISTER):
        raise PermissionDenied


@login_required
def holidays_enter(request):
    """Enter a year's holidays in one paste: GET shows what the tables hold for a year, POST
    previews the pasted notice month by month; Save posts to ``holidays_save``."""
    _administrator(request)
    if request.method == "POST":
        return _holidays_page(request, HolidayNoticeForm(request.POST))
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2199 else holiday_year_to_enter(
        now().date())
    return _holidays_page(request, HolidayNoticeForm(initial={"year": year}), year=year)


@require_POST
@login_required
def holidays_save(request):
    """Save exactly the text previewed (read again); on an error the page comes back with the
    text as typed."""
    _administrator(request)
    form = HolidayNoticeForm(request.POST)
    if not form.is_valid():
        return _holidays_page(request, form)
    year = form.cleaned_data["year"]
    if request.POST.get("previewed") != _digest(form):
        # Save stores what was reviewed: text changed after the preview is previewed first.
        return _holidays_page(request, form, changed=True)
    try:
        entered = holiday_year_enter(year=year, text=form.cleaned_data["text"],
                                     actor=request.user)
    except NoticeError:
        return _holidays_page(request, form)  # the preview shows the error
    messages.success(request, _(
        "%(year)s entered: %(closed)d days off and %(makeup)d make-up working days.")
        % {"year": year, "closed": entered.closed, "makeup": entered.makeup} + " " + ngettext(
        "%(n)d provisional deadline recomputed.", "%(n)d provisional deadlines recomputed.",
        entered.recomputed) % {"n": entered.recomputed})
    return redirect(f"{reverse('sla:holidays_enter')}?year={year}")


def _digest(form: HolidayNoticeForm) -> str:
    data = f"{form.cleaned_data['year']}\n{form.cleaned_data['text']}"
    return hashlib.sha256(data.encode()).hexdigest()


def _holidays_page(request, form: HolidayNoticeForm, *, year: int | None = None,
                   changed: bool = False):
    """The page: with a valid posted form, the preview of its text (or its error); without one,
    the days the tables hold for ``year``."""
    context = {"form": form, "weekday_heads": WEEKDAY_HEADS, "changed": changed}
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        context["previewed"] = _digest(form)
        try:
            notice = parse_notice(form.cleaned_data["text"], year=year)
            context["notice"] = notice
            notice.require_complete()
        except NoticeError as exc:
            context["error"] = exc
        if "notice" in context:
            context["grids"] = _grids(year, notice.closed, notice.makeup)
    elif year is not None:
        stored = holiday_year_stored(year=year)
        context["stored"] = stored
        context["grids"] = _grids(year, stored["closed"], stored["makeup"])
    context["year"] = year
    return render(request, "sla/holidays_enter.html", context)


def _grids(year: int, closed: dict, makeup: dict) -> list:
    return [(MONTHS[month], weeks) for month, weeks in month_grids(year, closed, makeup)]
