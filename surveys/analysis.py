"""Satisfaction analysis per contract and period (V3, seed 000 满意度调查与分析).

Figures over the ticket surveys *sent* in the period: surveys sent, answered, response rate;
for each dimension the satisfaction rate (share of answers scoring 4 or 5) and the average;
the "really fixed" rate. Seed 000's thresholds flag a figure, and its diagnostic questions are
shown beside it. Two aggregate queries (the period, and the 12-month trend grouped by month in
China's time zone) whatever the number of surveys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.periods import month_start
from core.spreadsheets import safe_cell
from surveys.models import SurveyPolicy, TicketSurvey

CHINA = ZoneInfo("Asia/Shanghai")
TREND_MONTHS = 12
DIMENSIONS = ("response_speed", "attitude", "ability", "overall")
DIMENSION_LABELS = {
    "response_speed": _("Response speed"),
    "attitude": _("Service attitude"),
    "ability": _("Professional ability"),
    "overall": _("Overall satisfaction"),
}
# Seed 000: below these the figure is flagged (percent). "overall" uses the contract's target.
THRESHOLDS = {"response_rate": 70, "response_speed": 90, "attitude": 90, "ability": 80}

# What a flagged figure means and the questions seed 000 asks about it.
DIAGNOSIS = {
    "response_rate": (
        _("Returns are not satisfactory."),
        [_("Were participation and publicity insufficient?"),
         _("Mobilise and publicise better before the next survey.")],
    ),
    "response_speed": (
        _("Engineers take too long to respond to fault reports."),
        [_("Is the ratio of engineers to users the cause?"),
         _("Did engineers fail to answer fault reports in time?"),
         _("Are the client's expectations too high?")],
    ),
    "attitude": (
        _("Users are not satisfied with the engineers' communication and manners."),
        [_("Are the engineers' appearance and language impolite?"),
         _("Do they express themselves poorly?"),
         _("Is the service incomplete?")],
    ),
    "ability": (
        _("Users are not satisfied with the engineers' troubleshooting efficiency."),
        [_("Is there a problem with the engineers' technical ability?"),
         _("Do the working conditions not allow it?"),
         _("Does handling take too long?")],
    ),
    "overall": (
        _("The monthly satisfaction target of the contract is not met."),
        [_("Which of response speed, attitude and ability pulls the overall score down?"),
         _("Were the low scores called back and their causes removed?")],
    ),
}


@dataclass
class Figure:
    key: str
    label: str
    rate: float | None        # percent, None when nothing to divide by
    average: float | None = None
    count: int = 0            # denominator (answers, or surveys sent for the response rate)
    threshold: float | None = None
    flagged: bool = False
    meaning: str = ""
    questions: list = field(default_factory=list)


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _aggregates() -> dict:
    """Conditional aggregates evaluated in one pass; sums rather than averages so that groups
    (months, inside/outside the period) add up."""
    answered = Q(answered_at__isnull=False)
    aggs = {
        "sent": Count("pk"),
        "answered": Count("pk", filter=answered),
        "fixed_yes": Count("pk", filter=answered & Q(fixed=True)),
        "fixed_n": Count("pk", filter=answered & Q(fixed__isnull=False)),
    }
    for dim in DIMENSIONS:
        aggs[f"{dim}_good"] = Count("pk", filter=answered & Q(**{f"{dim}__gte": 4}))
        aggs[f"{dim}_n"] = Count(dim, filter=answered)
        aggs[f"{dim}_sum"] = Sum(dim, filter=answered)
    return aggs


def _add(total: dict, row: dict) -> None:
    for key, value in row.items():
        if key not in ("month", "inside"):
            total[key] = total.get(key, 0) + (value or 0)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, day after end 00:00) in China's time zone."""
    return (datetime.combine(start, time.min, CHINA),
            datetime.combine(end + timedelta(days=1), time.min, CHINA))


def _figures(row: dict, target: Decimal) -> dict:
    sent, answered = row["sent"] or 0, row["answered"] or 0
    figures = {"response_rate": Figure("response_rate", _("Response rate"),
                                       _pct(answered, sent), count=sent,
                                       threshold=THRESHOLDS["response_rate"])}
    for dim in DIMENSIONS:
        n = row[f"{dim}_n"]
        figures[dim] = Figure(
            dim, DIMENSION_LABELS[dim], _pct(row[f"{dim}_good"], n),
            average=round(row[f"{dim}_sum"] / n, 2) if n else None, count=n,
            threshold=float(target) if dim == "overall" else THRESHOLDS[dim])
    for fig in figures.values():
        fig.flagged = fig.rate is not None and fig.rate < fig.threshold
        if fig.flagged:
            fig.meaning, fig.questions = DIAGNOSIS[fig.key]
    return figures


def satisfaction_analysis(*, contract, start: date, end: date) -> dict:
    """The figures of one contract for [start, end] (days, inclusive) and the monthly trend of the
    12 months up to the end. `contract` should come with survey_policy selected."""
    low, high = period_bounds(start, end)
    first_month = month_start(end, TREND_MONTHS - 1)
    trend_low = datetime.combine(first_month, time.min, CHINA)
    # One scan, grouped by month (China time) and by inside/outside the period: the period's
    # figures and the 12-month trend are sums of these groups.
    groups = (TicketSurvey.objects
              .filter(contract=contract, sent_at__gte=min(low, trend_low), sent_at__lt=high)
              .annotate(month=TruncMonth("sent_at", tzinfo=CHINA),
                        inside=ExpressionWrapper(Q(sent_at__gte=low),
                                                 output_field=BooleanField()))
              .values("month", "inside").annotate(**_aggregates()).order_by())
    row = {key: 0 for key in _aggregates()}
    by_month: dict = {}
    for group in groups:
        month = group["month"]
        month = month.astimezone(CHINA).date() if isinstance(month, datetime) else month
        if group["inside"]:
            _add(row, group)
        if month >= first_month:
            _add(by_month.setdefault(month, {}), group)
    target = SurveyPolicy.for_contract(contract).satisfaction_target
    figures = _figures(row, target)
    trend = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        month = month_start(end, back)
        mrow = by_month.get(month)
        entry = {"month": month.strftime("%Y-%m"), "sent": 0, "answered": 0,
                 "response_rate": None, **{d: None for d in DIMENSIONS}}
        if mrow:
            entry.update(sent=mrow["sent"], answered=mrow["answered"],
                         response_rate=_pct(mrow["answered"], mrow["sent"]),
                         **{d: _pct(mrow[f"{d}_good"], mrow[f"{d}_n"]) for d in DIMENSIONS})
        trend.append(entry)
    return {
        "contract": contract,
        "start": start,
        "end": end,
        "sent": row["sent"] or 0,
        "answered": row["answered"] or 0,
        "fixed_rate": _pct(row["fixed_yes"], row["fixed_n"]),
        "target": float(target),
        "figures": figures,
        "trend": trend,
    }


def analysis_json(result: dict) -> dict:
    """The analysis as plain data (API, chart)."""
    return {
        "contract": result["contract"].code,
        "from": result["start"].isoformat(),
        "to": result["end"].isoformat(),
        "sent": result["sent"],
        "answered": result["answered"],
        "fixed_rate": result["fixed_rate"],
        "satisfaction_target": result["target"],
        "figures": {
            key: {"label": str(f.label), "rate": f.rate, "average": f.average, "count": f.count,
                  "threshold": f.threshold, "flagged": f.flagged, "meaning": str(f.meaning),
                  "questions": [str(q) for q in f.questions]}
            for key, f in result["figures"].items()
        },
        "trend": result["trend"],
    }


def analysis_workbook(result: dict):
    """An openpyxl workbook with the figures and the monthly trend (cells through safe_cell)."""
    from openpyxl import Workbook  # openpyxl loads only when a workbook is asked for

    wb = Workbook()
    ws = wb.active
    ws.title = str(_("Figures"))[:31]
    ws.append([safe_cell(v) for v in (str(_("Contract")), result["contract"].code,
                                      result["contract"].name)])
    ws.append([str(pgettext_lazy("reporting period", "Period")), result["start"].isoformat(),
               result["end"].isoformat()])
    ws.append([str(_("Surveys sent")), result["sent"]])
    ws.append([str(_("Answered")), result["answered"]])
    ws.append([str(_("Really fixed (%)")), result["fixed_rate"]])
    ws.append([])
    ws.append([str(h) for h in (_("Figure"), _("Rate (%)"), _("Average"), _("Answers"),
                                _("Threshold (%)"), _("Flagged"))])
    for fig in result["figures"].values():
        ws.append([safe_cell(str(fig.label)), fig.rate, fig.average, fig.count, fig.threshold,
                   str(_("yes")) if fig.flagged else ""])
    trend = wb.create_sheet(str(_("Monthly trend"))[:31])
    trend.append([str(h) for h in (_("Month"), _("Sent"), _("Answered"), _("Response rate (%)"),
                                   *DIMENSION_LABELS.values())])
    for m in result["trend"]:
        trend.append([m["month"], m["sent"], m["answered"], m["response_rate"],
                      *(m[d] for d in DIMENSIONS)])
    return wb
