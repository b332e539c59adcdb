"""The records behind each dashboard number (K1): the only place the KPI pages read raw tickets.

Each measure selects exactly what kpi/services/rollup.py counted for the same scope and period
(see its docstring): opened by `created_at`, resolved by `resolved_at`, a clock's verdict by
COALESCE(breached_at, stopped_at) — breached when `breached_at` is set or `met` is False — the
engineer being the ticket's assignee (the survey's or complaint's engineer for those), surveys by
`sent_at`, complaints by `received_at` over the quarters covering the period, the backlog as in
kpi.services.rollup.open_at. Tickets are further limited to tickets_visible_to(user).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.clock import now
from core.periods import day_bounds, day_start, quarters_covering, today
from fieldservice.selectors.visits import PROOF_Q, checked_in_visits
from kpi import figures
from kpi.forms.dashboard import DashboardParams
from kpi.services.rollup import open_at
from sla.models import Clock
from surveys.models import Complaint, TicketSurvey
from tickets.models import Kind
from tickets.selectors import tickets_visible_to

LABELS = {
    "opened": _("Tickets opened"),
    "resolved": _("Tickets resolved"),
    "first_line": _("Tickets resolved at the desk (first line)"),
    "reopened": _("Tickets resolved after a reopen"),
    "response": _("Response clocks with a verdict"),
    "response_met": _("Response clocks met"),
    "response_breached": _("Response clocks breached"),
    "arrival": _("On-site arrival clocks with a verdict"),
    "arrival_met": _("On-site arrival clocks met"),
    "arrival_breached": _("On-site arrival clocks breached"),
    "resolution": _("Resolution clocks with a verdict"),
    "resolution_met": _("Resolution clocks met"),
    "resolution_breached": _("Resolution clocks breached"),
    "fault_resolution": _("Faults with a resolution verdict"),
    "fault_resolution_met": _("Faults resolved within the target"),
    "fault_resolution_breached": _("Faults resolved late"),
    "backlog": _("Open tickets (backlog)"),
    "backlog_over_1d": _("Open for more than a day"),
    "backlog_over_3d": _("Open for more than 3 days"),
    "backlog_over_7d": _("Open for more than 7 days"),
    "backlog_now": _("Open tickets now"),
    "surveys_sent": _("Surveys sent"),
    "surveys_answered": _("Surveys answered"),
    "dissatisfied": _("Answers not satisfied (score below 4)"),
    "asset_faults": _("Faults on registered assets"),
    "complaints": _("Complaints"),
    "major_complaints": _("Major complaints"),
    # Field service, visits (issue 16): tickets with a check-in in the period.
    "arrivals": _("Tickets with an on-site check-in"),
    "arrivals_without_proof": _("Tickets with a check-in without proof of arrival"),
}
MEASURES = tuple(LABELS)
COMPLAINT_MEASURES = {"complaints", "major_complaints"}
# measure: (clock kind, faults only, verdict: None any, True met, False breached)
CLOCK_MEASURES = {
    "response": ("response", False, None), "response_met": ("response", False, True),
    "response_breached": ("response", False, False),
    "arrival": ("arrival", False, None), "arrival_met": ("arrival", False, True),
    "arrival_breached": ("arrival", False, False),
    "resolution": ("resolution", False, None), "resolution_met": ("resolution", False, True),
    "resolution_breached": ("resolution", False, False),
    "fault_resolution": ("resolution", True, None),
    "fault_resolution_met": ("resolution", True, True),
    "fault_resolution_breached": ("resolution", True, False),
}
# measure: open for more than this many days at the snapshot
BACKLOG_MEASURES = {"backlog": 0, "backlog_now": 0, "backlog_over_1d": 1, "backlog_over_3d": 3,
                    "backlog_over_7d": 7}


def _engineer_q(scope: figures.Scope, field: str) -> Q:
    return Q() if scope.engineer_ids is None else Q(**{f"{field}__in": scope.engineer_ids})


def _service_q(scope: figures.Scope, field: str) -> Q:
    return (Q() if scope.service_type_id is None
            else Q(**{field: scope.service_type_id}))


def _verdict(lo, hi) -> Q:
    return (Q(breached_at__gte=lo, breached_at__lt=hi)
            | Q(breached_at__isnull=True, met__isnull=False, stopped_at__gte=lo,
                stopped_at__lt=hi))


MET = Q(breached_at__isnull=True, met=True)


def complaints(params: DashboardParams, scope: figures.Scope, measure: str) -> QuerySet:
    first, last = quarters_covering(params.period.start, params.period.end)
    lo, hi = day_bounds(first, last)
    rows = Complaint.objects.filter(
        _engineer_q(scope, "engineer_id"), _service_q(scope, "ticket__service_type_id"),
        contract_id=params.contract.pk, received_at__gte=lo, received_at__lt=hi)
    if measure == "major_complaints":
        rows = rows.filter(major=True)
    return rows.select_related("ticket", "engineer").order_by("-received_at", "-pk")


def tickets(user, params: DashboardParams, scope: figures.Scope, measure: str,
            *, asset_type_id: int | None = None) -> QuerySet:
    """The tickets behind one measure; ValueError for an unknown measure."""
    lo, hi = day_bounds(params.period.start, params.period.end)
    base = tickets_visible_to(user).filter(contract_id=params.contract.pk)
    assignee = _engineer_q(scope, "assignee_id") & _service_q(scope, "service_type_id")
    order = "-created_at"
    if measure == "opened":
        rows = base.filter(assignee, created_at__gte=lo, created_at__lt=hi)
    elif measure in {"resolved", "first_line", "reopened"}:
        rows = base.filter(assignee, resolved_at__gte=lo, resolved_at__lt=hi)
        if measure == "first_line":
            rows = rows.filter(first_line_resolution=True)
        elif measure == "reopened":
            rows = rows.filter(reopen_count__gt=0)
        order = "-resolved_at"
    elif measure in CLOCK_MEASURES:
        kind, faults_only, met = CLOCK_MEASURES[measure]
        clocks = Clock.objects.filter(_verdict(lo, hi), ticket__contract_id=params.contract.pk,
                                      kind=kind)
        if faults_only:
            clocks = clocks.filter(ticket__kind=Kind.FAULT)
        if met is not None:
            clocks = clocks.filter(MET) if met else clocks.exclude(MET)
        rows = base.filter(assignee, pk__in=clocks.values("ticket_id"))
    elif measure in BACKLOG_MEASURES:
        current = now()
        day = today() if measure == "backlog_now" else min(params.period.end, today())
        moment = min(day_start(day + timedelta(days=1)), current)
        rows = base.filter(assignee, pk__in=open_at(moment, current=current).values("pk"))
        if older_than := BACKLOG_MEASURES[measure]:
            rows = rows.filter(created_at__lt=moment - timedelta(days=older_than))
        order = "created_at"
    elif measure in {"surveys_sent", "surveys_answered", "dissatisfied"}:
        surveys = TicketSurvey.objects.filter(
            _engineer_q(scope, "engineer_id"), _service_q(scope, "ticket__service_type_id"),
            contract_id=params.contract.pk, sent_at__gte=lo, sent_at__lt=hi)
        if measure != "surveys_sent":
            surveys = surveys.filter(answered_at__isnull=False)
        if measure == "dissatisfied":
            surveys = surveys.exclude(overall__gte=4)
        rows = base.filter(pk__in=surveys.values("ticket_id"))
    elif measure == "asset_faults":
        rows = base.filter(kind=Kind.FAULT, asset__isnull=False, created_at__gte=lo,
                           created_at__lt=hi)
        if asset_type_id is not None:
            rows = rows.filter(asset__asset_type_id=asset_type_id)
    elif measure in {"arrivals", "arrivals_without_proof"}:  # field service, visits
        visits = checked_in_visits(
            contract_ids=(params.contract.pk,), start=params.period.start,
            end=params.period.end, engineer_ids=scope.engineer_ids)
        if measure == "arrivals_without_proof":
            visits = visits.exclude(PROOF_Q)
        rows = base.filter(pk__in=visits.values("ticket_id"))
        order = "-arrived_at"
    else:
        raise ValueError(measure)
    return (rows.select_related("assignee", "service_type")
            .order_by(order, "-pk"))
