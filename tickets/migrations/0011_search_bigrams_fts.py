"""Search indexes for what the trigram indexes of 0008 cannot serve (issue 15).

PostgreSQL: pg_trgm extracts no trigram from a two-character pattern, so LIKE '%电源%' cannot use
a trigram index. ``itsm_ticket_bigrams(title, description, contact_phone)`` is every distinct
two-character substring of the upper-cased text (none spanning whitespace); a GIN index on that
expression answers "contains this two-character term" with ``@> ARRAY[UPPER(term)]``, exactly
what ``icontains`` finds. It is an expression index, so PostgreSQL keeps it in step on every
write; nothing in the services has to remember it.

SQLite (the ``make run`` default): FTS5 trigram tables kept in step by triggers
(tickets/search_fts.py), created here and checked again after every migrate.
"""

from django.db import migrations

from tickets.search_fts import drop_fts, ensure_fts

BIGRAMS = """
CREATE OR REPLACE FUNCTION itsm_ticket_bigrams(title text, description text, phone text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT pair), '{}'::text[])
  FROM (SELECT upper(concat_ws(E'\\n', title, description, phone)) AS doc) AS d,
       LATERAL (SELECT substr(d.doc, i, 2) AS pair
                FROM generate_series(1, char_length(d.doc) - 1) AS i) AS p
  WHERE pair !~ '\\s'
$$
"""

PG_FORWARD = [
    BIGRAMS,
    "CREATE INDEX IF NOT EXISTS ticket_bigrams ON tickets_ticket "
    "USING gin (itsm_ticket_bigrams(title, description, contact_phone))",
    # Statistics of the new expression (its most common pieces): the search asks the planner
    # whether a two-character term is common before looking it up.
    "ANALYZE tickets_ticket",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS ticket_bigrams",
    "DROP FUNCTION IF EXISTS itsm_ticket_bigrams(text, text, text)",
]

def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        ensure_fts(schema_editor.connection)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        drop_fts(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_saved_views")]
    operations = [migrations.RunPython(forward, backward)]
