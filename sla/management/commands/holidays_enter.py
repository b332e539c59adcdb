"""Enter a year's official holidays and make-up working days from the State Council's notice.

    python manage.py holidays_enter --year 2027 --file notice.txt [--dry-run]

The file (UTF-8) holds the notice as published, one festival per line or paragraph
(``二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、
2月8日（周六）上班。``), or a table of ranges (see ``sla/holiday_notice.py``). Prints the days read
and saves the year (replacing its days, recomputing provisional deadlines) unless ``--dry-run``.
A line it cannot read, or a year without all seven statutory festivals: the reason and the
line on stderr, exit status 2, nothing saved. ``--file -`` reads standard input.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sla.holiday_notice import Festival, Notice, NoticeError, parse_notice, weekday_name
from sla.holidays import REGION_CN
from sla.services import holiday_year_enter

FIRST_YEAR, LAST_YEAR = 2000, 2199


class Command(BaseCommand):
    help = ("Enter a year's holidays and make-up working days from the State Council's notice "
            "(pasted into a UTF-8 file as published). Exit status 2 and nothing saved when a "
            "line cannot be read or a statutory festival is missing.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The year of the notice.")
        parser.add_argument("--file", required=True,
                            help="The notice text (UTF-8), or - for standard input.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Print what was read; save nothing.")

    def handle(self, *args, year, file, dry_run=False, **options):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"--year {year}: expected {FIRST_YEAR}-{LAST_YEAR}", returncode=2)
        try:
            text = (sys.stdin.read() if file == "-"
                    else Path(file).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from None
        try:
            notice = parse_notice(text, year=year)
            self._print(notice)
            notice.require_complete()
            if dry_run:
                self.stdout.write("--dry-run: nothing saved.")
                return
            entered = holiday_year_enter(year=year, text=text)
        except NoticeError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"Saved {REGION_CN} {year}: {entered.closed} closed days, "
                          f"{entered.makeup} make-up working days; {entered.recomputed} "
                          f"provisional deadline(s) recomputed.")

    def _print(self, notice: Notice) -> None:
        for festival in notice.festivals:
            self.stdout.write(_describe(festival))
        closed = sum(1 for d in notice.closed if d.year == notice.year)
        makeup = sum(1 for d in notice.makeup if d.year == notice.year)
        self.stdout.write(f"{REGION_CN} {notice.year}: {len(notice.festivals)} holidays, "
                          f"{closed} closed days, {makeup} make-up working days.")
        if notice.missing:
            self.stdout.write(f"Missing: {'、'.join(notice.missing)}")


def _describe(festival: Festival) -> str:
    closed = ", ".join(first.isoformat() if first == last else f"{first} – {last}"
                       for first, last in festival.closed_runs)
    text = f"{festival.name}: closed {closed} ({len(festival.closed)} days)"
    if festival.makeup:
        text += "; make-up working days " + ", ".join(
            f"{d.isoformat()} {weekday_name(d)}" for d in festival.makeup)
    return text

