"""Rebuild the KPI rollup for a range of days (after an import, a migration or a data fix)."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.periods import today as local_today
from kpi.services.rollup import refresh
from sla.models import Contract


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Rebuild the daily KPI rollup and backlog snapshots for days FROM..TO (default: the " \
           "last 45 days)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default today)")
        parser.add_argument("--contract", help="only this contract code")
        parser.add_argument("--chunk-days", type=int, default=31,
                            help="days rebuilt per transaction (default 31)")

    def handle(self, *args, start=None, end=None, contract=None, chunk_days=31, **options):
        today = local_today()
        end_day = _day(end) if end else today
        start_day = _day(start) if start else end_day - timedelta(days=44)
        if start_day > end_day:
            raise CommandError("--from is after --to")
        contract_ids = None
        if contract:
            found = list(Contract.objects.filter(code=contract).values_list("pk", flat=True))
            if not found:
                raise CommandError(f"no contract with code {contract}")
            contract_ids = found
        written = {"rollup_rows": 0, "asset_rows": 0, "backlog_rows": 0}
        chunk_start = start_day
        while chunk_start <= end_day:
            chunk_end = min(chunk_start + timedelta(days=max(chunk_days, 1) - 1), end_day)
            result = refresh(chunk_start, chunk_end, contract_ids=contract_ids)
            for key in written:
                written[key] += result[key]
            chunk_start = chunk_end + timedelta(days=1)
        if connection.vendor == "postgresql":
            # A large rebuild changes the tables' shape; plans need fresh statistics at once
            # (autovacuum may be slow or off).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE kpi_dailyrollup, kpi_backlogsnapshot, kpi_assetfaultrollup")
        self.stdout.write(f"{start_day}..{end_day}: {written['rollup_rows']} rollup rows, "
                          f"{written['backlog_rows']} backlog rows, "
                          f"{written['asset_rows']} asset-fault rows")
