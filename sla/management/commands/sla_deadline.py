"""Print the deadline N business minutes after a start on a calendar: how operators check one.

    python manage.py sla_deadline --hours "mon-sat 09:00-21:00" --holidays CN \\
        --start 2026-03-02T20:50:00+08:00 --minutes 20 [--tz Asia/Shanghai]

prints ``2026-03-03T09:10:00+08:00``. Bad arguments: one line on stderr, exit status 2.
"""

import argparse
import math
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from sla.calendar import HoursError, parse_hours
from sla.holidays import build_calendar


class OneLineParser(CommandParser):
    """Argument errors as one line on stderr and exit status 2 (argparse prints the usage too)."""

    def error(self, message):
        if self.called_from_command_line:
            self.exit(2, f"CommandError: {message}\n")
        raise CommandError(f"Error: {message}", returncode=2)


def hours_arg(text: str) -> str:
    try:
        parse_hours(text)
    except HoursError as exc:
        raise argparse.ArgumentTypeError(f"bad service hours: {exc}") from None
    return text


def holidays_arg(text: str) -> str:
    if text.strip().upper() == "CN":
        return "CN"
    if text.strip().lower() == "none":
        return "none"
    raise argparse.ArgumentTypeError(f"{text!r} is not a holiday source (use CN or none)")


def start_arg(text: str) -> datetime:
    try:
        start = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 date and time, e.g. 2026-03-02T20:50:00+08:00"
        ) from None
    if start.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no UTC offset; write it like 2026-03-02T20:50:00+08:00")
    return start


def minutes_arg(text: str) -> int | float:
    try:
        minutes = int(text)
    except ValueError:
        try:
            minutes = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not math.isfinite(minutes) or minutes < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes (0 or more)")
    return minutes


def tz_arg(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"{text!r} is not an IANA time zone") from None
    return text


class Command(BaseCommand):
    help = ("Print the deadline MINUTES business minutes after START on the given service hours, "
            "holidays and time zone, in ISO 8601 in the calendar's zone.")
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser  # Django builds a CommandParser; only error() differs
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--hours", required=True, type=hours_arg,
                            help='Weekly service hours, e.g. "mon-sat 09:00-21:00", '
                                 '"mon-fri 09:00-12:00,13:30-18:00" or "24x7".')
        parser.add_argument("--holidays", required=True, type=holidays_arg,
                            help="CN (China's holidays and make-up days from the holiday "
                                 "tables) or none.")
        parser.add_argument("--start", required=True, type=start_arg,
                            help="Start, ISO 8601 with offset, e.g. 2026-03-02T20:50:00+08:00.")
        parser.add_argument("--minutes", required=True, type=minutes_arg,
                            help="Business minutes to add (0 or more).")
        parser.add_argument("--tz", default="Asia/Shanghai", type=tz_arg,
                            help="IANA time zone of the calendar (default Asia/Shanghai).")

    def handle(self, *args, hours, holidays, start, minutes, tz, **options):
        try:
            calendar = build_calendar(hours=hours, holidays=holidays, tz=tz)
            deadline = calendar.add_minutes(start, minutes)
        except (ValueError, OverflowError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        except DatabaseError as exc:
            message = " ".join(str(exc).split())
            raise CommandError(f"cannot read the holiday tables ({message}); run manage.py "
                               f"migrate, or use --holidays none") from None
        self.stdout.write(deadline.isoformat())
        missing = calendar.unconfirmed_years(start, deadline)
        if missing:
            years = ", ".join(str(y) for y in missing)
            self.stderr.write(f"warning: provisional deadline: the {years} holidays are not "
                              f"entered, so the weekly hours alone were used")
