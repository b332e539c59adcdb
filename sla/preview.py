"""What a new ticket's deadlines would be: the same target lookup and calendar as a real one."""

from __future__ import annotations

from datetime import datetime

from sla.clocks import calendar_for
from sla.models import ClockKind, Target


def deadline_preview(*, contract, service_type, priority: int, needs_on_site: bool,
                     start: datetime) -> dict:
    target = Target.objects.select_related("calendar", "contract__calendar").filter(
        contract=contract, service_type=service_type, priority=priority).first()
    if target is None:
        return {"target": None, "rows": []}
    service_calendar = target.calendar or contract.calendar
    calendar = calendar_for(service_calendar)
    rows = []
    for kind in ClockKind:
        minutes = target.minutes_for(kind)
        if not minutes or (kind == ClockKind.ARRIVAL and not needs_on_site):
            continue
        due = calendar.add(start, minutes * 60)
        rows.append({"label": kind.label, "minutes": minutes, "due": due,
                     "provisional": calendar.is_provisional(start, due)})
    return {"target": target, "calendar": service_calendar, "start": start, "rows": rows}
