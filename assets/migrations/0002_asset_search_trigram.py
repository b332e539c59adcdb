"""Trigram indexes for the register's "contains" search (PostgreSQL only; SQLite scans).

Django's icontains on PostgreSQL is `UPPER(col::text) LIKE UPPER('%q%')`; these expression
indexes match that form, so a search over 200,000 assets reads a few index pages instead of the
table. On other databases the migration does nothing.
"""

from django.db import migrations

COLUMNS = ("tag", "serial", "name", "model")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS asset_{column}_trgm ON assets_asset '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS asset_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
