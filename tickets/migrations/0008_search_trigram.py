"""Trigram indexes for search (issue 15): ticket number, title, description, contact phone and
the timeline's text (people: accounts 0004, complaints: surveys 0005). PostgreSQL only
(SQLite scans; see portal/search/).

Django's icontains on PostgreSQL is `UPPER(col::text) LIKE UPPER('%q%')` and contains is
`col::text LIKE '%q%'`; these expression indexes match those forms exactly, so a search for a
word of three or more characters (Chinese or English) reads the index, not the table. pg_trgm
cannot serve a pattern shorter than three characters from an index; bench/README.md says what
that costs. English words are ranked with full-text ('simple' configuration) on the matches.
"""


from django.db import migrations

INDEXES = [
    # (index name, table, expression)
    ("ticket_number_trgm", "tickets_ticket", '("number"::text)'),
    ("ticket_title_trgm", "tickets_ticket", '(UPPER("title"::text))'),
    ("ticket_description_trgm", "tickets_ticket", '(UPPER("description"::text))'),
    ("ticket_phone_trgm", "tickets_ticket", '("contact_phone"::text)'),
    ("entry_body_trgm", "tickets_entry", '(UPPER("body"::text))'),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_canned_replies_resolution_templates")]
    operations = [migrations.RunPython(create, drop)]
