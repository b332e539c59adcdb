"""Recompute stored SLA deadlines of running clocks (after a calendar or holiday correction)."""

from django.core.management.base import BaseCommand, CommandError

from itsm.clock import now
from sla.clocks import clocks_recompute
from sla.models import Clock


class Command(BaseCommand):
    help = ("Recompute the deadlines of running SLA clocks: all of them, the provisional ones, "
            "or one ticket's.")

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--all", action="store_true", help="Every running clock.")
        scope.add_argument("--provisional", action="store_true",
                           help="Clocks whose deadline crosses a year without holidays.")
        scope.add_argument("--ticket", metavar="NUMBER", help="One ticket, e.g. 2026-000123.")

    def handle(self, *args, all=False, provisional=False, ticket=None, **options):  # noqa: A002
        clocks = Clock.objects.all()
        if provisional:
            clocks = clocks.filter(provisional=True)
        elif ticket:
            clocks = clocks.filter(ticket__number=ticket)
            if not clocks.exists():
                raise CommandError(f"No SLA clocks for ticket {ticket}.", returncode=2)
        changed = clocks_recompute(clocks=clocks, moment=now())
        self.stdout.write(f"{changed} deadline(s) recomputed.")
