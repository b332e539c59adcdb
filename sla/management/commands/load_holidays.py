"""Enter China's official holidays and make-up working days into the holiday tables."""

from django.core.management.base import BaseCommand, CommandError

from core.clock import now
from sla.clocks import clocks_recompute
from sla.holidays import (
    REGION_CN,
    calendar_days_clear,
    chinesecalendar_source,
    load_china_holidays,
)
from sla.models import Clock, HolidayDay


class Command(BaseCommand):
    help = ("Enter China's holidays and make-up working days from chinesecalendar (default: "
            "every year it covers from 2020 on). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", metavar="YEAR",
                            help="A year to enter; repeat for several.")

    def handle(self, *args, years=None, **options):
        try:
            entered = load_china_holidays(years=years)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        source = chinesecalendar_source()
        for year in entered:
            days = HolidayDay.objects.filter(region=REGION_CN, day__year=year)
            closed = days.filter(kind=HolidayDay.Kind.CLOSED).count()
            makeup = days.filter(kind=HolidayDay.Kind.MAKEUP).count()
            self.stdout.write(f"{REGION_CN} {year}: {closed} closed days, {makeup} make-up "
                              f"working days ({source})")
        # Deadlines that were provisional for want of these years are recomputed now.
        calendar_days_clear()
        changed = clocks_recompute(clocks=Clock.objects.filter(provisional=True), moment=now())
        if changed:
            self.stdout.write(f"{changed} provisional deadline(s) recomputed.")
