"""accounts.sessions: Django's database sessions with the read prepared (issue 19). Whatever
Django's own store reads for a key, live, expired, unknown or missing, this one reads too, by
the compiled query; and a signed-in page still reads its session once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.sessions import SessionStore
from tests.prepared_runs import prepared_runs


def test_it_is_the_session_engine():
    assert settings.SESSION_ENGINE == "accounts.sessions"


def _saved(data: dict, *, expires_in: timedelta) -> str:
    store = db.SessionStore()
    store.update(data)
    store.set_expiry(expires_in)
    store.save()
    return store.session_key


@pytest.mark.django_db
def test_it_reads_what_djangos_store_reads():
    live = _saved({"who": 7, "名字": "张三"}, expires_in=timedelta(hours=1))
    expired = _saved({"who": 8}, expires_in=timedelta(seconds=-1))
    keys = [live, expired, "unknownkey12345678", None]
    for key in keys:
        ours, theirs = SessionStore(key), db.SessionStore(key)
        assert ours.load() == theirs.load(), key
        assert ours.session_key == theirs.session_key, key  # dropped when nothing was found
    assert SessionStore(live).load()["名字"] == "张三"
    assert SessionStore(expired).load() == {}


@pytest.mark.django_db
def test_it_reads_by_the_compiled_query_without_compiling():
    key = _saved({"who": 7}, expires_in=timedelta(hours=1))
    SessionStore(key).load()  # compiles it, if no earlier test did
    compiled = []
    original_as_sql = SQLCompiler.as_sql

    def compiling(compiler, *args, **kwargs):
        compiled.append(compiler.query.model)
        return original_as_sql(compiler, *args, **kwargs)

    SQLCompiler.as_sql = compiling
    try:
        with prepared_runs() as runs, CaptureQueriesContext(connection) as queries:
            assert SessionStore(key).load()["who"] == 7
    finally:
        SQLCompiler.as_sql = original_as_sql
    assert len(queries) == 1 and not compiled
    assert runs and runs[0]["key"] == key and runs[0]["now"] <= timezone.now()


def test_a_signed_in_page_reads_its_session_once(demo, client):
    client.force_login(demo["desk"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tickets/queue/").status_code == 200
    sessions = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert len(sessions) == 1 and sessions[0].lstrip().startswith("SELECT")


def test_a_login_and_a_logout_work_through_it(demo, client):
    assert client.post("/login/", {"username": "desk", "password": "demo12345"},
                       REMOTE_ADDR="127.0.0.1").status_code == 302
    assert client.get("/tickets/queue/").status_code == 200
    client.post("/logout/")
    assert client.get("/tickets/queue/").status_code == 302  # to the login page
