"""`manage.py refresh_kpi` and the beat entries that keep the rollup fresh."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from kpi import figures
from kpi.selectors.dashboard import scope_for
from sla.models import Contract
from tests.kpi.data import at, make_ticket


def test_command_rebuilds_a_range_for_one_contract(demo):
    desktop = Contract.objects.get(code="DEMO-DESKTOP")
    make_ticket(desktop, created_at=at(date(2026, 2, 3), 10), requester=demo["user"])
    out = StringIO()
    with time_machine.travel(at(date(2026, 3, 1), 9), tick=False):
        call_command("refresh_kpi", "--from", "2026-02-01", "--to", "2026-02-28",
                     "--contract", "DEMO-DESKTOP", "--chunk-days", "7", stdout=out)
    assert "2026-02-01..2026-02-28" in out.getvalue()
    assert figures.summary(scope_for(desktop), date(2026, 2, 1),
                           date(2026, 2, 28))["tickets_opened"] == 1


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-02-30"], "not a date"),
    (["--from", "2026-03-02", "--to", "2026-03-01"], "after"),
    (["--contract", "NOPE"], "no contract"),
])
def test_command_refuses_bad_input(demo, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("refresh_kpi", *args)


def test_beat_keeps_the_rollup_fresh():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["kpi-refresh-recent"]["task"] == "kpi.tasks.refresh_recent"
    assert schedule["kpi-refresh-nightly"]["task"] == "kpi.tasks.refresh_nightly"
    from itsm.celery import app

    app.loader.import_default_modules()
    assert {"kpi.tasks.refresh_recent", "kpi.tasks.refresh_nightly"} <= set(app.tasks)
