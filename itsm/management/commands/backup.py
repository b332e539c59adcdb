"""manage.py backup --out FILE: the database, the stored files and a manifest in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from itsm.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database (pg_dump), the stored files and a manifest to one archive file."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="the archive file to write")

    def handle(self, *args, out: Path, **options):
        try:
            manifest = backup_create(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {out}: database {manifest['database']['name']}, "
            f"{manifest['media']['files']} files ({manifest['media']['bytes']} bytes), "
            f"version {manifest['app_version']}.")
