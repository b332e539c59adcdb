"""PostgreSQL: an index on (contract, month in China time) of the ticket surveys.

The satisfaction analysis groups a contract's surveys by DATE_TRUNC('month', sent_at AT TIME
ZONE 'Asia/Shanghai'). Without statistics on that expression PostgreSQL expects one group per
row and sorts 200,000 rows (spilling to disk) before aggregating; the index gives ANALYZE the
expression's statistics, so it hashes a dozen groups instead (bench/surveys_analysis.py). Kept
out of the model state: Django cannot express the AT TIME ZONE index portably, and SQLite (tests)
has no use for it.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS survey_contract_month ON surveys_ticketsurvey
    (contract_id, (DATE_TRUNC('month', sent_at AT TIME ZONE 'Asia/Shanghai')))
"""
DROP = "DROP INDEX IF EXISTS survey_contract_month"


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_complaint_counter")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
