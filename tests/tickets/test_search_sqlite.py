"""Search on SQLite, the ``make run`` embedded default (issue 15: "on SQLite an FTS5 trigram
table kept in step"). The suite runs on PostgreSQL, so a child process migrates a fresh SQLite
database, files tickets and searches (tests/tickets/sqlite_search_probe.py); this checks its
report."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sqlite3.sqlite_version_info < (3, 34),
                                 reason="the FTS5 trigram tokenizer needs SQLite 3.34")]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    work = tmp_path_factory.mktemp("sqlite-search")
    out = work / "report.json"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'itsm.sqlite3'}",
           "ITSM_VAR_DIR": str(work), "LOG_LEVEL": "WARNING"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.tickets.sqlite_search_probe", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def _served_by_fts(sql: str) -> bool:
    return "tickets_ticket_fts MATCH" in sql


def test_migrate_creates_the_fts_tables_and_their_triggers(report):
    for table in ("tickets_ticket_fts", "tickets_entry_fts"):
        assert table in report["objects"]
        assert {f"{table}_ai", f"{table}_ad", f"{table}_au"} <= set(report["objects"])


@pytest.mark.parametrize("case,titles", [
    ("title", ["会议室投影仪无信号"]),
    ("description", ["会议室投影仪无信号"]),
    ("english_case", ["Outlook cannot connect"]),
    ("reply", ["系统很慢"]),
])
def test_a_term_of_three_characters_is_looked_up_in_fts5(report, case, titles):
    found, sql = report[case]
    assert found == titles
    assert _served_by_fts(sql)
    if case == "reply":
        assert "tickets_entry_fts MATCH" in sql


def test_a_two_character_term_is_still_found(report):
    found, sql = report["two_chars"]
    assert found == ["会议室投影仪无信号"]
    assert not _served_by_fts(sql)  # no trigram in two characters: LIKE


def test_internal_notes_stay_with_staff(report):
    assert report["internal_user"] == []
    assert report["internal_desk"] == ["系统很慢"]


def test_fts_operators_in_a_term_are_literal(report):
    assert report["literal"] == []


def test_the_index_follows_edits_deletions_and_rebuilt_triggers(report):
    assert report["after_edit_old"] == []
    assert report["after_edit_new"] == ["会议室投影仪无信号"]
    assert report["rebuilt"] == ["tickets_ticket_fts"]
    assert report["after_rebuild"] == ["扫描仪卡住"]
    assert report["deleted_in_index"] == 0


def test_the_ticket_tables_rows_are_read_by_an_id_list_on_sqlite(report):
    """The table's prepared query takes the page's ids as one JSON array (json_each)."""
    assert report["table_rows_same"] == {"zh-hans": True, "en": True}
    assert "json_each" in report["table_sql"]


def test_the_queues_saved_views_are_listed_on_sqlite(report):
    assert report["saved_views"] == [True, True, ["共享"]]


def test_the_ticket_pages_clocks_are_prefetched_on_sqlite(report):
    shown, stored = report["page_clocks"]
    assert shown and shown == stored


def test_the_kpi_dashboards_compiled_queries_run_on_sqlite(report):
    """kpi.prepared and fieldservice.figures: dates, durations and id lists as SQLite takes
    them; the same figures as the querysets; the whole dashboard builds."""
    kpi = report["kpi"]
    assert kpi["totals_same"] and kpi["trend_same"] and kpi["backlog_trend_same"]
    assert kpi["months_same"]  # kpi.models.MonthlyRollup, rebuilt by refresh()
    assert kpi["backlog_on_days_same"]  # core.lookups.InDateList: ISO dates in json_each
    assert kpi["opened"] > 0 and kpi["backlog_days"] > 0
    assert {"loaner", "part_requests", "restock", "arrival_proof", "backlog"} <= set(kpi["cards"])
