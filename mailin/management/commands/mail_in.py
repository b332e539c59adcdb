"""`manage.py mail_in --contract CODE < message.eml`: one message from an MTA pipe, processed
exactly as the poller would; prints one line (issue 17, Interfaces)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from mailin.models import Mailbox
from mailin.services.intake import mail_process


class Command(BaseCommand):
    help = "Process one RFC 5322 message read from standard input for a contract's mailbox."

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="The contract's code.")

    def handle(self, *args, contract, **options):
        mailbox = (Mailbox.objects.select_related("contract", "service_type")
                   .filter(contract__code=contract, active=True).first())
        if mailbox is None:
            raise CommandError(f"contract {contract} has no active mailbox")
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            raise CommandError("no message on standard input")
        self.stdout.write(mail_process(mailbox=mailbox, raw=raw).line())
