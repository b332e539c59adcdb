"""manage.py backup / restore: a round trip into an empty database with pg_dump and pg_restore
(the installed PostgreSQL's), the stored files through the storage API, the manifest's checks."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import SystemState
from itsm.backup import applied_migrations

ROOT = Path(__file__).resolve().parents[2]

needs_postgresql = pytest.mark.skipif(
    shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
    reason="pg_dump/pg_restore are not installed (Debian: postgresql-client)")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _url(name: str) -> str:
    db = connection.settings_dict
    return (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{name}")


@pytest.fixture
def empty_database():
    """A database of its own (dropped afterwards) for the restore."""
    name = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"
    admin = _url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore(archive, database, media_root, *extra):
    environment = dict(os.environ, DATABASE_URL=_url(database), MEDIA_ROOT=str(media_root))
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(archive), *extra], cwd=ROOT,
        env=environment, capture_output=True, text=True, timeout=300, check=False)


@needs_postgresql
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_round_trips_into_an_empty_database(media, tmp_path, empty_database):
    SystemState.objects.create(key="backup-probe", value={"word": "备份"})
    default_storage.save("attachments/2026/photo.jpg", ContentFile(b"\xff\xd8jpeg"))
    default_storage.save("report.pdf", ContentFile(b"%PDF-1.7"))
    archive = tmp_path / "itsm.tar"
    started = time.monotonic()

    call_command("backup", out=archive)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert sorted(tar.getnames()) == ["database.dump", "manifest.json",
                                          "media/attachments/2026/photo.jpg", "media/report.pdf"]
    assert manifest["migrations"] == applied_migrations(connection)
    assert manifest["migrations"]["tickets"].startswith("00")
    assert manifest["media"] == {"files": 2, "bytes": 6 + 8}

    restored_media = tmp_path / "restored"
    result = _restore(archive, empty_database, restored_media)
    assert result.returncode == 0, result.stderr
    with psycopg.connect(_url(empty_database)) as conn:
        value = conn.execute("SELECT value FROM itsm_systemstate WHERE key = 'backup-probe'"
                             ).fetchone()[0]
    assert value == {"word": "备份"}
    assert (restored_media / "attachments/2026/photo.jpg").read_bytes() == b"\xff\xd8jpeg"
    assert (restored_media / "report.pdf").read_bytes() == b"%PDF-1.7"

    # Now it holds tables: replaced when forced (refused otherwise, tested in-process below).
    forced = _restore(archive, empty_database, restored_media, "--force")
    assert forced.returncode == 0, forced.stderr
    print(f"backup + 2 restores: {time.monotonic() - started:.1f} s")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_non_empty_database_without_force(media, tmp_path):
    archive = tmp_path / "itsm.tar"
    call_command("backup", out=archive)
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive))


def _archive(tmp_path, manifest: dict, *, dump=True) -> Path:
    path = tmp_path / "crafted.tar"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "database.dump").write_bytes(b"PGDMP")
    with tarfile.open(path, "w") as tar:
        tar.add(tmp_path / "manifest.json", arcname="manifest.json")
        if dump:
            tar.add(tmp_path / "database.dump", arcname="database.dump")
    return path


def test_it_refuses_an_archive_of_a_newer_version(db, tmp_path):
    archive = _archive(tmp_path, {"format": 1, "app_version": "9.0.0",
                                  "migrations": {"tickets": "9999_from_the_future"}})
    with pytest.raises(CommandError, match=r"newer version .*tickets\.9999_from_the_future"):
        call_command("restore", str(archive), "--force")


@pytest.mark.parametrize("manifest, dump, message", [
    ({"format": 2}, True, "Archive format 2 is not 1"),
    ({"format": 1, "migrations": {}}, False, "no database.dump"),
])
def test_it_refuses_an_archive_it_cannot_read(db, tmp_path, manifest, dump, message):
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(_archive(tmp_path, manifest, dump=dump)), "--force")


def test_it_refuses_a_file_that_is_no_backup(db, tmp_path):
    path = tmp_path / "empty.tar"
    with tarfile.open(path, "w"):
        pass
    with pytest.raises(CommandError, match="no readable manifest.json"):
        call_command("restore", str(path))
