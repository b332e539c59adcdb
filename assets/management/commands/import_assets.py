"""Import an asset register file into a contract: all rows or none (exit 1 with the errors)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assets.io.importer import assets_import
from sla.models import Contract


class Command(BaseCommand):
    help = "Import assets from an .xlsx or .csv file into a contract's register."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--contract", required=True, help="contract code, e.g. DEMO-DESKTOP")
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row and report, import nothing")

    def handle(self, *args, **options):
        contract = Contract.objects.filter(code=options["contract"]).first()
        if contract is None:
            raise CommandError(_("No contract has the code “%(code)s”.")
                               % {"code": options["contract"]}, returncode=1)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path}, returncode=1)
        with path.open("rb") as data:
            result = assets_import(actor=None, contract=contract, file_name=path.name,
                                   data=data, dry_run=options["dry_run"])
        if not result.ok:
            self.stderr.write(_("Nothing was imported; %(count)s errors:")
                              % {"count": len(result.errors)})
            for error in result.errors:
                self.stderr.write(str(error))
            raise SystemExit(1)
        counts = {"created": result.created, "updated": result.updated,
                  "unchanged": result.unchanged}
        if result.dry_run:
            self.stdout.write(_("Checked only, nothing imported: %(created)s to create, "
                                "%(updated)s to update, %(unchanged)s unchanged.") % counts)
        else:
            self.stdout.write(_("Imported: %(created)s created, %(updated)s updated, "
                                "%(unchanged)s unchanged.") % counts)
