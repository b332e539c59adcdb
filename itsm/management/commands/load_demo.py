from django.core.management.base import BaseCommand

from itsm.demo import DEMO_PASSWORD, PEOPLE, load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisations, people and contracts (safe to run again)."

    def handle(self, *args, **options):
        counts = load_demo()
        self.stdout.write(self.style.SUCCESS(
            "Demo data ready: {organisations} organisations, {people} people, "
            "{contracts} contracts, {tickets} tickets.".format(**counts)))
        logins = ", ".join(p[0] for p in PEOPLE if p[-1])
        self.stdout.write(f"Demo logins ({DEMO_PASSWORD}): {logins}")
