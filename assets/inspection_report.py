"""The inspection report of a contract for a period (巡检报告; seed 003: handed to the client
within a week of the inspections): figures aggregated in SQL, as a page and as Excel.

Which rounds: those *due* in the period (a pre-holiday round falls in the period it is done in,
not in the holiday's). Figures over the records of those rounds:
- completion rate = records done ÷ records due;
- on-time rate = records done on or before their round's due date ÷ records due;
- failed records with the ticket each opened; a summary per asset type; the assets still not
  inspected (pending records) with how many rounds missed them.
The number of queries does not depend on the number of rounds, records or assets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO

from django.db.models import Count, F, Min, Q
from django.utils import translation
from django.utils.translation import gettext as _

from assets.models import Asset, InspectionRecord, InspectionRound
from assets.selectors.inspections import HOLIDAY_LABELS, PENDING, with_progress
from core.spreadsheets import safe_cell

DONE = ~Q(outcome=PENDING)
FAILED = Q(outcome=InspectionRecord.Outcome.FAILED)
ON_TIME = DONE & Q(inspected_at__date__lte=F("round__due_on"))
# How long the provider has to hand the report over after the period (seed 003).
REPORT_WITHIN_DAYS = 7


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class InspectionReport:
    contract: object
    date_from: date
    date_to: date
    rounds: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    by_type: list = field(default_factory=list)
    not_inspected: list = field(default_factory=list)

    @property
    def completion_rate(self) -> float | None:
        return rate(self.totals["done"], self.totals["due"])

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.totals["on_time"], self.totals["due"])

    @property
    def report_due_on(self) -> date:
        return self.date_to + timedelta(days=REPORT_WITHIN_DAYS)


def inspection_report(*, contract, date_from: date, date_to: date) -> InspectionReport:
    """The figures of ``contract``'s rounds due from ``date_from`` to ``date_to`` (inclusive).
    The caller has checked that the user may read this contract."""
    rounds = InspectionRound.objects.filter(contract=contract, due_on__gte=date_from,
                                            due_on__lte=date_to)
    records = InspectionRecord.objects.filter(round__in=rounds)
    totals = records.aggregate(
        due=Count("pk"), done=Count("pk", filter=DONE), failed=Count("pk", filter=FAILED),
        on_time=Count("pk", filter=ON_TIME))
    totals["rounds"] = rounds.count()
    by_type = list(
        records.values("asset__asset_type__code", "asset__asset_type__name",
                       "asset__asset_type__name_en", "asset__asset_type__ordering")
        .annotate(due=Count("pk"), done=Count("pk", filter=DONE),
                  failed=Count("pk", filter=FAILED), on_time=Count("pk", filter=ON_TIME))
        .order_by("asset__asset_type__ordering", "asset__asset_type__code"))
    english = translation.get_language() == "en"
    for row in by_type:
        row["label"] = ((row["asset__asset_type__name_en"] if english else "")
                        or row["asset__asset_type__name"])
        row["completion_rate"] = rate(row["done"], row["due"])
    failed = list(records.filter(FAILED).select_related(
        "asset", "asset__asset_type", "round", "round__plan", "inspected_by", "ticket")
        .order_by("inspected_at", "pk"))
    not_inspected = list(
        Asset.objects.filter(inspections__round__in=rounds, inspections__outcome=PENDING)
        .annotate(missed=Count("inspections"), first_due=Min("inspections__round__due_on"))
        .select_related("asset_type", "site").order_by("tag", "pk"))
    return InspectionReport(
        contract=contract, date_from=date_from, date_to=date_to,
        rounds=list(with_progress(rounds).select_related("plan", "assignee")
                    .order_by("due_on", "pk")),
        totals=totals, failed=failed, by_type=by_type, not_inspected=not_inspected)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _round_label(round_: InspectionRound) -> str:
    if round_.kind == InspectionRound.Kind.PRE_HOLIDAY:
        holiday = HOLIDAY_LABELS.get(round_.holiday, round_.holiday)
        before = _("Before %(holiday)s") % {"holiday": holiday}
        return f"{round_.plan.name} · {before}"
    return round_.plan.name


def report_xlsx(report: InspectionReport) -> bytes:
    """The report as an Excel workbook; every text cell goes through safe_cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)

    def sheet(title, header, rows, first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = title[:31]
        ws.append([safe_cell(str(h)) for h in header])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([safe_cell(v) for v in row])
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
        return ws

    t = report.totals
    sheet(_("Summary"), [_("Figure"), _("Value")], [
        (_("Contract"), f"{report.contract.code} {report.contract.name}"),
        (_("From"), report.date_from.isoformat()), (_("To"), report.date_to.isoformat()),
        (_("Rounds"), t["rounds"]), (_("Records due"), t["due"]),
        (_("Records done"), t["done"]), (_("Done on time"), t["on_time"]),
        (_("Failed"), t["failed"]),
        (_("Completion rate"), _percent(report.completion_rate)),
        (_("On-time rate"), _percent(report.on_time_rate)),
    ], first=True)
    sheet(_("Rounds"), [_("Plan"), _("Kind"), _("Period start"), _("Due on"), _("Engineer"),
                        _("Status"), _("Completed at"), _("Assets"), _("Done"), _("Failed")],
          [(_round_label(r), str(r.get_kind_display()), r.period_start.isoformat(),
            r.due_on.isoformat(), r.assignee.display_name if r.assignee else "",
            str(r.get_status_display()),
            _local(r.completed_at), r.total, r.done, r.failed)
           for r in report.rounds])
    sheet(_("Failed items"), [_("Asset tag"), _("Asset"), _("Type"), _("Round"), _("Due on"),
                              _("Inspected at"), _("Inspected by"), _("Notes"), _("Ticket"),
                              _("Ticket status")],
          [(r.asset.tag, r.asset.name, r.asset.asset_type.label, _round_label(r.round),
            r.round.due_on.isoformat(), _local(r.inspected_at),
            r.inspected_by.display_name if r.inspected_by else "", r.notes,
            r.ticket.number if r.ticket else "",
            str(r.ticket.get_status_display()) if r.ticket else "")
           for r in report.failed])
    sheet(_("By asset type"), [_("Asset type"), _("Records due"), _("Done"), _("Done on time"),
                               _("Failed"), _("Completion rate")],
          [(row["label"], row["due"], row["done"], row["on_time"], row["failed"],
            _percent(row["completion_rate"])) for row in report.by_type])
    sheet(_("Not inspected"), [_("Asset tag"), _("Asset"), _("Type"), _("Site"),
                               _("Rounds missed"), _("First due on")],
          [(a.tag, a.name, a.asset_type.label, a.site.name if a.site else "", a.missed,
            a.first_due.isoformat() if a.first_due else "") for a in report.not_inspected])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
