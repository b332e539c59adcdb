"""Six months of demo service history, so the KPI dashboards, scorecards and reports (issue 7)
show real figures on a fresh install (`make run`, `manage.py load_demo --history`).

Not part of `itsm.demo.load_demo()` (the tests replay that small demo): `load_demo_history()`
writes a few thousand rows straight into the tables with bulk_create — tickets with their
timeline entries and SLA clocks, surveys (and the callbacks of low scores), a few complaints —
then rebuilds the KPI rollup for the whole period. The data is made up from a seeded random
generator, so two installations get the same history for the same day.

Idempotent: a SystemState row marks the history as loaded; a second call does nothing.

Simplifications (this is demo history, not a replay of the services):
- SLA deadlines are `created + target` in natural time, not business time on the contract's
  calendar. Desktop tickets are created within the 6×12 service hours and their targets are one
  or two hours, so the two rarely differ; the server contract runs 7×24, where they agree.
- No simple-history rows and no notifications for the generated records.
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
from accounts.roles import Role
from assets.models import Asset
from itsm.clock import now
from itsm.counters import next_in_year
from itsm.demo import DEMO_PASSWORD
from itsm.demo_history_data import (
    BAD_COMMENTS,
    COMPLAINTS,
    DESKTOP_MIX,
    GOOD_COMMENTS,
    HISTORY_PEOPLE,
    NOTES,
    SERVER_MIX,
)
from itsm.models import SystemState
from itsm.periods import month_start, zone
from kpi import rollup
from sla import holidays
from sla.models import Clock, ClockKind, Contract, Target
from surveys.complaints import ANSWER_WITHIN, seventh_working_day
from surveys.models import CallbackTask, Complaint, TicketSurvey
from surveys.models.complaints import ComplaintCounter
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

HISTORY_KEY = "demo_history"
DEMO_LOGINS = {"user", "user2", "client"}  # their own ticket lists get a little more history
SEED = 20260701

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
        self.asset_faults: dict[tuple, datetime] = {}
        self.window = timedelta(days=settings.RECURRING_FAULT_DAYS)

    # --- planning ----------------------------------------------------------------------------
    def requesters(self, contract: Contract) -> list[User]:
        people = [u for u in self.users.values()
                  if u.organisation_id == contract.client_id and u.is_active
                  and u.role in (Role.END_USER, Role.CLIENT_CONTACT)]
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
        plan = {
            "contract": contract, "service_type": service_type, "kind": kind,
            "category": self.categories.get((st_code, path)), "priority": priority,
            "title": rng.choice(titles), "requester": requester, "logged_by": logged_by,
            "channel": channel, "asset": asset, "created": created, "agent": agent,
            "target": target, "needs_on_site": service_type.needs_on_site,
            "first_line": rng.random() < desk_share,
            "engineer": self.users[self._pick(engineers)],
            "reopen": rng.random() < 0.03, "note": rng.choice(NOTES[st_code]),
        }
        self._times(plan)
        return plan

    def _times(self, plan: dict) -> None:
        """Response, arrival and resolution moments: within the targets ~95 % of the time."""
        rng = self.rng
        target = plan["target"]
        response_t = (target.response_minutes if target else 15)
        arrival_t = (target.arrival_minutes if target else None) or 30
        resolution_t = (target.resolution_minutes if target else 240)
        created = plan["created"]
        minutes = timedelta(minutes=1)
        response = (rng.uniform(0.5, 0.95 * response_t) if rng.random() < 0.95
                    else rng.uniform(1.1 * response_t, 3 * response_t))
        plan["responded"] = created + response * minutes
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
                plan["arrived"] = created + arrive * minutes
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
        plan["resolved"] = created + resolve * minutes
        plan["spent"] = max(5, int(resolve - response) if not plan["first_line"] else int(work))
        if plan["reopen"]:
            plan["reopened_at"] = plan["resolved"] + timedelta(hours=rng.uniform(4, 40))
            plan["resolved_again"] = plan["reopened_at"] + timedelta(minutes=rng.uniform(20, 90))

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
        # Loaded just after midnight: leave out what would still be happening (or not yet).
        self.plans = [p for p in self.plans if p["created"] < current - timedelta(hours=2)]
        for plan in self.plans:
            if plan.get("open"):
                continue
            if plan["reopen"] and plan["resolved_again"] >= current:
                plan["reopen"] = False
            if plan["resolved"] >= current:  # not finished when the history ends
                plan.update(open="pending", pend_reason=PendingReason.USER, first_line=False,
                            reopen=False)
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
            plan["pended"] = updated + timedelta(minutes=rng.uniform(5, 30))
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
        Asset.objects.filter(pk__in=assets).update(recurring_fault=True)
        for ticket in tickets:
            ticket.recurring_fault = ticket.pk in flagged

    def _clocks(self, plan: dict, ticket: Ticket) -> list[Clock]:
        target = plan["target"]
        if target is None:
            return []
        calendar = target.calendar or target.contract.calendar
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
            # Natural time, not business time on the calendar: see the module docstring.
            due = created + timedelta(seconds=seconds)
            clock = Clock(ticket=ticket, kind=kind, calendar=calendar, target_seconds=seconds,
                          warning_percent=target.warning_percent, started_at=created,
                          running_since=created)
            if stop is None and state == "pending":
                clock.running_since = None
                clock.paused_since = plan["pended"]
                clock.consumed_seconds = int((plan["pended"] - created).total_seconds())
                if plan["pended"] > due:
                    clock.breached_at = due
            elif stop is None:  # still running (server contract, 7×24: natural time is exact)
                clock.due_at = due
                clock.warn_at = created + timedelta(seconds=seconds * target.warning_percent
                                                    // 100)
                clock.next_check_at = clock.warn_at
            else:
                clock.due_at = due
                clock.warn_at = created + timedelta(seconds=seconds * target.warning_percent
                                                    // 100)
                clock.stopped_at = stop
                clock.running_since = None
                clock.consumed_seconds = int((stop - created).total_seconds())
                not_needed = kind == ClockKind.ARRIVAL and plan["arrived"] is None
                if not_needed:
                    clock.met = None
                elif kind == ClockKind.RESOLUTION and plan["reopen"]:
                    # Restarted on reopening with the time it had left (as clock_restart does).
                    left = max(0.0, seconds - (plan["resolved"] - created).total_seconds())
                    clock.due_at = plan["reopened_at"] + timedelta(seconds=left)
                    clock.stopped_at = plan["resolved_again"]
                    clock.consumed_seconds = int(seconds - left + (
                        plan["resolved_again"] - plan["reopened_at"]).total_seconds())
                    clock.met = clock.stopped_at <= clock.due_at
                else:
                    clock.met = stop <= due
                if clock.met is False:
                    clock.breached_at = clock.due_at
            clocks.append(clock)
        return clocks

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
                                 detail=plan["pend_reason"], body="等待处理条件具备后继续。"))
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
