"""The embedded SQLite database takes `make run`'s concurrent writers without "database is locked".

Runs tests/itsm/sqlite_contention.py on a fresh SQLite file in a subprocess, so this holds on
SQLite even when the suite itself runs on PostgreSQL (CI).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_it_lets_ten_claims_and_ten_deliveries_write_at_once(tmp_path):
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL",
                                "DJANGO_SETTINGS_MODULE"}}
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'contention.sqlite3'}", ITSM_VAR_DIR=str(tmp_path),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "tests" / "itsm" / "sqlite_contention.py")], cwd=ROOT,
        env=environment, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])

    assert outcome["errors"] == []
    assert outcome["journal_mode"] == "wal"
    assert len(outcome["winners"]) == 1
    assert outcome["refused"] == 9
    assert outcome["assignee"] == outcome["winners"][0]
    assert outcome["sent_rows"] == 10
    assert set(outcome["mails_per_subject"].values()) == {1}
