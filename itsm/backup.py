"""One archive holds an installation: the PostgreSQL database (pg_dump's custom format), every
file of the default storage (attachments, photos, signatures, reports; local disk or object
store alike, read through Django's storage API), and a manifest saying what it is.

The archive is a plain tar file (the dump is compressed by pg_dump, most media already are):
    manifest.json   format, app version, time, the latest applied migration of each app, counts
    database.dump   pg_dump --format=custom
    media/<name>    each stored file under its storage name

Restoring checks the manifest before it touches anything: an archive from a newer version of
the portal (a migration this code does not have) is refused, and so is a database that already
holds tables unless the caller forces it. Commands: manage.py backup / restore
(docs/operations/backup.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from core.clock import now

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media/"


class BackupError(Exception):
    """Why a backup or a restore was refused or failed, in words for the operator."""


@dataclass(frozen=True)
class RestoreSummary:
    manifest: dict
    files: int
    database_was_empty: bool


def backup_create(*, out: Path, database: str = DEFAULT_DB_ALIAS) -> dict:
    """Writes the archive to `out` (through a temporary file beside it, renamed when
    complete, so a failed backup never leaves a truncated archive under the name)."""
    connection = _postgresql(database)
    out = Path(out)
    partial = out.with_name(f".{out.name}.partial")
    with tempfile.TemporaryDirectory(prefix="itsm-backup-") as work:
        dump = Path(work) / DUMP
        _run([_binary("pg_dump"), "--format=custom", f"--file={dump}",
              *_connection_arguments(connection)], connection)
        files, size = 0, 0
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=DUMP)
            for name in storage_files():
                with default_storage.open(name, "rb") as handle:
                    info = tarfile.TarInfo(MEDIA + name)
                    info.size = default_storage.size(name)
                    info.mtime = int(now().timestamp())
                    archive.addfile(info, handle)
                files, size = files + 1, size + info.size
            manifest = {
                "format": FORMAT,
                "app_version": settings.APP_VERSION,
                "created_at": now().isoformat(),
                "database": {"vendor": "postgresql", "name": connection.settings_dict["NAME"]},
                "migrations": applied_migrations(connection),
                "media": {"files": files, "bytes": size},
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
    os.replace(partial, out)
    return manifest


def backup_restore(*, archive_path: Path, force: bool = False,
                   database: str = DEFAULT_DB_ALIAS) -> RestoreSummary:
    connection = _postgresql(database)
    with tarfile.open(archive_path, "r") as archive:
        manifest = manifest_read(archive)
        manifest_check(manifest, connection)
        tables = connection.introspection.table_names()
        if tables and not force:
            raise BackupError(
                f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} "
                "tables). Restore into an empty database, or pass --force to replace its "
                "contents with the archive's.")
        with tempfile.TemporaryDirectory(prefix="itsm-restore-") as work:
            dump = Path(work) / DUMP
            with archive.extractfile(DUMP) as source, dump.open("wb") as target:
                shutil.copyfileobj(source, target)
            connection.close()  # pg_restore --clean drops what this connection may have read
            clean = ["--clean", "--if-exists"] if tables else []
            _run([_binary("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                  "--single-transaction", *clean, f"--dbname={connection.settings_dict['NAME']}",
                  *_connection_arguments(connection, with_name=False), str(dump)], connection)
        files = 0
        for member in archive.getmembers():
            if not (member.isfile() and member.name.startswith(MEDIA)):
                continue
            name = _safe_name(member.name[len(MEDIA):])
            if default_storage.exists(name):
                default_storage.delete(name)
            with archive.extractfile(member) as handle:
                saved = default_storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"The storage saved {name} as {saved}; restore stopped.")
            files += 1
    return RestoreSummary(manifest=manifest, files=files, database_was_empty=not tables)


def manifest_read(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError) as exc:
        raise BackupError(f"Not a backup of this portal: no readable {MANIFEST} ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Archive format {manifest.get('format')!r} is not {FORMAT}.")
    names = set(archive.getnames())
    if DUMP not in names:
        raise BackupError(f"The archive has no {DUMP}.")
    return manifest


def manifest_check(manifest: dict, connection) -> None:
    """Refuses an archive whose schema this code does not know (taken by a newer version)."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in sorted(manifest.get("migrations", {}).items())
               if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"The archive was taken by a newer version of the portal ({manifest.get('app_version')}"
            f"): this code lacks the migrations {', '.join(unknown)}. Install that version, "
            "restore, then upgrade.")


def applied_migrations(connection) -> dict[str, str]:
    """The latest applied migration of each app: the schema version of the database."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    latest: dict[str, str] = {}
    for app, name in sorted(loader.applied_migrations):
        latest[app] = max(latest.get(app, name), name)
    return latest


def storage_files(folder: str = "") -> list[str]:
    """Every file of the default storage, by its storage name ("a/b.pdf")."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a local MEDIA_ROOT that nothing was ever saved to
        return []
    names = [str(PurePosixPath(folder) / name) if folder else name for name in files]
    for sub in folders:
        names += storage_files(str(PurePosixPath(folder) / sub) if folder else sub)
    return sorted(names)


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not name:
        raise BackupError(f"Refusing the archive member media/{name}: not a relative path.")
    return name


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(now().timestamp())
    with tempfile.SpooledTemporaryFile() as handle:
        handle.write(data)
        handle.seek(0)
        archive.addfile(info, handle)


def _postgresql(alias: str):
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise BackupError(
            f"backup and restore need PostgreSQL; this database is {connection.vendor} (the "
            "embedded demo: copy the var/ folder while the portal is stopped).")
    return connection


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def _connection_arguments(connection, *, with_name: bool = True) -> list[str]:
    config = connection.settings_dict
    arguments = []
    if config.get("HOST"):
        arguments.append(f"--host={config['HOST']}")
    if config.get("PORT"):
        arguments.append(f"--port={config['PORT']}")
    if config.get("USER"):
        arguments.append(f"--username={config['USER']}")
    arguments.append("--no-password")
    if with_name:
        arguments.append(config["NAME"])
    return arguments


def _run(command: list[str], connection) -> None:
    env = dict(os.environ)
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
