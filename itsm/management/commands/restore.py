"""manage.py restore FILE [--force]: an archive of `backup` back into the database and storage."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from itsm.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore an archive written by `backup` into an empty database (and the storage); "
            "--force replaces a database that holds tables.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the archive file written by backup")
        parser.add_argument("--force", action="store_true",
                            help="replace the contents of a database that is not empty")

    def handle(self, *args, archive: Path, force: bool, **options):
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            summary = backup_restore(archive_path=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = summary.manifest
        self.stdout.write(
            f"Restored {archive} (taken {manifest['created_at']} by version "
            f"{manifest['app_version']}): the database and {summary.files} files. Run "
            "`manage.py migrate` if this version has newer migrations.")
