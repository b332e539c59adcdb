"""Rebuild a ticket's SLA clocks by replaying its history (S4 repair after a calendar, holiday or
target correction): the same rules as sla/clocks.py, applied to the timeline's recorded events
with today's targets and calendars. Fired escalations are kept (they did happen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from sla.clocks import calendar_for, earliest_due, target_for
from sla.models import Clock, ClockKind

# Timeline actions (tickets/services) that matter to the clocks.
RESPONDED = {"accept", "claim", "dispatch", "resolve", "escalate"}


@dataclass
class _Sim:
    calendar: object
    target: int
    warn_percent: int
    started: datetime
    consumed: int = 0
    running_since: datetime | None = None
    paused_since: datetime | None = None
    paused: int = 0
    stopped: datetime | None = None
    met: bool | None = None
    breached_at: datetime | None = None
    due: datetime | None = field(default=None)

    def run(self, moment):
        self.running_since, self.paused_since = moment, None
        self.due = self.calendar.add(moment, max(0, self.target - self.consumed))

    def pause(self, moment):
        if self.stopped or self.paused_since or not self.running_since:
            return
        if self.breached_at is None and self.due is not None and self.due <= moment:
            self.breached_at = self.due  # overdue when paused (as clocks_pause records it)
        self.consumed += self.calendar.between(self.running_since, moment)
        self.running_since, self.paused_since, self.due = None, moment, None

    def resume(self, moment):
        if self.stopped or not self.paused_since:
            return
        self.paused += self.calendar.between(self.paused_since, moment)
        self.run(moment)

    def stop(self, moment, *, verdict=True):
        if self.stopped:
            return
        self.resume(moment)
        self.consumed += self.calendar.between(self.running_since, moment)
        self.stopped = moment
        if verdict:
            self.met = moment <= self.due
            if not self.met:
                self.breached_at = self.breached_at or self.due
        self.running_since = None

    def restart(self, moment):
        if not self.stopped:
            return
        self.stopped, self.met = None, None
        self.run(moment)


def clocks_rebuild(*, ticket, now: datetime) -> list[Clock]:
    """Replay `ticket`'s timeline into its clock rows; returns the rows as rebuilt."""
    target = target_for(ticket)
    with transaction.atomic():
        existing = {c.kind: c for c in Clock.objects.select_for_update().filter(ticket=ticket)}
        if target is None:
            for clock in existing.values():
                if clock.stopped_at is None:
                    clock.stopped_at, clock.met, clock.next_check_at = now, None, None
                    clock.save()
            return list(existing.values())
        service_calendar = target.calendar or target.contract.calendar
        calendar = calendar_for(service_calendar)
        kinds = [ClockKind.RESPONSE, ClockKind.RESOLUTION]
        if target.arrival_minutes and (ticket.needs_on_site or ticket.arrived_at):
            kinds.insert(1, ClockKind.ARRIVAL)
        sims = {k: _Sim(calendar, target.minutes_for(k) * 60, target.warning_percent,
                        ticket.created_at) for k in kinds}
        for sim in sims.values():
            sim.run(ticket.created_at)
        for action, moment in ticket.entries.order_by("created_at", "pk").values_list(
                "action", "created_at"):
            _apply(sims, action, moment, ticket)
        rows = []
        for kind, sim in sims.items():
            clock = existing.get(kind) or Clock(ticket=ticket, kind=kind)
            clock.calendar = service_calendar
            clock.target_seconds, clock.warning_percent = sim.target, sim.warn_percent
            clock.started_at, clock.consumed_seconds = sim.started, sim.consumed
            clock.running_since, clock.paused_since = sim.running_since, sim.paused_since
            clock.paused_seconds, clock.stopped_at, clock.met = sim.paused, sim.stopped, sim.met
            clock.due_at = sim.due
            if sim.running_since is not None:
                warn_left = max(0, sim.target * sim.warn_percent // 100 - sim.consumed)
                clock.warn_at = calendar.add(sim.running_since, warn_left)
                clock.provisional = calendar.is_provisional(sim.running_since, sim.due)
                clock.breached_at = sim.breached_at or (sim.due if sim.due <= now else None)
                clock.next_check_at = clock.warn_at
            else:
                clock.warn_at = clock.next_check_at = None
                clock.breached_at = sim.breached_at
            clock.save()
            rows.append(clock)
        Ticket = Clock._meta.get_field("ticket").related_model
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=earliest_due(ticket))
        return rows


def _apply(sims: dict, action: str, moment: datetime, ticket) -> None:
    response = sims.get(ClockKind.RESPONSE)
    arrival = sims.get(ClockKind.ARRIVAL)
    resolution = sims.get(ClockKind.RESOLUTION)
    if action == "pend":
        for sim in sims.values():
            sim.pause(moment)
    elif action == "resume":
        for sim in sims.values():
            sim.resume(moment)
    elif action == "check_in" and arrival:
        arrival.stop(moment)
    elif action == "reopen" and resolution:
        resolution.restart(moment)
    elif action == "cancel":
        for sim in sims.values():
            sim.stop(moment, verdict=False)
    if action in RESPONDED and response and (
            action != "escalate" or ticket.accepted_at and ticket.accepted_at <= moment):
        response.stop(moment)
    if action == "resolve":
        if arrival and not arrival.stopped:
            arrival.stop(moment, verdict=False)
        if resolution:
            resolution.stop(moment)
