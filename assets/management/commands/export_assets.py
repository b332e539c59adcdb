"""Write a contract's asset register to an .xlsx or .csv file (format by extension)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assets.io.importer import assets_export
from assets.io.write import FORMATS
from sla.models import Contract


class Command(BaseCommand):
    help = "Export a contract's asset register to an .xlsx or .csv file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write: a path ending in .xlsx or .csv")
        parser.add_argument("--contract", required=True, help="contract code, e.g. DEMO-DESKTOP")

    def handle(self, *args, **options):
        path = Path(options["file"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(_("The file name must end in .xlsx or .csv."), returncode=1)
        contract = Contract.objects.filter(code=options["contract"]).first()
        if contract is None:
            raise CommandError(_("No contract has the code “%(code)s”.")
                               % {"code": options["contract"]}, returncode=1)
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as out:
                assets_export(contract=contract, fmt=fmt, out=out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc), returncode=1) from None
        partial.replace(path)
        self.stdout.write(_("Wrote %(count)s assets to %(path)s.") % {
            "count": contract.assets.count(), "path": path})
