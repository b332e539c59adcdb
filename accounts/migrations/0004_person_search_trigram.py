"""Trigram indexes for searching people by name and phone (issue 15; PostgreSQL only, see
tickets 0007 for why these expressions)."""

from django.db import migrations

INDEXES = [
    # (index name, table, expression)
    ("person_name_trgm", "accounts_user", '(UPPER("name"::text))'),
    ("person_phone_trgm", "accounts_user", '("phone"::text)'),
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
    dependencies = [("accounts", "0003_security_event")]
    operations = [migrations.RunPython(create, drop)]
