"""Enter China's official holidays and make-up working days into the holiday tables."""

from django.core.management.base import BaseCommand, CommandError

from sla.holidays import REGION_CN, chinesecalendar_source, load_china_holidays
from sla.models import HolidayDay


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
