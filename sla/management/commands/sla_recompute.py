"""Recompute stored SLA deadlines of running clocks (after a calendar or holiday correction)."""

from django.core.management.base import BaseCommand, CommandError

from core.clock import now
from sla.clocks import clocks_recompute
from sla.models import Clock
from sla.replay import clocks_rebuild


class Command(BaseCommand):
    help = ("Recompute the deadlines of running SLA clocks: all of them, the provisional ones, "
            "or one ticket's.")

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--all", action="store_true", help="Every running clock.")
        scope.add_argument("--provisional", action="store_true",
                           help="Clocks whose deadline crosses a year without holidays.")
        scope.add_argument("--ticket", metavar="NUMBER",
                           help="One ticket, e.g. 2026-000123: its clocks are rebuilt by "
                                "replaying its history with today's targets and calendars.")

    def handle(self, *args, all=False, provisional=False, ticket=None, **options):  # noqa: A002
        if ticket:
            Ticket = Clock._meta.get_field("ticket").related_model
            found = Ticket.objects.filter(number=ticket).first()
            if found is None:
                raise CommandError(f"No ticket {ticket}.", returncode=2)
            for clock in clocks_rebuild(ticket=found, now=now()):
                state = ("met" if clock.met else "breached" if clock.met is False
                         else "paused" if clock.paused_since else "running"
                         if clock.stopped_at is None else "not needed")
                self.stdout.write(f"{clock.kind}: {state}, due {clock.due_at}")
            return
        clocks = Clock.objects.all()
        if provisional:
            clocks = clocks.filter(provisional=True)
        changed = clocks_recompute(clocks=clocks, moment=now())
        self.stdout.write(f"{changed} deadline(s) recomputed.")
