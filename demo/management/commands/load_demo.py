
from django.core.management.base import BaseCommand

from core.periods import month_start, today
from demo.data import DEMO_PASSWORD, PEOPLE, load_demo
from demo.history import load_demo_history
from kpi.models.reports import ReportKind
from kpi.services.reports import generate_report
from sla.models import Contract


class Command(BaseCommand):
    help = "Create or refresh the demo organisations, people and contracts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history", action="store_true",
            help="Also add six months of service history (tickets, SLA clocks, surveys, "
                 "complaints) for the KPI pages; added once.")

    def handle(self, *args, history=False, **options):
        counts = load_demo()
        self.stdout.write(self.style.SUCCESS(
            "Demo data ready: {organisations} organisations, {people} people, "
            "{contracts} contracts, {tickets} tickets.".format(**counts)))
        if history:
            added = load_demo_history()
            if added:
                self.stdout.write(self.style.SUCCESS(
                    "Service history added from {from}: {tickets} tickets, {clocks} SLA clocks, "
                    "{entries} work log entries, {surveys} surveys, {callbacks} callbacks, "
                    "{complaints} complaints.".format(**added)))
                self._archive_last_month()
            else:
                self.stdout.write("Service history already loaded.")
        logins = ", ".join(p[0] for p in PEOPLE if p[-1])
        self.stdout.write(f"Demo logins ({DEMO_PASSWORD}): {logins}")

    def _archive_last_month(self):
        """Last month's service summaries in the report archive, so it is not empty on the
        first visit. Not e-mailed. A machine without Pango or the CJK fonts (WeasyPrint cannot
        load) only gets a warning: the demo itself is complete without them."""
        first = month_start(today(), back=1)
        for contract in Contract.objects.filter(code__in=["DEMO-DESKTOP", "DEMO-SERVER"]):
            try:
                generate_report(contract, ReportKind.MONTHLY_SUMMARY, first, send=False)
            except Exception as exc:  # noqa: BLE001 - a missing system library, typically
                self.stderr.write(f"No demo report for {contract.code}: {exc}")
                return
        self.stdout.write(f"Archived the {first:%Y-%m} service summaries of the demo contracts.")
