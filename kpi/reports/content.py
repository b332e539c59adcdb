"""What a service report says (K3): the figures of a contract and period, gathered from the KPI
rollup (kpi.figures) plus short, indexed and LIMITed lists of tickets (breaches, P1s, repairs).

A report is a list of sections; each section is a table (and optionally an inline SVG chart).
The PDF (pdf.py) and the Excel workbook (xlsx.py) render the same sections, so both always say
the same thing. Labels are translated when gathered: call inside translation.override.

Periods and due dates (seed 001): the monthly summary is due on the 5th of the next month, the
repair summary on the 10th; quarterly and annual reviews on the 15th of the month after the
period; a major-incident report 5 days after the ticket was resolved.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Q
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from assets.models import Loan, StockMovement
from core.clock import now
from core.periods import day_bounds, quarter_bounds, quarter_of, zone
from kpi.figures import (
    CLOCKS,
    SERVER_TYPE_CODES,
    Scope,
    asset_figures,
    backlog,
    from_totals,
    percent,
    ratio,
    summary,
    targets_of,
    totals,
    totals_by,
    trend,
)
from kpi.models.reports import ReportKind
from kpi.reports import charts
from kpi.reports.periods import period_of
from kpi.reports.structure import Report, Section, V, verdict
from sla.models import Clock, ClockKind
from sla.selectors import clock_states
from surveys.models import SurveyPolicy
from tickets.models import OPEN_STATUSES, Kind, PendingReason, Priority, ServiceType, Ticket

LIST_LIMIT = 200


def clock_label(kind: str) -> str:
    """An SLA clock's name (响应, 到场, 解决), not the resolution code's (解决方式)."""
    return str(ClockKind(kind).label)


# --- shared pieces ---------------------------------------------------------------------------

def _server_totals(assets: list[dict], start: date, end: date) -> tuple:
    servers = [a for a in assets if a["is_server"]]
    devices = sum(a["devices"] for a in servers)
    faults = sum(a["faults"] for a in servers)
    failed = sum(min(a["failed_devices"], a["devices"]) for a in servers)
    down = sum(a["downtime_hours"] for a in servers)
    hours = ((end - start).days + 1) * 24
    availability = max(0.0, 1 - down / (devices * hours)) if devices else None
    return (ratio(failed, devices), (round(devices * hours / faults) if faults else None),
            availability)


def kpi_rows(contract, figures: dict, *, backlog_open: int, quarter: dict,
             server: tuple) -> list[dict]:
    """Each figure beside its target: key, label, value, fmt, target text, met."""
    t = targets_of(contract)
    policy = SurveyPolicy.for_contract(contract)

    def at_least(value, target):
        return None if value is None else value >= target

    def at_most(value, target):
        return None if value is None else value <= target

    rows = [
        ("tickets_opened", _("Tickets opened"), figures["tickets_opened"], "int", "", None),
        ("tickets_resolved", _("Tickets resolved"), figures["tickets_resolved"], "int", "", None),
    ]
    labels = {"response": _("Response in time"), "arrival": _("On-site arrival in time"),
              "resolution": _("Resolution in time")}
    for kind in CLOCKS:
        target = percent(getattr(t, f"{kind}_attainment"))
        value = figures[f"{kind}_attainment"]
        rows.append((f"{kind}_attainment", labels[kind], value, "pct",
                     f"≥ {target * 100:g}%", at_least(value, target)))
    target = percent(t.fault_resolution_rate)
    value = figures["fault_resolution_rate"]
    rows.append(("fault_resolution_rate", _("Faults resolved within the target time"), value,
                 "pct", f"≥ {target * 100:g}%", at_least(value, target)))
    low, high = percent(t.first_line_min), percent(t.first_line_max)
    value = figures["first_line_resolution_rate"]
    rows.append(("first_line_resolution_rate", _("First-line resolution at the desk"), value,
                 "pct", f"{low * 100:g}–{high * 100:g}%",
                 None if value is None else low <= value <= high))
    value = figures["mttr_minutes"]
    rows.append(("mttr_minutes", _("Mean time to resolve (minutes)"), value, "num",
                 f"≤ {t.mttr_max_minutes}", at_most(value, t.mttr_max_minutes)))
    target = percent(t.reopen_rate_max)
    value = figures["reopen_rate"]
    rows.append(("reopen_rate", _("Reopen rate"), value, "pct", f"≤ {target * 100:g}%",
                 at_most(value, target)))
    rows.append(("backlog_open", _("Backlog at the end of the period"), backlog_open, "int",
                 "", None))
    target = percent(policy.satisfaction_target)
    value = figures["satisfaction_rate"]
    rows.append(("satisfaction_rate", _("Satisfaction"), value, "pct", f"≥ {target * 100:g}%",
                 at_least(value, target)))
    target = percent(t.survey_response_min)
    value = figures["survey_response_rate"]
    rows.append(("survey_response_rate", _("Survey response rate"), value, "pct",
                 f"≥ {target * 100:g}%", at_least(value, target)))
    rows.append(("complaints_quarter", _("Complaints this quarter to date"),
                 quarter["complaints"], "int", f"≤ {policy.complaint_limit}",
                 at_most(quarter["complaints"], policy.complaint_limit)))
    rows.append(("major_complaints_quarter", _("Major complaints this quarter to date"),
                 quarter["major_complaints"], "int", f"≤ {policy.major_complaint_limit}",
                 at_most(quarter["major_complaints"], policy.major_complaint_limit)))
    failure_rate, mtbf, availability = server
    target = percent(t.server_failure_rate_max)
    rows.append(("server_failure_rate", _("Server failure rate"), failure_rate, "pct",
                 f"< {target * 100:g}%",
                 None if failure_rate is None else failure_rate < target))
    rows.append(("server_mtbf_hours", _("Server MTBF (hours)"), mtbf, "int",
                 f"≥ {t.mtbf_min_hours}", at_least(mtbf, t.mtbf_min_hours)))
    rows.append(("server_availability", _("Server availability"), availability, "pct2", "—",
                 None))
    return [{"key": k, "label": label, "value": v, "fmt": fmt, "target": target_text,
             "met": met} for k, label, v, fmt, target_text, met in rows]


def kpi_section(rows: list[dict]) -> Section:
    return Section("kpi", _("Key figures against the contract targets"),
                   [_("Figure"), _("Actual"), _("Target"), _("Met")],
                   ["text", "text", "text", "text"],
                   [[r["label"], V(r["value"], r["fmt"]), r["target"], verdict(r["met"])]
                    for r in rows])


def clocks_section(figures: dict, contract) -> tuple[Section, str]:
    t = targets_of(contract)
    labels = {kind: clock_label(kind) for kind in CLOCKS}
    rows = []
    for kind in CLOCKS:
        rows.append([labels[kind], figures[f"{kind}_met"], figures[f"{kind}_breached"],
                     figures[f"{kind}_attainment"], percent(getattr(t, f"{kind}_attainment"))])
    chart = charts.bar_chart(
        _("SLA attainment per clock"), [r[0] for r in rows],
        [(_("Attainment"), [r[3] for r in rows]), (_("Target"), [r[4] for r in rows])],
        percent=True)
    section = Section("sla", _("SLA attainment per clock"),
                      [_("Clock"), _("Met"), _("Breached"), _("Attainment"), _("Target")],
                      ["text", "int", "int", "pct", "pct"], rows, charts=[chart])
    return section, chart


def by_type_priority(contract, start: date, end: date) -> Section:
    """The month's rollup grouped by service type × priority: one query."""
    grouped = totals_by(Scope(contract_ids=(contract.pk,)), start, end,
                        "service_type_id", "priority")
    types = {st.pk: st for st in ServiceType.objects.filter(
        pk__in={type_id for type_id, _priority in grouped if type_id})}
    rows = []
    for (type_id, priority), t in grouped.items():
        if not priority:
            continue  # complaints without a ticket
        st = types.get(type_id)
        f = from_totals(t)
        rows.append([st.label if st else "—", f"P{priority}", f["tickets_opened"],
                     f["tickets_resolved"], *(f[f"{kind}_attainment"] for kind in CLOCKS)])
    return Section("by_type", _("SLA attainment per service type and priority"),
                   [_("Service type"), _("Priority"), _("Opened"), _("Resolved"),
                    *(clock_label(kind) for kind in CLOCKS)],
                   ["text", "text", "int", "int", "pct", "pct", "pct"], rows)


def _ticket_row(t) -> list:
    return [t.number, t.title, t.service_type.label if t.service_type_id else "",
            f"P{t.priority}", t.get_status_display(), t.created_at, t.resolved_at,
            t.assignee.name if t.assignee_id else ""]


def ticket_headers() -> list:
    return [_("Ticket"), _("Title"), _("Service type"), _("Priority"), _("Status"),
            _("Created"), _("Resolved"), _("Engineer")]


TICKET_FORMATS = ["text", "text", "text", "text", "text", "dt", "dt", "text"]


def breached_section(contract, start: date, end: date) -> Section:
    """SLA clocks of the contract that breached in the period: read through the partial index
    on breached_at (a month is a narrow range), cut at LIST_LIMIT, with the full count."""
    lo, hi = day_bounds(start, end)
    clocks = Clock.objects.filter(breached_at__gte=lo, breached_at__lt=hi,
                                  ticket__contract=contract)
    total = clocks.count()
    rows = []
    for c in (clocks.select_related("ticket", "ticket__service_type", "ticket__assignee")
              .order_by("breached_at", "pk")[:LIST_LIMIT]):
        t = c.ticket
        rows.append([t.number, t.title, f"P{t.priority}", c.get_kind_display(),
                     c.due_at, c.breached_at, c.stopped_at,
                     t.assignee.name if t.assignee_id else ""])
    return Section("breached", _("Tickets whose SLA was breached"),
                   [_("Ticket"), _("Title"), _("Priority"), _("Clock"), _("Due"),
                    _("Breached at"), _("Stopped at"), _("Engineer")],
                   ["text", "text", "text", "text", "dt", "dt", "dt", "text"], rows,
                   total=total,
                   note=" ".join([_("%(n)s breaches in the period.") % {"n": total}, _(
                       "Breached at: when the clock passed its deadline. Due: its deadline "
                       "now, later than that when the ticket was reopened or came back from "
                       "pending after the breach.")]))


def p1_section(contract, start: date, end: date) -> Section:
    lo, hi = day_bounds(start, end)
    tickets = Ticket.objects.filter(contract=contract, priority=Priority.P1,
                                    created_at__gte=lo, created_at__lt=hi)
    total = tickets.count()
    rows = [_ticket_row(t) for t in tickets.select_related("service_type", "assignee")
            .order_by("created_at", "pk")[:LIST_LIMIT]]
    return Section("p1", _("P1 (urgent) tickets"), ticket_headers(), TICKET_FORMATS, rows,
                   total=total)


def complaints_in(scope: Scope, start: date, end: date) -> dict:
    sums = totals(scope, start, end)
    return {k: sums[k] for k in ("complaints", "major_complaints")}


def json_ready(value):
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items() if k != "asset_type"}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# --- the reports -----------------------------------------------------------------------------

def monthly_summary(contract, start: date, end: date, *, today: date) -> tuple[list, dict]:
    scope = Scope(contract_ids=(contract.pk,))
    figures = summary(scope, start, end)
    backlog_day = min(end, today)
    backlog_now = backlog(scope, backlog_day)
    quarter = complaints_in(scope, quarter_bounds(*quarter_of(start))[0], end)
    assets = asset_figures([contract.pk], start, end)
    server = _server_totals(assets, start, end)
    rows = kpi_rows(contract, figures, backlog_open=backlog_now["open"], quarter=quarter,
                    server=server)
    clocks, _chart = clocks_section(figures, contract)
    days = trend(scope, start, end, monthly=False)
    trend_chart = charts.line_chart(
        _("Tickets opened and resolved per day"), [f"{p['period']:%d}" for p in days],
        [(_("Opened"), [p["tickets_opened"] for p in days]),
         (_("Resolved"), [p["tickets_resolved"] for p in days])])
    daily = Section("daily", _("Daily trend"),
                    [_("Day"), _("Opened"), _("Resolved"), clock_label("response"),
                     clock_label("resolution")],
                    ["date", "int", "int", "pct", "pct"],
                    [[p["period"], p["tickets_opened"], p["tickets_resolved"],
                      p["response_attainment"], p["resolution_attainment"]] for p in days],
                    charts=[trend_chart])
    backlog_section = Section(
        "backlog", _("Backlog at the end of the period and its ageing"),
        [_("Day"), _("Open"), _("Open > 1 day"), _("Open > 3 days"), _("Open > 7 days")],
        ["date", "int", "int", "int", "int"],
        [[backlog_day, backlog_now["open"], backlog_now["over_1d"], backlog_now["over_3d"],
          backlog_now["over_7d"]]])
    policy = SurveyPolicy.for_contract(contract)
    satisfaction = Section(
        "satisfaction", _("Satisfaction and complaints"),
        [_("Figure"), _("Value"), _("Target")], ["text", "text", "text"],
        [[_("Surveys sent"), V(figures["surveys_sent"], "int"), ""],
         [_("Surveys answered"), V(figures["surveys_answered"], "int"), ""],
         [_("Survey response rate"), V(figures["survey_response_rate"], "pct"),
          f"≥ {targets_of(contract).survey_response_min:g}%"],
         [_("Satisfaction"), V(figures["satisfaction_rate"], "pct"),
          f"≥ {policy.satisfaction_target:g}%"],
         [_("Complaints this month"), V(figures["complaints"], "int"), ""],
         [_("Major complaints this month"), V(figures["major_complaints"], "int"), ""],
         [_("Complaints this quarter to date"), V(quarter["complaints"], "int"),
          f"≤ {policy.complaint_limit}"],
         [_("Major complaints this quarter to date"), V(quarter["major_complaints"], "int"),
          f"≤ {policy.major_complaint_limit}"]])
    t = targets_of(contract)
    asset_section = Section(
        "assets", _("Failure rate and MTBF per asset type"),
        [_("Asset type"), _("Devices"), _("Faults"), _("Failure rate"), _("MTBF (hours)"),
         _("Met")],
        ["text", "int", "int", "pct", "int", "text"],
        [[a["asset_type"].label, a["devices"], a["faults"], a["failure_rate"], a["mtbf_hours"],
          verdict(None if not a["is_server"] or a["failure_rate"] is None else (
              a["failure_rate"] < percent(t.server_failure_rate_max)
              and (a["mtbf_hours"] is None or a["mtbf_hours"] >= t.mtbf_min_hours)))]
         for a in assets],
        note=_("Server targets (%(types)s): failure rate below %(rate)s%%, MTBF at least "
               "%(mtbf)s hours.") % {"types": ", ".join(sorted(SERVER_TYPE_CODES)),
                                     "rate": f"{t.server_failure_rate_max:g}",
                                     "mtbf": t.mtbf_min_hours})
    sections = [kpi_section(rows), clocks, by_type_priority(contract, start, end), daily,
                backlog_section, satisfaction, asset_section,
                breached_section(contract, start, end), p1_section(contract, start, end)]
    data = {"summary": figures, "kpis": [{k: r[k] for k in ("key", "value", "target", "met")}
                                         for r in rows],
            "backlog": {k: v for k, v in backlog_now.items() if k != "taken_at"},
            "quarter_to_date": quarter, "assets": assets}
    return sections, json_ready(data)


def monthly_repair(contract, start: date, end: date, *, today: date) -> tuple[list, dict]:
    lo, hi = day_bounds(start, end)
    repairs = Ticket.objects.filter(contract=contract, kind=Kind.FAULT, asset__isnull=False,
                                    created_at__gte=lo, created_at__lt=hi)
    by_type = list(repairs.values("asset__asset_type__name", "asset__asset_type__name_en")
                   .annotate(n=Count("pk"), resolved=Count("pk", filter=Q(
                       resolved_at__isnull=False)),
                       recurring=Count("pk", filter=Q(recurring_fault=True)))
                   .order_by("-n"))
    english = (get_language() or "").startswith("en")
    type_rows = [[(r["asset__asset_type__name_en"] if english and r["asset__asset_type__name_en"]
                   else r["asset__asset_type__name"]), r["n"], r["resolved"], r["recurring"]]
                 for r in by_type]
    total = sum(r["n"] for r in by_type)
    repair_rows = []
    durations = []
    for t in (repairs.select_related("asset", "asset__asset_type", "assignee")
              .order_by("created_at", "pk")[:LIST_LIMIT]):
        hours = ((t.resolved_at - t.created_at).total_seconds() / 3600
                 if t.resolved_at else None)
        if hours is not None:
            durations.append(hours)
        repair_rows.append([t.number, t.title, t.asset.tag or t.asset.name,
                            t.asset.asset_type.label, t.get_status_display(), t.recurring_fault,
                            t.created_at, t.resolved_at, hours])
    parts = StockMovement.objects.filter(kind=StockMovement.Kind.ISSUE, ticket__contract=contract,
                                         created_at__gte=lo, created_at__lt=hi)
    parts_total = parts.count()
    part_rows = [[m.created_at, m.part.code, m.part.name, -m.quantity, m.part.unit,
                  m.ticket.number, m.note]
                 for m in parts.select_related("part", "ticket").order_by("created_at", "pk")
                 [:LIST_LIMIT]]
    loans = Loan.objects.filter(ticket__contract=contract).filter(
        Q(lent_at__gte=lo, lent_at__lt=hi) | Q(returned_at__gte=lo, returned_at__lt=hi))
    loans_total = loans.count()
    loan_rows = [[loan.asset.tag or loan.asset.name, loan.ticket.number, loan.borrower.name,
                  loan.lent_at, loan.due_back, loan.returned_at]
                 for loan in loans.select_related("asset", "ticket", "borrower")
                 .order_by("lent_at", "pk")[:LIST_LIMIT]]
    vendor = Ticket.objects.filter(contract=contract, status__in=OPEN_STATUSES,
                                   pending_reason__in=[PendingReason.VENDOR,
                                                       PendingReason.SPARE_PART])
    vendor_total = vendor.count()
    vendor_rows = [[t.number, t.title, t.get_pending_reason_display(), t.created_at,
                    t.assignee.name if t.assignee_id else ""]
                   for t in vendor.select_related("assignee").order_by("created_at", "pk")
                   [:LIST_LIMIT]]
    recurring = Ticket.objects.filter(contract=contract, recurring_fault=True,
                                      created_at__gte=lo, created_at__lt=hi)
    recurring_total = recurring.count()
    recurring_rows = [_ticket_row(t) for t in recurring.select_related(
        "service_type", "assignee").order_by("created_at", "pk")[:LIST_LIMIT]]
    mean_hours = sum(durations) / len(durations) if durations else None
    overview = Section(
        "overview", _("Repairs of the month"), [_("Figure"), _("Value")], ["text", "text"],
        [[_("Device repairs (fault tickets on a registered asset)"), V(total, "int")],
         [_("Parts issued (movements)"), V(parts_total, "int")],
         [_("Loaner devices lent or returned"), V(loans_total, "int")],
         [_("Tickets waiting for a vendor or a part now"), V(vendor_total, "int")],
         [_("Recurring faults"), V(recurring_total, "int")],
         [_("Mean repair duration (hours)"), V(mean_hours, "num")]])
    sections = [
        overview,
        Section("by_asset_type", _("Repairs per asset type"),
                [_("Asset type"), _("Repairs"), _("Resolved"), _("Recurring")],
                ["text", "int", "int", "int"], type_rows,
                charts=[charts.bar_chart(_("Repairs per asset type"),
                                         [r[0] for r in type_rows],
                                         [(_("Repairs"), [r[1] for r in type_rows])])]
                if type_rows else []),
        Section("repairs", _("Device repairs"),
                [_("Ticket"), _("Title"), _("Asset"), _("Asset type"), _("Status"),
                 _("Recurring"), _("Created"), _("Resolved"), _("Repair hours")],
                ["text", "text", "text", "text", "text", "text", "dt", "dt", "num"],
                repair_rows, total=total),
        Section("parts", _("Parts issued"),
                [_("At"), _("Part code"), _("Part"), _("Quantity"), _("Unit"), _("Ticket"),
                 _("Note")], ["dt", "text", "text", "int", "text", "text", "text"],
                part_rows, total=parts_total),
        Section("loans", _("Loaner devices"),
                [_("Device"), _("Ticket"), _("Borrower"), _("Lent at"), _("Due back"),
                 _("Returned at")], ["text", "text", "text", "dt", "date", "dt"], loan_rows,
                total=loans_total),
        Section("vendor", _("Tickets waiting for a vendor or a spare part"),
                [_("Ticket"), _("Title"), _("Waiting for"), _("Created"), _("Engineer")],
                ["text", "text", "text", "dt", "text"], vendor_rows, total=vendor_total),
        Section("recurring", _("Recurring faults"), ticket_headers(), TICKET_FORMATS,
                recurring_rows, total=recurring_total),
    ]
    data = {"repairs": total, "parts_issued": parts_total, "loans": loans_total,
            "waiting_vendor": vendor_total, "recurring_faults": recurring_total,
            "mean_repair_hours": mean_hours,
            "by_asset_type": [{"asset_type": r[0], "repairs": r[1], "resolved": r[2],
                               "recurring": r[3]} for r in type_rows]}
    return sections, json_ready(data)


def review(contract, start: date, end: date, *, today: date) -> tuple[list, dict]:
    """Quarterly and annual reviews: the summary figures per month, charts, complaints per
    quarter against the limits."""
    scope = Scope(contract_ids=(contract.pk,))
    months = trend(scope, start, end, monthly=True)
    figures = summary(scope, start, end)
    assets = asset_figures([contract.pk], start, end)
    backlog_now = backlog(scope, min(end, today))
    quarters: dict[str, dict] = {}
    for p in months:
        year, number = quarter_of(p["period"])
        entry = quarters.setdefault(f"{year} Q{number}", {"complaints": 0, "major_complaints": 0})
        entry["complaints"] += p["complaints"]
        entry["major_complaints"] += p["major_complaints"]
    policy = SurveyPolicy.for_contract(contract)
    # A review ends on a quarter's last day: its last quarter is the quarter to date.
    rows = kpi_rows(contract, figures, backlog_open=backlog_now["open"],
                    quarter=list(quarters.values())[-1],
                    server=_server_totals(assets, start, end))
    labels = [f"{p['period']:%Y-%m}" for p in months]
    monthly = Section(
        "months", _("Figures per month"),
        [_("Month"), _("Opened"), _("Resolved"), *(clock_label(kind) for kind in CLOCKS),
         _("Faults resolved in time"), _("First-line resolution"),
         _("MTTR (minutes)"), _("Reopen rate"), _("Satisfaction"), _("Survey response rate"),
         _("Complaints")],
        ["text", "int", "int", "pct", "pct", "pct", "pct", "pct", "num", "pct", "pct", "pct",
         "int"],
        [[label, p["tickets_opened"], p["tickets_resolved"], p["response_attainment"],
          p["arrival_attainment"], p["resolution_attainment"], p["fault_resolution_rate"],
          p["first_line_resolution_rate"], p["mttr_minutes"], p["reopen_rate"],
          p["satisfaction_rate"], p["survey_response_rate"], p["complaints"]]
         for label, p in zip(labels, months, strict=True)],
        charts=[
            charts.bar_chart(_("Tickets opened and resolved per month"), labels,
                             [(_("Opened"), [p["tickets_opened"] for p in months]),
                              (_("Resolved"), [p["tickets_resolved"] for p in months])]),
            charts.line_chart(_("SLA attainment per month"), labels,
                              [(clock_label("response"),
                                [p["response_attainment"] for p in months]),
                               (clock_label("resolution"),
                                [p["resolution_attainment"] for p in months]),
                               (_("Satisfaction"), [p["satisfaction_rate"] for p in months])],
                              percent=True)])
    complaints = Section(
        "complaints", _("Complaints per quarter"),
        [_("Quarter"), _("Complaints"), _("Limit"), _("Major complaints"), _("Limit"), _("Met")],
        ["text", "int", "int", "int", "int", "text"],
        [[q, c["complaints"], policy.complaint_limit, c["major_complaints"],
          policy.major_complaint_limit,
          verdict(c["complaints"] <= policy.complaint_limit
                  and c["major_complaints"] <= policy.major_complaint_limit)]
         for q, c in quarters.items()])
    clocks, _chart = clocks_section(figures, contract)
    sections = [kpi_section(rows), monthly, clocks, complaints,
                by_type_priority(contract, start, end)]
    data = {"summary": figures, "months": months, "quarters": quarters,
            "kpis": [{k: r[k] for k in ("key", "value", "target", "met")} for r in rows]}
    return sections, json_ready(data)


def major_incident(contract, ticket, *, at: datetime) -> tuple[list, dict]:
    facts = [
        [_("Ticket"), ticket.number], [_("Title"), ticket.title],
        [_("Service type"), ticket.service_type.label if ticket.service_type_id else ""],
        [_("Priority"), f"P{ticket.priority}"], [_("Status"), ticket.get_status_display()],
        [_("Requester"), ticket.requester.name if ticket.requester_id else ""],
        [_("Engineer"), ticket.assignee.name if ticket.assignee_id else ""],
        [_("Location"), ticket.location],
        [_("Asset"), (f"{ticket.asset.tag or ''} {ticket.asset.name}".strip()
                      if ticket.asset_id else "")],
        [_("Created"), V(ticket.created_at, "dt")],
        [_("Resolved"), V(ticket.resolved_at, "dt")],
        [_("Time to resolve (hours)"),
         V((ticket.resolved_at - ticket.created_at).total_seconds() / 3600
           if ticket.resolved_at else None, "num")],
        [_("Resolution"), ticket.get_resolution_code_display() if ticket.resolution_code
         else ""],
        [_("Description"), ticket.description],
        [_("Cause and resolution notes"), ticket.resolution_notes],
    ]
    # Internal notes stay internal: the client signs this report.
    entries = (ticket.entries.filter(internal=False).select_related("author")
               .order_by("created_at", "pk")[:LIST_LIMIT])
    timeline = [[e.created_at, e.author.name if e.author_id else "",
                 e.get_kind_display(), e.get_to_status_display() if e.to_status else "",
                 e.body or e.detail] for e in entries]
    states = clock_states(list(ticket.clocks.select_related("calendar").order_by("kind")), at=at)
    state_labels = {"met": _("Met"), "breached": _("Breached"),
                    "running": pgettext("SLA clock", "Running"), "paused": _("Paused"),
                    "not_needed": _("Not needed")}
    clock_rows = [[s["label"], s["target_minutes"], s["due_at"], s["stopped_at"],
                   state_labels.get(s["state"], s["state"])] for s in states]
    sections = [
        Section("facts", _("Incident"), [_("Field"), _("Value")], ["text", "text"], facts),
        Section("timeline", _("Timeline"),
                [_("At"), _("By"), _("Kind"), _("New status"), _("Text")],
                ["dt", "text", "text", "text", "text"], timeline),
        Section("sla", _("SLA clocks"),
                [_("Clock"), _("Target (business minutes)"), _("Due"), _("Stopped at"),
                 _("Verdict")], ["text", "int", "dt", "dt", "text"], clock_rows),
    ]
    data = {"ticket": ticket.number, "created_at": ticket.created_at,
            "resolved_at": ticket.resolved_at,
            "clocks": [{"kind": s["kind"], "state": s["state"]} for s in states]}
    return sections, json_ready(data)



TITLES = {
    ReportKind.MONTHLY_SUMMARY: lambda: _("Monthly service summary"),
    ReportKind.MONTHLY_REPAIR: lambda: _("Monthly repair summary"),
    ReportKind.QUARTERLY: lambda: _("Quarterly service review"),
    ReportKind.ANNUAL: lambda: _("Annual service review"),
    ReportKind.MAJOR_INCIDENT: lambda: _("Major-incident report"),
}


def build(contract, kind: str, period_start: date, *, ticket=None, version: int = 1,
          at: datetime | None = None) -> Report:
    """Gather a report (call inside translation.override of the reader's language)."""
    at = at or now()
    today = at.astimezone(zone()).date()
    if kind == ReportKind.MAJOR_INCIDENT:
        if ticket is None:
            raise ValueError("A major-incident report is about one ticket.")
        start = ticket.created_at.astimezone(zone()).date()
        end = (ticket.resolved_at or at).astimezone(zone()).date()
        sections, data = major_incident(contract, ticket, at=at)
    else:
        start, end = period_of(kind, period_start)
        gather = {ReportKind.MONTHLY_SUMMARY: monthly_summary,
                  ReportKind.MONTHLY_REPAIR: monthly_repair,
                  ReportKind.QUARTERLY: review, ReportKind.ANNUAL: review}[kind]
        sections, data = gather(contract, start, end, today=today)
    return Report(kind=kind, title=str(TITLES[kind]()), contract=contract, period_start=start,
                  period_end=end, generated_at=at, version=version, ticket=ticket,
                  sections=sections, figures=data)
