from django.core.management.base import BaseCommand

from itsm.demo import DEMO_PASSWORD, PEOPLE, load_demo


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
            from itsm.demo_history import load_demo_history

            added = load_demo_history()
            if added:
                self.stdout.write(self.style.SUCCESS(
                    "Service history added from {from}: {tickets} tickets, {clocks} SLA clocks, "
                    "{entries} work log entries, {surveys} surveys, {callbacks} callbacks, "
                    "{complaints} complaints.".format(**added)))
            else:
                self.stdout.write("Service history already loaded.")
        logins = ", ".join(p[0] for p in PEOPLE if p[-1])
        self.stdout.write(f"Demo logins ({DEMO_PASSWORD}): {logins}")
