"""Statistics on how a ticket's requester and contract go together (issue 19).

PostgreSQL estimates `requester_id = … AND contract_id = …` as if the two were independent: at a
million tickets, "my tickets" of an end user who sees their department's tickets (the requester
and ten colleagues, one contract) was estimated at 644 rows for 11,368, and planned as a bitmap
scan of every one of them plus a sort (32 ms) instead of walking the newest tickets until a page
is full (0.5 ms). Which plan came out depended on the sample the last ANALYZE drew, so the page
was fast in one benchmark run and five times slower in the next. A requester files on their
own client's contracts, so the contract nearly follows from the requester: declared here
(functional dependencies and the most common pairs), the estimate is right (8,949 for 11,368).
The ANALYZE fills them at once instead of at autovacuum's next pass."""

from django.db import migrations

NAME = "ticket_requester_contract"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (the embedded `make run`) has no extended statistics
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {NAME} (dependencies, mcv) "
        "ON requester_id, contract_id FROM tickets_ticket")
    schema_editor.execute("ANALYZE tickets_ticket")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0014_ticket_bigrams_cost")]
    operations = [migrations.RunPython(forward, backward)]
