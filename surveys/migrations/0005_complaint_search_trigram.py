"""Trigram indexes for searching complaints by number, name and text (issue 15; PostgreSQL only,
see tickets 0007 for why these expressions)."""

from django.db import migrations

INDEXES = [
    # (index name, table, expression)
    ("complaint_number_trgm", "surveys_complaint", '("number"::text)'),
    ("complaint_name_trgm", "surveys_complaint", '(UPPER("complainant_name"::text))'),
    ("complaint_text_trgm", "surveys_complaint", '(UPPER("description"::text))'),
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
    dependencies = [("surveys", "0004_survey_policy_history")]
    operations = [migrations.RunPython(create, drop)]
