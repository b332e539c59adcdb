"""The manager dashboard (K1): cards, charts and tables assembled from kpi.figures.

Everything here reads the rollup tables (DailyRollup, BacklogSnapshot, AssetFaultRollup) and a
few small tables (targets, survey policy, asset counts per type), never the raw tickets, in a
constant number of queries whatever the period or the data size. Each card carries its figure,
the contract's target, a verdict (True green, False red, None no target or nothing measured) and
the drill-down link to the tickets behind the number (kpi/drilldown.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode

from django.db.models import Sum
from django.db.models.functions import TruncQuarter
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.periods import quarter_of, quarters_covering, today
from core.prepared import PreparedQuery
from fieldservice import figures as field_figures  # f16repair: loaners, parts, restock
from fieldservice.selectors.visits import arrival_proof
from kpi import figures
from kpi.forms.dashboard import DashboardForm, DashboardParams
from kpi.models import DailyRollup
from kpi.selectors import dashboard as selectors
from surveys.models import SurveyPolicy
from tickets.models import ServiceType

SERVICE_TYPES = PreparedQuery(lambda: ServiceType.objects.order_by("pk"))


def resolve_params(user, query) -> DashboardParams:
    """The contract (Http404 when not readable) and the period and filters asked for."""
    code = (query.get("contract") or "").strip()
    # The targets and the survey and repair policies come along (BOARD_RELATIONS).
    contract = (selectors.board_contract(user, code) if code else
                selectors.dashboard_contracts(user).select_related(
                    *selectors.BOARD_RELATIONS).first())
    if contract is None:
        raise Http404
    engineers = selectors.CONTRACT_ENGINEERS.models(contract=contract.pk)
    service_types = SERVICE_TYPES.models()
    form = DashboardForm(query, engineers=engineers, service_types=service_types)
    form.is_valid()
    engineer_id = form.choice("engineer")
    return DashboardParams(
        contract=contract, period=form.period,
        engineer=form.engineers.get(engineer_id) if engineer_id else None,
        team=form.choice("team"), service_type_id=form.choice("service_type"), form=form)


def scope_of(params: DashboardParams) -> figures.Scope:
    return selectors.scope_for(params.contract, engineer=params.engineer, team=params.team,
                               service_type_id=params.service_type_id)


class DrillLinks:
    """The drill-down link of each number of one dashboard: what
    ``reverse("kpi:drilldown") + "?" + params.query(measure=…, **extra)`` gives, with the part
    all ~35 links share (the path, the contract, period and filters) built once."""

    def __init__(self, params: DashboardParams):
        self.shared = f"{reverse('kpi:drilldown')}?{params.query()}&"
        self.taken = set(parse_qs(params.query()))

    def __call__(self, measure: str, **extra) -> str:
        if self.taken.intersection(extra):  # would replace a shared value: not appended
            raise ValueError(f"{sorted(extra)} are part of the dashboard's own query")
        return self.shared + urlencode({"measure": measure, **extra})


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def pct_target(value) -> str:
    return f"{float(value):g} %"


def _at_least(value, target) -> bool | None:
    return None if value is None else value >= figures.percent(target)


def _at_most(value, target) -> bool | None:
    return None if value is None else value <= figures.percent(target)


def complaints_by_quarter(scope: figures.Scope, start: date, end: date,
                          months: list[dict] | None = None) -> list[dict]:
    """Complaints and major complaints per quarter covering start..end: one grouped query, or
    none when `months` (the period's monthly trend points, figures.trend) already cover those
    quarters exactly, as on a quarter's or a year's dashboard."""
    first, last = quarters_covering(start, end)
    if months is not None and (first, last) == (start, end):
        by_quarter: dict = {}
        for point in months:
            row = by_quarter.setdefault(quarter_of(point["period"]), {"n": 0, "major": 0})
            row["n"] += point["complaints"]
            row["major"] += point["major_complaints"]
    else:
        rows = (DailyRollup.objects.filter(scope.q(), day__gte=first, day__lte=last)
                .annotate(q=TruncQuarter("day")).values("q")
                .annotate(n=Sum("complaints"), major=Sum("major_complaints")))
        by_quarter = {quarter_of(figures.as_date(row["q"])): row for row in rows}
    result = []
    year, quarter = quarter_of(first)
    while (year, quarter) <= quarter_of(last):
        row = by_quarter.get((year, quarter), {})
        result.append({"label": f"{year}-Q{quarter}", "complaints": row.get("n") or 0,
                       "major": row.get("major") or 0})
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return result


def engineer_rows(params: DashboardParams, sums: figures.PeriodSums) -> list[dict]:
    """Per engineer of the contract: resolved, on-time rate over all clocks, satisfaction,
    reopen rate, complaints — from the period's sums per engineer, in the order of their names
    as the database sorts them (figures.PeriodSums)."""
    result = []
    for engineer_id, row in sums.by_engineer().items():
        met = sum(row[f"{k}_met"] for k in figures.CLOCKS)
        breached = sum(row[f"{k}_breached"] for k in figures.CLOCKS)
        result.append({
            "engineer_id": engineer_id,
            "name": sums.names[engineer_id],
            "opened": row["opened"],
            "resolved": row["resolved"],
            "attainment": pct(figures.ratio(met, met + breached)),
            "clocks": met + breached,
            "satisfaction": pct(figures.ratio(row["surveys_satisfied"],
                                              row["surveys_answered"])),
            "reopen": pct(figures.ratio(row["resolved_reopened"], row["resolved"])),
            "complaints": row["complaints"],
            "url": f"{reverse('kpi:dashboard')}?"
                   f"{params.query(engineer=engineer_id, team=None)}",
        })
    return result


def _backlog_days(start: date, end: date, *, monthly: bool) -> list[date]:
    """The days a backlog chart shows: every day, or the last day of each month (the period's
    end in its last month)."""
    days = [start + timedelta(days=i) for i in range(max((end - start).days + 1, 0))]
    if monthly:
        days = list({day.strftime("%Y-%m"): day for day in days}.values())
    return days


def _filled_backlog(rows: list[dict], days: list[date]) -> list[dict]:
    """One point per day shown: a day without a snapshot row had nothing open."""
    by_day = {row["day"]: row for row in rows}
    return [by_day.get(day, {"day": day, "open": 0, "over_7d": 0}) for day in days]


def _card(key, label, value, *, target="", ok=None, url="", detail=(), note=""):
    return {"key": key, "label": label, "value": value, "target": target, "ok": ok,
            "url": url, "detail": list(detail), "note": note}


def _link(label, value, url):
    return {"label": label, "value": value, "url": url}


# field service: loaners, part requests to site, restock (f16repair) ----------------------------
def _kept(share) -> bool | None:
    """A commitment is kept when every case in the period met it."""
    return None if not share.total else share.met == share.total


def field_service_cards(params: DashboardParams) -> list[dict]:
    """The 24 h loaner commitment (seed 003), part requests delivered by their deadline and
    restock within the lead time (3 days by default), beside the ticket figures."""
    contract, period = params.contract, params.period
    loaner = field_figures.loaner_in_time(contract, period.start, period.end)
    parts = field_figures.part_requests_on_time(contract, period.start, period.end)
    restock = field_figures.restock_in_time(contract, period.start, period.end)
    hours = field_figures.policy_of(contract).loaner_hours
    repairs = reverse("fieldservice:repairs") + "?all=1"
    requests = reverse("fieldservice:part_requests") + "?all=1"
    # The counts go in the note, not in drill-down links: these cards count repairs, part
    # requests and restock requests, not tickets (kpi/drilldown.py lists tickets).
    return [
        _card("loaner", _("Loaner devices lent in time"), pct(loaner.rate),
              target=_("within %(hours)s h") % {"hours": hours}, ok=_kept(loaner),
              url=repairs, note=_count_note(loaner)),
        _card("part_requests", _("Parts delivered to site by their deadline"), pct(parts.rate),
              ok=_kept(parts), url=requests, note=_count_note(parts)),
        _card("restock", _("Restocked within the lead time"), pct(restock.rate),
              ok=_kept(restock), url=reverse("assets:restock"), note=_count_note(restock)),
    ]


def _count_note(share) -> str:
    return _("%(met)s of %(total)s in time") % {"met": share.met, "total": share.total}


def build(params: DashboardParams) -> dict:
    """The dashboard's context: cards, tables and chart data."""
    scope = scope_of(params)
    period = params.period
    current = today()
    drill = DrillLinks(params)
    monthly = period.days > 62
    period_sums = figures.PeriodSums(scope, period.start, period.end, monthly=monthly)
    sums = period_sums.totals()  # = figures.totals
    summary = figures.from_totals(sums)  # = figures.summary, keeping the raw sums
    targets = figures.targets_of(params.contract)
    policy = SurveyPolicy.for_contract(params.contract)
    cards = []
    clock_labels = {"response": _("Response in time"), "arrival": _("On-site arrival in time"),
                    "resolution": _("Resolution in time")}
    for kind in figures.CLOCKS:
        value = summary[f"{kind}_attainment"]
        target = getattr(targets, f"{kind}_attainment")
        cards.append(_card(
            kind, clock_labels[kind], pct(value), target=f"≥ {pct_target(target)}",
            ok=_at_least(value, target), url=drill(kind),
            detail=[_link(_("met"), summary[f"{kind}_met"], drill(f"{kind}_met")),
                    _link(_("breached"), summary[f"{kind}_breached"],
                          drill(f"{kind}_breached"))]))
    # Field service, visits (issue 16): check-ins that came with proof of arrival (by contract
    # and engineer; a service-type filter does not narrow it: visits carry no service type).
    proof = arrival_proof(contract_ids=scope.contract_ids, start=period.start, end=period.end,
                          engineer_ids=scope.engineer_ids)
    cards.append(_card(
        "arrival_proof", _("Arrivals with proof"), pct(proof["rate"]),
        url=drill("arrivals"),
        detail=[_link(_("check-ins"), proof["checked_in"], drill("arrivals")),
                _link(_("without proof"), proof["checked_in"] - proof["with_proof"],
                      drill("arrivals_without_proof"))],
        note=_("position at the site, the device's label scanned, or a photo")))
    t = summary
    cards.append(_card(
        "fault_resolution", _("Faults resolved within the working-time target"),
        pct(t["fault_resolution_rate"]), target=f"≥ {pct_target(targets.fault_resolution_rate)}",
        ok=_at_least(t["fault_resolution_rate"], targets.fault_resolution_rate),
        url=drill("fault_resolution"),
        detail=[_link(_("in time"), sums["fault_resolution_met"],
                      drill("fault_resolution_met")),
                _link(_("late"), sums["fault_resolution_breached"],
                      drill("fault_resolution_breached"))]))
    first_line = t["first_line_resolution_rate"]
    band_ok = None if first_line is None else (
        figures.percent(targets.first_line_min) <= first_line
        <= figures.percent(targets.first_line_max))
    cards.append(_card(
        "first_line", _("Resolved at the desk (first line)"), pct(first_line),
        target=f"{pct_target(targets.first_line_min)} – {pct_target(targets.first_line_max)}",
        ok=band_ok, url=drill("first_line"),
        detail=[_link(_("of resolved"), t["tickets_resolved"], drill("resolved"))]))
    mttr = t["mttr_minutes"]
    cards.append(_card(
        "mttr", _("Mean time to resolve"),
        "—" if mttr is None else _("%(minutes)s min") % {"minutes": f"{mttr:g}"},
        target=_("≤ %(minutes)s min") % {"minutes": targets.mttr_max_minutes},
        ok=None if mttr is None else mttr <= targets.mttr_max_minutes,
        url=drill("resolved"),
        note="" if mttr is None else _("%(hours).1f h") % {"hours": mttr / 60}))
    cards.append(_card(
        "reopen", _("Reopen rate"), pct(t["reopen_rate"]),
        target=f"≤ {pct_target(targets.reopen_rate_max)}",
        ok=_at_most(t["reopen_rate"], targets.reopen_rate_max),
        url=drill("reopened")))
    cards.append(_card(
        "satisfaction", _("Satisfaction"), pct(t["satisfaction_rate"]),
        target=f"≥ {pct_target(policy.satisfaction_target)}",
        ok=_at_least(t["satisfaction_rate"], policy.satisfaction_target),
        url=drill("surveys_answered"),
        detail=[_link(pgettext("surveys answered", "answers"), t["surveys_answered"],
                      drill("surveys_answered")),
                _link(_("dissatisfied"), t["surveys_answered"] - sums["surveys_satisfied"],
                      drill("dissatisfied"))]))
    cards.append(_card(
        "survey_response", _("Survey response rate"), pct(t["survey_response_rate"]),
        target=f"≥ {pct_target(targets.survey_response_min)}",
        ok=_at_least(t["survey_response_rate"], targets.survey_response_min),
        url=drill("surveys_sent"),
        detail=[_link(_("sent"), t["surveys_sent"], drill("surveys_sent")),
                _link(_("answered"), t["surveys_answered"],
                      drill("surveys_answered"))]))
    points = period_sums.trend()  # = figures.trend
    quarters = complaints_by_quarter(scope, period.start, period.end,
                                     months=points if monthly else None)
    for q in quarters:
        q["ok"] = (q["complaints"] <= policy.complaint_limit
                   and q["major"] <= policy.major_complaint_limit)
    total_complaints = sum(q["complaints"] for q in quarters)
    total_major = sum(q["major"] for q in quarters)
    cards.append(_card(
        "complaints", _("Complaints in the quarter"), total_complaints,
        target=_("≤ %(limit)s a quarter, major ≤ %(major)s") % {
            "limit": policy.complaint_limit, "major": policy.major_complaint_limit},
        ok=all(q["ok"] for q in quarters), url=drill("complaints"),
        detail=[_link(_("major"), total_major, drill("major_complaints"))],
        note=", ".join(q["label"] for q in quarters)))
    cards.append(_card("opened", _("Tickets opened"), t["tickets_opened"],
                       url=drill("opened")))
    cards.append(_card("resolved", _("Tickets resolved"), t["tickets_resolved"],
                       url=drill("resolved")))
    cards += field_service_cards(params)  # f16repair

    backlog_day = min(period.end, current)
    at_end = figures.backlog(scope, backlog_day)
    backlog_now = at_end if backlog_day == current else figures.backlog(scope, current)
    cards.append(_card(
        "backlog", _("Backlog at the period end") if backlog_day < current else _("Backlog now"),
        at_end["open"], url=drill("backlog"),
        detail=[_link(_("over 1 day"), at_end["over_1d"], drill("backlog_over_1d")),
                _link(_("over 3 days"), at_end["over_3d"], drill("backlog_over_3d")),
                _link(_("over 7 days"), at_end["over_7d"], drill("backlog_over_7d"))]
        + ([_link(_("now"), backlog_now["open"], drill("backlog_now"))]
           if backlog_day < current else []),
        note=backlog_day.isoformat()))
    assets = []
    for row in figures.asset_figures((params.contract.pk,), period.start, period.end):
        server = row["is_server"]
        rate, mtbf = row["failure_rate"], row["mtbf_hours"]
        assets.append({
            **row, "failure_rate_text": pct(rate),
            "availability_text": ("—" if row["availability"] is None
                                  else f"{row['availability'] * 100:.2f} %"),
            "rate_ok": (None if not server or rate is None
                        else rate < figures.percent(targets.server_failure_rate_max)),
            "mtbf_ok": (None if not server
                        else (mtbf is None or mtbf >= targets.mtbf_min_hours)),
            "url": drill("asset_faults", asset_type=row["asset_type_id"]),
        })

    label_format = "%Y-%m" if monthly else "%m-%d"
    shown_days = _backlog_days(period.start, backlog_day, monthly=monthly)
    backlog_points = _filled_backlog(
        figures.backlog_on_days(scope, shown_days) if monthly
        else figures.backlog_trend(scope, period.start, backlog_day), shown_days)
    backlog_labels = [row["day"].strftime(label_format) for row in backlog_points]

    def _pc(value):
        return None if value is None else round(value * 100, 1)

    chart = {
        "labels": [p["period"].strftime(label_format) for p in points],
        "opened": [p["tickets_opened"] for p in points],
        "resolved": [p["tickets_resolved"] for p in points],
        **{kind: [_pc(p[f"{kind}_attainment"]) for p in points] for kind in figures.CLOCKS},
        "backlog_labels": backlog_labels,
        "backlog": [row["open"] or 0 for row in backlog_points],
        "backlog_over_7d": [row["over_7d"] or 0 for row in backlog_points],
    }
    chart_labels = {"opened": _("Opened"), "resolved": _("Resolved"),
                    **clock_labels, "backlog": _("Open tickets"),
                    "backlog_over_7d": _("Open for more than 7 days"), "percent": "%"}
    trend_rows = [{"label": label, "opened": p["tickets_opened"],
                   "resolved": p["tickets_resolved"],
                   **{kind: pct(p[f"{kind}_attainment"]) for kind in figures.CLOCKS}}
                  for label, p in zip(chart["labels"], points, strict=True)]
    backlog_rows = [{"label": label, "open": row["open"] or 0, "over_7d": row["over_7d"] or 0}
                    for label, row in zip(backlog_labels, backlog_points, strict=True)]
    return {
        "summary": summary, "targets": targets, "policy": policy, "cards": cards,
        "quarters": quarters, "assets": assets,
        "engineers": engineer_rows(params, period_sums),
        "chart": chart, "chart_labels": chart_labels, "trend_rows": trend_rows,
        "backlog_rows": backlog_rows, "monthly": monthly, "arrival_proof": proof,
        # The newest rollup row of the period (its totals), else the backlog snapshot's.
        "refreshed_at": sums.get("refreshed_at") or at_end.get("taken_at"),
    }
