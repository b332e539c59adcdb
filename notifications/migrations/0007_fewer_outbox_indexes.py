"""Indexes the outbox writes but nobody reads (issue 19: a catch-up of the SLA job writes
~37,000 outbox rows and ~30,000 bell rows in one run, and each index is written per row).

- The in-app recipient's own index: inapp_latest (recipient, -created_at) leads with it.
- The `varchar_pattern_ops` copies Django adds beside a unique CharField on PostgreSQL, for
  LIKE 'prefix%' look-ups: dedupe keys are only ever matched whole (ON CONFLICT, get_or_create),
  which the unique index serves. Django drops such an index with IF EXISTS when the field is
  altered later, so their absence is safe for future migrations.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DEDUPE_KEYS = (("notifications", "Notification"), ("notifications", "InAppNotification"))


def _like_indexes(apps, schema_editor):
    for app_label, model_name in DEDUPE_KEYS:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field("dedupe_key").column
        yield model, column, schema_editor._create_index_name(
            model._meta.db_table, [column], suffix="_like")


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # only PostgreSQL has them
    for _model, _column, name in _like_indexes(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for model, column, name in _like_indexes(apps, schema_editor):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(model._meta.db_table)} "
            f"({quote(column)} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0006_notification_attachments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='inappnotification',
            name='recipient',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='in_app_notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
        ),
        migrations.RunPython(drop_like_indexes, restore_like_indexes, elidable=False),
    ]
