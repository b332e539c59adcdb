"""python manage.py service_report --contract CODE --month YYYY-MM --format pdf|xlsx --out FILE

Refreshes the month's rollup of the contract, renders the report (default: the monthly service
summary) and writes FILE; nothing is archived or e-mailed. A bad contract or month: a one-line
error and exit status 2, nothing written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kpi.models.reports import ReportKind
from kpi.reports.periods import parse_month
from kpi.services.reports import render
from sla.models import Contract

KINDS = [ReportKind.MONTHLY_SUMMARY.value, ReportKind.MONTHLY_REPAIR.value]


class Command(BaseCommand):
    help = "Write a contract's monthly service report as PDF or Excel."

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="Contract code, e.g. DEMO-DESKTOP.")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--format", required=True, choices=["pdf", "xlsx"], dest="fmt")
        parser.add_argument("--out", required=True, help="File to write.")
        parser.add_argument("--kind", default=ReportKind.MONTHLY_SUMMARY.value, choices=KINDS)
        parser.add_argument("--language", default=None,
                            help="zh-hans or en (default: the client contacts' language).")

    def handle(self, *args, contract, month, fmt, out, kind, language, **options):
        try:
            first = parse_month(month)
        except ValueError:
            raise CommandError(f"Bad month {month!r}: expected YYYY-MM, e.g. 2026-10.",
                               returncode=2) from None
        found = Contract.objects.select_related("client").filter(code=contract).first()
        if found is None:
            raise CommandError(f"No contract with code {contract!r}.", returncode=2)
        report, data = render(found, kind, first, fmt, language=language)
        path = Path(out)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Could not write {out}: {exc.strerror}", returncode=2) from None
        self.stdout.write(f"Wrote {path} ({fmt}, {len(data)} bytes): {report.title} "
                          f"{found.code} {first:%Y-%m}.")
