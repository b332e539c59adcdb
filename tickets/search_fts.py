"""SQLite full-text search for tickets (issue 15: "on SQLite an FTS5 trigram table kept in step").

Two FTS5 tables with the trigram tokenizer, external content (they store only the index):
tickets_ticket_fts over the ticket's title, description and contact phone, tickets_entry_fts over
the timeline's text. Triggers keep them in step on every insert, update and delete, so no
service has to remember them. A phrase query of a term of three characters or more matches
the rows that contain it (case-insensitively), served by the index; a shorter term yields no
trigram and is left to LIKE.

Created after every ``migrate`` (post_migrate, TicketsConfig.ready), not only by a migration:
SQLite's ALTER TABLE in a later migration rebuilds tickets_ticket or tickets_entry under a new
name and drops the triggers with the old table, so each run checks them and, when one is
missing, recreates it and rebuilds the index from the tables. PostgreSQL needs none of this
(trigram and bigram indexes, tickets 0008 and 0011).
"""

from __future__ import annotations

# (FTS table, content table, indexed columns)
FTS_TABLES = [
    ("tickets_ticket_fts", "tickets_ticket", ("title", "description", "contact_phone")),
    ("tickets_entry_fts", "tickets_entry", ("body",)),
]
FTS_MIN = 3  # the trigram tokenizer matches terms of three characters or more


def _statements(table: str, content: str, columns: tuple[str, ...]) -> tuple[str, list[str]]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    # Names from FTS_TABLES only (constants), never from input.
    delete = f"INSERT INTO {table}({table}, rowid, {cols}) VALUES ('delete', old.id, {old});"  # noqa: S608
    insert = f"INSERT INTO {table}(rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608
    create = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({cols}, "
              f"content='{content}', content_rowid='id', tokenize='trigram')")
    triggers = [
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {content} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {content} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE OF {cols} ON {content} "
        f"BEGIN {delete} {insert} END",
    ]
    return create, triggers


def ensure_fts(connection) -> list[str]:
    """Create the FTS tables and triggers that are missing on an SQLite connection and rebuild
    the index of each table whose set was incomplete; the names of the rebuilt tables."""
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for table, content, columns in FTS_TABLES:
            if content not in present:  # migrated only part of the way (tests, rollbacks)
                continue
            wanted = {table, f"{table}_ai", f"{table}_ad", f"{table}_au"}
            if wanted <= present:
                continue
            create, triggers = _statements(table, content, columns)
            cursor.execute(create)
            for trigger in triggers:
                cursor.execute(trigger)
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608
            rebuilt.append(table)
    return rebuilt


def drop_fts(connection) -> None:
    """Remove the FTS tables and their triggers (SQLite; nothing elsewhere)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table, _content, _columns in FTS_TABLES:
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def fts_phrase(term: str) -> str:
    """``term`` as one FTS5 phrase: double quotes doubled, so no character is an operator."""
    return '"' + term.replace('"', '""') + '"'


def ticket_ids_sql() -> str:
    """SQL of the ids of tickets whose own text contains the phrase parameter."""
    return "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s"


def entry_ids_sql() -> str:
    """SQL of the ids of timeline entries whose text contains the phrase parameter."""
    return "SELECT rowid FROM tickets_entry_fts WHERE tickets_entry_fts MATCH %s"
