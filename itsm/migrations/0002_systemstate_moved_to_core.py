"""SystemState now belongs to core (core 0001 takes over the state); the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("itsm", "0001_initial"),
        ("core", "0001_systemstate"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SystemState")],
            database_operations=[],
        ),
    ]
