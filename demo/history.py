"""Six months of demo service history, so the KPI dashboards, scorecards and reports (issue 7)
show real figures on a fresh install (`make run`, `manage.py load_demo --history`).

Not part of `demo.data.load_demo()` (the tests replay that small demo): `load_demo_history()`
writes a few thousand rows straight into the tables with bulk_create — tickets with their
timeline entries and SLA clocks, surveys (and the callbacks of low scores), a few complaints —
then rebuilds the KPI rollup for the whole period. The data is made up from a seeded random
generator, so two installations get the same history for the same day.

Idempotent: a SystemState row marks the history as loaded; a second call does nothing.

Time is business time, as in the live system: every clock's deadline (and warning) is computed
on the contract's service calendar with the same functions the SLA services use
(sla.clocks.calendar_for, BusinessCalendar.add), so on the 6×12 desktop contract no deadline
falls on a Sunday, an official holiday or outside 09:00–21:00; the desk's and engineers' work
(response, arrival, resolution, a reopened ticket's second fix) happens in service hours too.
A ticket filed on a closed day waits for the next opening. Years without holiday data are
computed on the weekly hours and the clocks marked provisional, as the live system does. A
clock keeps the moment it first breached when its deadline later moves (a reopened ticket
restarts its resolution clock with the business time it had left), so reports show the two.

Simplifications (this is demo history, not a replay of the services):
- No notifications for the generated records, and simple-history rows only where a page shows
  them: the assets the system flags as recurring faults (by nobody, reason "system").
- Requesters confirm and answer surveys at any hour; the auto-close job runs exactly
  `TICKET_AUTO_CLOSE_DAYS` after the resolution.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Organisation, Site, User
from accounts.roles import CLIENT_ROLES, Role
from assets.models import Asset
from core.clock import now
from core.counters import next_in_year
from core.models import SystemState
from core.periods import month_start, zone
from demo.data import DEMO_PASSWORD
from demo.history_data import (
    BAD_COMMENTS,
    COMPLAINTS,
    DESKTOP_MIX,
    GOOD_COMMENTS,
    HISTORY_PEOPLE,
    NOTES,
    SERVER_MIX,
)
from kpi.services import rollup
from sla import holidays
from sla.clocks import calendar_for
from sla.models import Clock, ClockKind, Contract, Target
from surveys.models import CallbackTask, Complaint, TicketSurvey
from surveys.models.complaints import ComplaintCounter
from surveys.services.complaints import ANSWER_WITHIN, seventh_working_day
from tickets.models import (
    Category,
    Channel,
    Entry,
    Kind,
    PendingReason,
    Priority,
    ResolutionCode,
    ServiceType,
    Status,
    Ticket,
    TicketCounter,
)
from tickets.services.intake import SYSTEM_CHANGE_REASON

HISTORY_KEY = "demo_history"
DEMO_LOGINS = {"user", "user2", "client"}  # their own ticket lists get a little more history
SEED = 20260701
# Why a ticket waited in the past, and for how many hours (natural time) before it resumed.
PAUSES = [(PendingReason.SPARE_PART, (4, 48)), (PendingReason.VENDOR, (8, 72)),
          (PendingReason.USER, (1, 24))]
PAUSE_NOTES = {PendingReason.SPARE_PART: "等待备件到货。", PendingReason.VENDOR: "等待厂商处理。",
               PendingReason.USER: "等待用户方便时继续处理。"}

def _ensure_people(password: str) -> None:
    for org_code, people in HISTORY_PEOPLE.items():
        org = Organisation.objects.get(code=org_code)
        sites = list(Site.objects.filter(organisation=org).order_by("pk"))
        existing = set(User.objects.filter(username__in=[p[0] for p in people])
                       .values_list("username", flat=True))
        new = []
        for i, (username, name, dept, employee_no) in enumerate(people):
            if username in existing:
                continue
            new.append(User(
                username=username, name=name, role=Role.END_USER, organisation=org,
                department=Department.objects.get(organisation=org, name=dept),
                site=sites[i % len(sites)], phone=f"1390010{employee_no[-4:]}",
                employee_no=employee_no, email=f"{username}@{org_code.lower()}.example",
                password=password, is_active=True))
        User.objects.bulk_create(new)


class _Builder:
    """Plans the tickets day by day, then writes every table in a few bulk inserts."""

    def __init__(self, rng: random.Random, current: datetime):
        self.rng = rng
        self.current = current
        self.zone = zone()
        self.users = {u.username: u for u in User.objects.all()}
        self.targets = {(t.contract_id, t.service_type_id, t.priority): t
                        for t in Target.objects.select_related("calendar", "contract__calendar")}
        self.types = {s.code: s for s in ServiceType.objects.all()}
        self.categories = {}
        for category in Category.objects.select_related("parent", "service_type"):
            path = ((category.parent.name, category.name) if category.parent_id
                    else (category.name,))
            self.categories[(category.service_type.code, path)] = category
        self.assets = {a.tag: a for a in Asset.objects.exclude(tag="")}
        self.closed, self.makeup, _years = holidays.calendar_days(holidays.REGION_CN)
        self.plans: list[dict] = []
        self.calendars: dict[int, object] = {}
        self.asset_faults: dict[tuple, datetime] = {}
        self.window = timedelta(days=settings.RECURRING_FAULT_DAYS)

    def calendar(self, contract: Contract, target: Target | None):
        """The business calendar the ticket's clocks run on: the target's, else the contract's
        (as sla.clocks.clocks_start chooses it)."""
        service_calendar = (target.calendar or target.contract.calendar) if target else (
            contract.calendar)
        if service_calendar.pk not in self.calendars:
            self.calendars[service_calendar.pk] = (service_calendar,
                                                   calendar_for(service_calendar))
        return self.calendars[service_calendar.pk]

    # --- planning ----------------------------------------------------------------------------
    def requesters(self, contract: Contract) -> list[User]:
        people = [u for u in self.users.values()
                  if u.organisation_id == contract.client_id and u.is_active
                  and u.role in CLIENT_ROLES]
        weighted = []
        for person in sorted(people, key=lambda u: u.username):
            weighted += [person] * (3 if person.username in DEMO_LOGINS else 1)
        return weighted

    def day_factor(self, day: date) -> float:
        if day in self.makeup:
            return 1.0
        if day in self.closed or day.weekday() == 6:
            return 0.12
        return 0.35 if day.weekday() == 5 else 1.0

    def plan_contract(self, contract: Contract, first: date, last: date, *, per_day: tuple,
                      mix: list, engineers: list[tuple[str, int]], agents: list[tuple[str, int]],
                      around_the_clock: bool) -> None:
        rng = self.rng
        requesters = self.requesters(contract)
        day = max(first, contract.starts_on)
        while day <= last:
            factor = self.day_factor(day) if not around_the_clock else (
                1.0 if day.weekday() < 5 and day not in self.closed else 0.5)
            count = rng.randint(*per_day) * factor
            count = int(count) + (1 if rng.random() < count - int(count) else 0)
            for _i in range(count):
                self.plans.append(self.plan_ticket(contract, day, mix, requesters, engineers,
                                                   agents, around_the_clock))
            day += timedelta(days=1)

    def _pick(self, weighted: list[tuple]):
        return self.rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]

    def _created(self, day: date, around_the_clock: bool) -> datetime:
        rng = self.rng
        if around_the_clock and rng.random() < 0.3:
            minutes = rng.randint(0, 24 * 60 - 1)
        else:  # office hours, busiest in the morning
            hour = rng.choices(range(9, 20), [9, 12, 10, 6, 8, 9, 8, 7, 5, 3, 2])[0]
            minutes = hour * 60 + rng.randint(0, 59)
        local = datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59)))
        return local.replace(tzinfo=self.zone)

    def plan_ticket(self, contract, day, mix, requesters, engineers, agents,
                    around_the_clock) -> dict:
        rng = self.rng
        st_code, _w, desk_share, kind, branches = rng.choices(mix, [m[1] for m in mix])[0]
        path, titles, tags = rng.choice(branches)
        service_type = self.types[st_code]
        priority = rng.choices([Priority.P1, Priority.P2, Priority.P3, Priority.P4],
                               [2, 12, 80, 6])[0]
        requester = rng.choice(requesters)
        created = self._created(day, around_the_clock)
        if kind == Kind.FAULT and rng.random() < 0.04:
            kind = Kind.CONSULTATION
        agent = self.users[self._pick(agents)]
        roll = rng.random()
        if around_the_clock and roll < 0.3:
            channel, logged_by = Channel.MONITORING, agent
        elif roll < 0.55:
            channel, logged_by = Channel.PHONE, agent
        elif roll < 0.9:
            channel, logged_by = Channel.PORTAL, requester
        else:
            channel, logged_by = rng.choice([Channel.EMAIL, Channel.IM, Channel.WALK_IN]), agent
        asset = None
        if tags and rng.random() < (0.4 if around_the_clock else 0.3):
            asset = self.assets.get(rng.choice(tags))
            if asset is not None and asset.contract_id != contract.pk:
                asset = None
        if asset is not None:
            # A fault on the same asset and category within the window is a recurring fault
            # (T10): let that happen only now and then.
            key = (asset.pk, path)
            seen = self.asset_faults.get(key)
            if seen is not None and created - seen < self.window and rng.random() > 0.03:
                asset = None
            else:
                self.asset_faults[key] = created
        target = self.targets.get((contract.pk, service_type.pk, priority))
        service_calendar, calendar = self.calendar(contract, target)
        plan = {
            "contract": contract, "service_type": service_type, "kind": kind,
            "category": self.categories.get((st_code, path)), "priority": priority,
            "title": rng.choice(titles), "requester": requester, "logged_by": logged_by,
            "channel": channel, "asset": asset, "created": created, "agent": agent,
            "target": target, "needs_on_site": service_type.needs_on_site,
            "service_calendar": service_calendar, "calendar": calendar,
            "first_line": rng.random() < desk_share,
            "engineer": self.users[self._pick(engineers)],
            "reopen": rng.random() < 0.03, "note": rng.choice(NOTES[st_code]),
        }
        self._times(plan)
        return plan

    def _times(self, plan: dict) -> None:
        """Response, arrival and resolution moments: within the targets ~95 % of the time.

        The amounts are business minutes after the ticket was filed, turned into moments on the
        ticket's calendar: the work happens in service hours, and a ticket filed on a closed
        day is answered at the next opening."""
        rng = self.rng
        target = plan["target"]
        calendar = plan["calendar"]
        response_t = (target.response_minutes if target else 15)
        arrival_t = (target.arrival_minutes if target else None) or 30
        resolution_t = (target.resolution_minutes if target else 240)
        created = plan["created"]

        def after(minutes: float) -> datetime:
            return calendar.add(created, minutes * 60)

        response = (rng.uniform(0.5, 0.95 * response_t) if rng.random() < 0.95
                    else rng.uniform(1.1 * response_t, 3 * response_t))
        plan["responded"] = after(response)
        if plan["first_line"]:
            plan["reopen"] = False
            work = rng.uniform(3, 35)
            resolve = response + work
            if rng.random() < 0.03 or resolve > resolution_t:
                resolve = max(resolve, rng.uniform(1.05, 1.6) * resolution_t)
            plan["arrived"] = None
        else:
            if plan["needs_on_site"]:
                arrive = (rng.uniform(response + 2, max(response + 3, 0.97 * arrival_t))
                          if rng.random() < 0.95 else response + rng.uniform(1.1, 2) * arrival_t)
                plan["arrived"] = after(arrive)
            else:
                arrive = response
                plan["arrived"] = None
            low = arrive + min(15.0, 0.1 * resolution_t)
            if rng.random() < 0.95 and low < 0.97 * resolution_t:
                # Most fixes are quick; a few take most of the allowed time.
                span = 0.97 * resolution_t - low
                resolve = low + span * rng.betavariate(1.3, 2.8)
            else:
                resolve = max(low + 5, rng.uniform(1.05, 2.5) * resolution_t)
        plan["resolved"] = after(resolve)
        plan["spent"] = max(5, int(resolve - response) if not plan["first_line"] else int(work))
        plan["pause"] = None
        late = resolve > resolution_t
        if not plan["first_line"] and rng.random() < (0.5 if late else 0.06):
            # Waiting a while for a part, a vendor or the user: the clocks pause and the
            # deadline moves on by the pause. A late fix was often late for that, and then the
            # engineer may set it pending only after the deadline passed (it stays breached).
            after_due = late and rng.random() < 0.6
            low = max(arrive, resolution_t if after_due else 0) + 1
            if low < resolve - 1:
                pause_at = rng.uniform(low, resolve - 1)
                reason, hours = rng.choice(PAUSES)
                pended = after(pause_at)
                resumed = calendar.next_open(pended + timedelta(hours=rng.uniform(*hours)))
                plan["pause"] = (pended, resumed, reason)
                plan["resolved"] = calendar.add(resumed, (resolve - pause_at) * 60)
        if plan["reopen"]:
            # The user objects a few service hours later; the engineer fixes it again soon after.
            plan["reopened_at"] = calendar.add(plan["resolved"], rng.uniform(1, 10) * 3600)
            plan["resolved_again"] = calendar.add(plan["reopened_at"],
                                                  rng.uniform(20, 90) * 60)

    def mark_open(self) -> None:
        """The newest few tickets are still open: waiting for a part, a vendor or the user; on
        the 7×24 server contract one is still being worked on (its 24-hour clock is running)."""
        rng = self.rng
        recent = [p for p in self.plans
                  if p["created"] > self.current - timedelta(days=6) and not p["first_line"]]
        rng.shuffle(recent)
        by_contract: dict[int, int] = {}
        for plan in recent:
            code = plan["contract"].code
            wanted = 5 if code == "DEMO-DESKTOP" else 2
            taken = by_contract.get(plan["contract"].pk, 0)
            if taken >= wanted:
                continue
            if (code != "DEMO-DESKTOP" and taken == 0
                    and plan["created"] > self.current - timedelta(hours=20)):
                plan["open"] = "working"
            else:
                plan["open"] = "pending"
                plan["pend_reason"] = rng.choice([PendingReason.SPARE_PART,
                                                  PendingReason.VENDOR, PendingReason.USER])
            plan["reopen"] = False
            by_contract[plan["contract"].pk] = taken + 1

    # --- writing -----------------------------------------------------------------------------
    def build(self) -> dict[str, int]:
        rng = self.rng
        current = self.current
        auto_close = timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
        self.plans.sort(key=lambda p: p["created"])
        # Leave out what would still be happening (or not yet): the last two hours, and tickets
        # nobody has answered yet (filed on a closed day, answered at the next opening).
        self.plans = [p for p in self.plans if p["created"] < current - timedelta(hours=2)
                      and p["responded"] < current]
        for plan in self.plans:
            if plan["arrived"] is not None and plan["arrived"] >= current:
                plan["arrived"] = None  # the engineer is on the way
                if not plan.get("open"):
                    plan.update(open="pending", pend_reason=PendingReason.USER,
                                first_line=False, reopen=False)
            if plan.get("open"):
                plan["pause"] = None
                continue
            pause = plan["pause"]
            if pause is not None and pause[0] < current <= pause[1]:  # still waiting
                plan.update(open="pending", pend_reason=pause[2], pended=pause[0], pause=None,
                            reopen=False)
                continue
            if plan["reopen"] and plan["resolved_again"] >= current:
                plan["reopen"] = False
            if plan["resolved"] >= current:  # not finished when the history ends
                plan.update(open="pending", pend_reason=PendingReason.USER, first_line=False,
                            reopen=False, pause=None)
        tickets = [self._ticket(plan, auto_close) for plan in self.plans]
        self._number(tickets)
        Ticket.objects.bulk_create(tickets, batch_size=500)
        self._recurring(tickets)
        clocks, entries, surveys = [], [], []
        for plan, ticket in zip(self.plans, tickets, strict=True):
            plan["ticket_id"] = ticket.pk
            clocks += self._clocks(plan, ticket)
            entries += self._entries(plan, ticket)
            survey = self._survey(plan, ticket)
            if survey is not None:
                surveys.append(survey)
        Clock.objects.bulk_create(clocks, batch_size=1000)
        Entry.objects.bulk_create(entries, batch_size=1000)
        TicketSurvey.objects.bulk_create(surveys, batch_size=500)
        due = {}
        for clock in clocks:
            if clock.stopped_at is None and clock.due_at is not None:
                due[clock.ticket_id] = min(due.get(clock.ticket_id, clock.due_at), clock.due_at)
        for ticket_id, due_at in due.items():
            Ticket.objects.filter(pk=ticket_id).update(sla_due_at=due_at)
        desk = self.users["desk"]
        callbacks = [CallbackTask(
            survey=s, contract_id=s.contract_id, created_at=s.answered_at,
            due_at=s.answered_at + timedelta(days=1),
            done_at=min(current, s.answered_at + timedelta(hours=rng.uniform(1, 20))),
            done_by=desk, outcome="已电话回访用户，说明了处理情况并致歉，用户表示理解。")
            for s in surveys if s.answered_at is not None and s.overall <= 2]
        CallbackTask.objects.bulk_create(callbacks)
        complaints = self._complaints(surveys)
        return {"tickets": len(tickets), "clocks": len(clocks), "entries": len(entries),
                "surveys": len(surveys), "callbacks": len(callbacks),
                "complaints": complaints}

    def _ticket(self, plan: dict, auto_close: timedelta) -> Ticket:
        rng = self.rng
        requester, asset = plan["requester"], plan["asset"]
        ticket = Ticket(
            number="", kind=plan["kind"], channel=plan["channel"], contract=plan["contract"],
            service_type=plan["service_type"], category=plan["category"],
            priority=plan["priority"], title=plan["title"], description=plan["title"] + "。",
            requester=requester, logged_by=plan["logged_by"], contact_phone=requester.phone,
            site=asset.site if asset is not None else requester.site,
            location=asset.location if asset is not None else "", asset=asset,
            needs_on_site=plan["needs_on_site"], created_at=plan["created"],
            accepted_at=plan["responded"])
        updated = plan["responded"]
        if not plan["first_line"]:
            ticket.assignee = plan["engineer"]
            ticket.dispatched_at = plan["responded"]
            ticket.arrived_at = plan["arrived"]
            updated = plan["arrived"] or updated
        state = plan.get("open")
        if state == "pending":
            ticket.status = Status.PENDING
            ticket.pending_reason = plan["pend_reason"]
            ticket.status_before_pending = Status.ON_SITE if plan["arrived"] else Status.DISPATCHED
            if "pended" not in plan:
                # Set pending a little later, in service hours; just before now if later.
                pended = plan["calendar"].add(updated, rng.uniform(5, 30) * 60)
                plan["pended"] = pended if pended < self.current else (
                    updated + (self.current - updated) / 2)
            ticket.updated_at = plan["pended"]
            return ticket
        if state == "working":
            ticket.status = Status.ON_SITE if plan["arrived"] else Status.DISPATCHED
            ticket.updated_at = updated
            return ticket
        final = plan.get("resolved_again") or plan["resolved"]
        code, note = plan["note"]
        ticket.resolved_at = final
        ticket.resolution_code = code
        ticket.resolution_notes = note
        ticket.first_line_resolution = plan["first_line"]
        ticket.reopen_count = 1 if plan["reopen"] else 0
        ticket.time_spent_minutes = plan["spent"]
        confirm = final + timedelta(hours=rng.uniform(0.5, 30))
        if rng.random() < 0.6 and confirm < self.current:
            ticket.status, ticket.closed_at = Status.CLOSED, confirm
            plan["closed"] = ("confirm", confirm)
        elif final + auto_close < self.current:
            ticket.status, ticket.closed_at = Status.CLOSED, final + auto_close
            ticket.auto_closed = True
            plan["closed"] = ("auto_close", final + auto_close)
        else:
            ticket.status = Status.RESOLVED
        ticket.updated_at = ticket.closed_at or final
        return ticket

    def _number(self, tickets: list[Ticket]) -> None:
        """Numbers of the same yearly scheme as new tickets, in order of creation, after the
        numbers already handed out; the counter moves past them so later tickets do not clash."""
        by_year: dict[int, list[Ticket]] = {}
        for ticket in tickets:
            by_year.setdefault(ticket.created_at.astimezone(self.zone).year, []).append(ticket)
        for year, batch in by_year.items():
            counter, _ = TicketCounter.objects.select_for_update().get_or_create(year=year)
            for offset, ticket in enumerate(batch, start=counter.last + 1):
                ticket.number = f"{year}-{offset:06d}"
            counter.last += len(batch)
            counter.save(update_fields=["last"])

    def _recurring(self, tickets: list[Ticket]) -> None:
        """T10's flag: a second fault on the same asset and category within the window."""
        window = timedelta(days=settings.RECURRING_FAULT_DAYS)
        last_seen: dict[tuple, datetime] = {}
        flagged, assets = set(), set()
        previous: dict[tuple, Ticket] = {}
        for ticket in tickets:
            if ticket.asset_id is None or ticket.kind != Kind.FAULT:
                continue
            key = (ticket.asset_id, ticket.category_id)
            seen = last_seen.get(key)
            if seen is not None and ticket.created_at - seen <= window:
                flagged.update({ticket.pk, previous[key].pk})
                assets.add(ticket.asset_id)
            last_seen[key], previous[key] = ticket.created_at, ticket
        Ticket.objects.filter(pk__in=flagged).update(recurring_fault=True)
        # Saved one by one for their history row: the system's (no user, reason "system"),
        # dated now, after the asset's registration, so the asset page does not blame the flag
        # on whoever edits the asset next.
        for asset in Asset.objects.filter(pk__in=assets, recurring_fault=False).order_by("pk"):
            asset.recurring_fault = True
            asset.updated_at = self.current
            asset._history_user = None
            asset._change_reason = SYSTEM_CHANGE_REASON
            asset._history_date = self.current
            asset.save(update_fields=["recurring_fault", "updated_at"])
        for ticket in tickets:
            ticket.recurring_fault = ticket.pk in flagged

    def _clocks(self, plan: dict, ticket: Ticket) -> list[Clock]:
        """The ticket's clocks as the SLA services would have left them (sla/clocks.py): due and
        warning instants in business time on the ticket's calendar, computed when a clock
        starts, resumes after a pause (moved on by it) or restarts on reopening (with the time
        it had left). A clock that breached keeps that moment when its deadline moves later."""
        target = plan["target"]
        if target is None:
            return []
        service_calendar, calendar = plan["service_calendar"], plan["calendar"]
        created = plan["created"]
        state = plan.get("open")
        kinds = [(ClockKind.RESPONSE, target.response_minutes, plan["responded"])]
        if ticket.needs_on_site and target.arrival_minutes:
            kinds.append((ClockKind.ARRIVAL, target.arrival_minutes, plan["arrived"]
                          or (None if state else plan["resolved"])))
        kinds.append((ClockKind.RESOLUTION, target.resolution_minutes,
                      None if state else plan["resolved"]))
        clocks = []
        for kind, minutes, stop in kinds:
            seconds = minutes * 60
            clock = Clock(ticket=ticket, kind=kind, calendar=service_calendar,
                          target_seconds=seconds, warning_percent=target.warning_percent,
                          started_at=created)
            self._schedule(clock, calendar, created)
            if stop is None and state == "pending":
                # Paused: no deadline until it resumes (clocks_pause); a breach stays a breach.
                if clock.due_at <= plan["pended"]:
                    clock.breached_at = clock.due_at
                clock.consumed_seconds = calendar.between(created, plan["pended"])
                clock.running_since = None
                clock.paused_since = plan["pended"]
                clock.due_at = clock.warn_at = None
            elif stop is None:  # still running
                if clock.due_at <= self.current:
                    clock.breached_at = clock.due_at
                clock.next_check_at = (clock.warn_at if clock.breached_at is None
                                       else clock.due_at)
            elif kind == ClockKind.ARRIVAL and plan["arrived"] is None:
                # Not needed after all (resolved without a visit): stopped without a verdict.
                clock.stopped_at, clock.running_since = stop, None
                clock.consumed_seconds = calendar.between(created, stop)
            else:
                pause = plan.get("pause")
                if pause is not None and pause[0] < stop:
                    self._pause(clock, calendar, *pause[:2])
                if kind == ClockKind.RESOLUTION and plan["reopen"]:
                    # The first fix stopped it; the reopening restarted it (clock_restart).
                    self._stop(clock, calendar, stop)
                    clock.met = None
                    self._schedule(clock, calendar, plan["reopened_at"])
                    stop = plan["resolved_again"]
                self._stop(clock, calendar, stop)
            clocks.append(clock)
        return clocks

    @staticmethod
    def _schedule(clock: Clock, calendar, moment: datetime) -> None:
        """Due and warning instants of a clock (re)starting at `moment` (sla.clocks._schedule)."""
        clock.running_since = moment
        clock.due_at = calendar.add(moment, max(0, clock.target_seconds
                                                - clock.consumed_seconds))
        warn_left = max(0, clock.target_seconds * clock.warning_percent // 100
                        - clock.consumed_seconds)
        clock.warn_at = calendar.add(moment, warn_left) if warn_left else moment
        clock.provisional = calendar.is_provisional(moment, clock.due_at)

    def _pause(self, clock: Clock, calendar, pended: datetime, resumed: datetime) -> None:
        """Pending from `pended` to `resumed` (clocks_pause, clocks_resume)."""
        if clock.breached_at is None and clock.due_at <= pended:
            clock.breached_at = clock.due_at
        clock.consumed_seconds += calendar.between(clock.running_since, pended)
        clock.paused_seconds += calendar.between(pended, resumed)
        self._schedule(clock, calendar, resumed)

    @staticmethod
    def _stop(clock: Clock, calendar, moment: datetime) -> None:
        """The milestone reached at `moment` (clock_stop): met if by the deadline."""
        clock.consumed_seconds += calendar.between(clock.running_since, moment)
        clock.stopped_at, clock.running_since = moment, None
        clock.met = moment <= clock.due_at
        if not clock.met and clock.breached_at is None:
            clock.breached_at = clock.due_at

    def _entries(self, plan: dict, ticket: Ticket) -> list[Entry]:
        def event(author, action, before, after, moment, **extra):
            return Entry(ticket=ticket, kind=Entry.Kind.EVENT, author=author, action=action,
                         from_status=before, to_status=after, created_at=moment, **extra)

        agent, engineer = plan["agent"], plan["engineer"]
        entries = [event(plan["logged_by"], "create", "", Status.SUBMITTED, plan["created"])]
        if plan["first_line"]:
            entries.append(event(agent, "accept", Status.SUBMITTED, Status.ACCEPTED,
                                 plan["responded"]))
            status, resolver = Status.ACCEPTED, agent
        else:
            entries.append(event(agent, "dispatch", Status.SUBMITTED, Status.DISPATCHED,
                                 plan["responded"], detail=engineer.display_name))
            status, resolver = Status.DISPATCHED, engineer
            if plan["arrived"]:
                entries.append(event(engineer, "check_in", status, Status.ON_SITE,
                                     plan["arrived"]))
                status = Status.ON_SITE
        state = plan.get("open")
        if state == "pending":
            entries.append(event(engineer, "pend", status, Status.PENDING, plan["pended"],
                                 detail=plan["pend_reason"],
                                 body=PAUSE_NOTES[plan["pend_reason"]]))
        if plan.get("pause"):
            pended, resumed, reason = plan["pause"]
            entries.append(event(resolver, "pend", status, Status.PENDING, pended,
                                 detail=reason, body=PAUSE_NOTES[reason]))
            entries.append(event(resolver, "resume", Status.PENDING, status, resumed))
        if state:
            return entries
        code, note = plan["note"]
        entries.append(event(resolver, "resolve", status, Status.RESOLVED, plan["resolved"],
                             body=note, detail=code, time_spent_minutes=plan["spent"]))
        if plan["reopen"]:
            entries.append(event(plan["requester"], "reopen", Status.RESOLVED, Status.REOPENED,
                                 plan["reopened_at"], body="问题又出现了。"))
            entries.append(event(engineer, "resolve", Status.REOPENED, Status.RESOLVED,
                                 plan["resolved_again"], body="再次检查并彻底处理，已恢复。",
                                 detail=ResolutionCode.FIXED, time_spent_minutes=30))
        closed = plan.get("closed")
        if closed and closed[0] == "confirm":
            entries.append(event(plan["requester"], "confirm", Status.RESOLVED, Status.CLOSED,
                                 closed[1]))
        elif closed:
            entries.append(event(None, "auto_close", Status.RESOLVED, Status.CLOSED, closed[1],
                                 detail=str(settings.TICKET_AUTO_CLOSE_DAYS)))
        return entries

    def _survey(self, plan: dict, ticket: Ticket) -> TicketSurvey | None:
        rng = self.rng
        if plan.get("open") or rng.random() >= 0.7:
            return None
        sent = plan["resolved"]  # the first resolution sends it
        survey = TicketSurvey(
            ticket=ticket, contract=plan["contract"], requester=plan["requester"],
            engineer=ticket.assignee, token=secrets.token_urlsafe(32), sent_at=sent,
            expires_at=sent + timedelta(days=settings.SURVEY_VALID_DAYS))
        answered = sent + timedelta(hours=rng.uniform(0.3, 72))
        if rng.random() >= 0.65 or answered >= self.current:
            return survey
        if plan["reopen"]:
            overall, fixed = rng.choice([2, 3]), False
        else:
            overall = rng.choices([5, 4, 3, 2, 1], [68, 27, 3.5, 1, 0.5])[0]
            fixed = overall >= 3 or rng.random() < 0.5
        scores = [max(1, min(5, overall + rng.choice([-1, 0, 0, 0, 1]))) for _i in range(3)]
        survey.answered_at = answered
        survey.fixed = fixed
        survey.response_speed, survey.attitude, survey.ability = scores
        survey.overall = overall
        if overall <= 2:
            survey.comment = rng.choice(BAD_COMMENTS)
        elif overall == 5 and rng.random() < 0.2:
            survey.comment = rng.choice(GOOD_COMMENTS)
        return survey

    def _complaints(self, surveys: list[TicketSurvey]) -> int:
        """1–3 complaints a quarter on the desktop contract, one of them major; the past ones
        answered and resolved."""
        rng = self.rng
        contract = Contract.objects.get(code="DEMO-DESKTOP")
        plans = [p for p in self.plans if p["contract"].pk == contract.pk and not p.get("open")
                 and p["resolved"] < self.current - timedelta(days=1)]
        if not plans:
            return 0
        low = {s.ticket_id for s in surveys if s.overall is not None and s.overall <= 3}
        quarters: dict[tuple, list] = {}
        for plan in plans:
            local = plan["created"].astimezone(self.zone)
            quarters.setdefault((local.year, (local.month - 1) // 3), []).append(plan)
        picks = []
        for quarter_plans in quarters.values():
            count = min(len(quarter_plans), rng.randint(1, 3))
            preferred = [p for p in quarter_plans if p["ticket_id"] in low]
            picks += rng.sample(preferred if len(preferred) >= count else quarter_plans, count)
        picks.sort(key=lambda p: p["created"])
        major_at = rng.randrange(len(picks))
        desk, pm = self.users["desk"], self.users["pm"]
        made = 0
        for i, plan in enumerate(picks):
            text, _major = COMPLAINTS[-1] if i == major_at else rng.choice(COMPLAINTS[:-1])
            # The next day, in office hours.
            local_day = timezone.localdate(plan["resolved"]) + timedelta(days=1)
            received = datetime.combine(local_day, time(9), self.zone) + timedelta(
                minutes=rng.randint(0, 8 * 60))
            received = min(received, self.current - timedelta(hours=1))
            local_day = timezone.localdate(received)
            complaint = Complaint(
                number=f"TS-{local_day.year}-"
                       f"{next_in_year(ComplaintCounter, local_day.year):06d}",
                contract=contract, channel=rng.choice([Complaint.Channel.PHONE,
                                                       Complaint.Channel.EMAIL,
                                                       Complaint.Channel.ORAL]),
                complainant=plan["requester"], complainant_name=plan["requester"].display_name,
                complainant_phone=plan["requester"].phone, ticket_id=plan["ticket_id"],
                engineer=plan["engineer"] if not plan["first_line"] else None,
                major=i == major_at, description=text, received_at=received,
                answer_due=received + ANSWER_WITHIN,
                resolution_due=seventh_working_day(local_day), registered_by=desk,
                created_at=received)
            answered = received + timedelta(hours=rng.uniform(2, 20))
            if answered < self.current:
                complaint.status = Complaint.Status.ANSWERED
                complaint.answered_at = answered
                complaint.answer = "已向用户致歉并说明处理安排。"
            resolved = received + timedelta(days=rng.uniform(2, 6))
            if resolved < self.current:
                complaint.status = Complaint.Status.RESOLVED
                complaint.resolved_at = resolved
                complaint.reviewer = pm
                complaint.handling_opinion = "已约谈相关工程师并加强培训，问题已整改。"
            complaint._history_user = desk
            complaint._history_date = received
            complaint._change_reason = "registered"
            complaint.save()
            made += 1
        return made


@transaction.atomic
def load_demo_history(months: int = 6) -> dict[str, int]:
    """Add about `months` months of service history to the demo contracts, up to yesterday,
    and rebuild the KPI rollup for it. Does nothing if the history is already there."""
    if SystemState.objects.filter(key=HISTORY_KEY).exists():
        return {}
    contracts = {c.code: c for c in Contract.objects.filter(
        code__in=["DEMO-DESKTOP", "DEMO-SERVER"])}
    if len(contracts) < 2:
        raise RuntimeError("Load the demo first (manage.py load_demo).")
    _ensure_people(make_password(DEMO_PASSWORD))
    current = now()
    today = current.astimezone(zone()).date()
    first = month_start(today, back=months)
    rng = random.Random(f"{SEED}-{today.isoformat()}")  # noqa: S311 - made-up demo data
    builder = _Builder(rng, current)
    builder.plan_contract(
        contracts["DEMO-DESKTOP"], first, today - timedelta(days=1), per_day=(8, 15),
        mix=DESKTOP_MIX, engineers=[("engineer", 55), ("majun", 40), ("engineer2", 5)],
        agents=[("desk", 70), ("gaojie", 30)], around_the_clock=False)
    builder.plan_contract(
        contracts["DEMO-SERVER"], first, today - timedelta(days=1), per_day=(2, 4),
        mix=SERVER_MIX, engineers=[("engineer2", 60), ("helei", 40)],
        agents=[("desk", 100)], around_the_clock=True)
    builder.mark_open()
    counts = builder.build()
    SystemState.objects.create(key=HISTORY_KEY, value={
        "at": current.isoformat(), "from": first.isoformat(), **counts})
    rollup.refresh(first, today)
    return {"from": first, **counts}
