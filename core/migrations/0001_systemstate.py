"""SystemState moves from the project package to core: the state only, the table
(itsm_systemstate) stays where itsm's first migration created it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("itsm", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SystemState",
                    fields=[
                        ("key", models.CharField(max_length=64, primary_key=True, serialize=False,
                                                 verbose_name="key")),
                        ("value", models.JSONField(blank=True, default=dict,
                                                   verbose_name="value")),
                        ("updated_at", models.DateTimeField(auto_now=True,
                                                            verbose_name="updated at")),
                    ],
                    options={
                        "verbose_name": "system state",
                        "verbose_name_plural": "system state",
                        "db_table": "itsm_systemstate",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
