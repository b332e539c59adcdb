"""The complaints register (用户投诉登记表, V4): registering, answering, resolving, deadlines,
overdue escalation and the quarterly limit alert. The reads are in
surveys/selectors/complaints.py.

Deadlines (seed 004): an answer within 24 natural hours of receipt; a solution by the end of the
7th working day after the day of receipt, counting China's official working days (Monday to
Friday, less statutory holidays, plus make-up working days 调休) from the SLA holiday tables.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability, Role, can
from core.clock import now
from core.counters import next_in_year
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from notifications.services import email_from_template
from sla.models import Contract, ContractMember
from sla.selectors import contracts_visible_to
from sla.working_days import WorkingDays, working_days
from surveys.models import Complaint, ComplaintAlert, SurveyPolicy
from surveys.models.complaints import ComplaintCounter
from surveys.permissions import may_review_complaints
from surveys.quarters import quarter_bounds, quarter_of
from surveys.selectors.complaints import complaints_visible_to
from tickets.selectors import tickets_visible_to

ANSWER_WITHIN = timedelta(hours=24)
RESOLVE_WITHIN_WORKING_DAYS = 7
ESCALATION_BATCH = 500


# --- deadlines -----------------------------------------------------------------------------------
def working_day_deadline(received_on: date, days: int = RESOLVE_WITHIN_WORKING_DAYS, *,
                         calendar=None) -> tuple[date, bool]:
    """``(the days-th working day after received_on, estimated)``.

    The day of receipt itself never counts. ``estimated`` is True when a year on the way has no
    official holiday data in the tables (its days were counted as plain Monday to Friday), so the
    date may move once that year is entered. ``calendar`` is ``(closed, makeup, confirmed_years)``
    as ``sla.holidays.calendar_days`` gives it (read from the tables when omitted); the counting
    is sla.working_days' (core.periods)."""
    working = WorkingDays(*calendar) if calendar is not None else working_days()
    due = working.after(received_on, days)
    return due, working.estimated(received_on + timedelta(days=1), due)


def seventh_working_day(received_on: date, days: int = RESOLVE_WITHIN_WORKING_DAYS, *,
                        calendar=None) -> date:
    """The date of the 7th (``days``-th) working day after the day of receipt."""
    return working_day_deadline(received_on, days, calendar=calendar)[0]


def resolution_due_is_estimate(complaint: Complaint) -> bool:
    """True when the solution date was counted without official holiday data for some year."""
    received_on = timezone.localdate(complaint.received_at)
    return working_day_deadline(received_on)[1]


def resolution_deadline_passed(complaint: Complaint, moment: datetime | None = None) -> bool:
    """Past the end of resolution_due in the portal's time zone and still not resolved."""
    if complaint.status == Complaint.Status.RESOLVED:
        return False
    return timezone.localdate(moment or now()) > complaint.resolution_due


def answer_overdue(complaint: Complaint, moment: datetime | None = None) -> bool:
    return (complaint.status == Complaint.Status.RECEIVED
            and (moment or now()) > complaint.answer_due)


def limits_of(contract: Contract) -> tuple[int, int]:
    """``(complaints, major complaints)`` allowed per quarter (seed 000: 5 and 2)."""
    policy = SurveyPolicy.for_contract(contract)
    return policy.complaint_limit, policy.major_complaint_limit


# --- registering ---------------------------------------------------------------------------------
def _next_number(year: int) -> str:
    return f"TS-{year}-{next_in_year(ComplaintCounter, year):06d}"


def _check_register(*, actor, contract, channel, complainant, ticket, engineer, major,
                    received_at, moment) -> str:
    """Who may register what; returns the actor's mode ("system", "staff" or "self")."""
    if channel not in Complaint.Channel.values:
        raise InvalidInput(_("Unknown channel %(channel)s.") % {"channel": channel},
                           field="channel")
    if actor is None:
        mode = "system"
    elif can(actor, Capability.MANAGE_COMPLAINTS):
        if not contracts_visible_to(actor).filter(pk=contract.pk).exists():
            raise PermissionRefused(_("You are not on this contract."))
        mode = "staff"
    elif can(actor, Capability.FILE_TICKETS):
        if major or engineer is not None or received_at is not None:
            raise PermissionRefused(
                _("Only the service desk sets the engineer, major and the time of receipt."))
        if complainant is not None and complainant.pk != actor.pk:
            raise PermissionRefused(_("You may only file a complaint of your own."))
        if channel != Complaint.Channel.PORTAL:
            raise PermissionRefused(_("Complaints filed in the portal have channel portal."))
        if (actor.organisation_id != contract.client_id
                or not contracts_visible_to(actor).filter(pk=contract.pk).exists()):
            raise PermissionRefused(_("You are not on this contract."))
        mode = "self"
    else:
        raise PermissionRefused(_("Your role may not register complaints."))
    if received_at is not None and received_at > moment:
        raise InvalidInput(_("The time of receipt cannot be in the future."),
                           field="received_at")
    if ticket is not None:
        if ticket.contract_id != contract.pk:
            raise InvalidInput(_("Ticket %(number)s belongs to another contract.")
                               % {"number": ticket.number}, field="ticket")
        if actor is not None and not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
            raise PermissionRefused(_("You cannot see ticket %(number)s.")
                                        % {"number": ticket.number})
    if complainant is not None and complainant.organisation_id != contract.client_id:
        raise InvalidInput(_("%(name)s is not a person of %(client)s.")
                           % {"name": complainant.display_name, "client": contract.client},
                           field="complainant")
    return mode


def complaint_register(*, actor, contract, channel, description, complainant=None,
                       complainant_name="", complainant_phone="", ticket=None, engineer=None,
                       major=False, received_at=None, survey=None) -> Complaint:
    """Register a complaint. ``actor=None`` is the system (a survey answer). Staff
    (MANAGE_COMPLAINTS) may backdate ``received_at`` (an oral or phone complaint written down
    later), never into the future; end users file their own through the portal."""
    moment = now()
    mode = _check_register(actor=actor, contract=contract, channel=channel,
                           complainant=complainant, ticket=ticket, engineer=engineer,
                           major=major, received_at=received_at, moment=moment)
    if mode == "self":
        complainant = actor
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("Say what the complaint is about."), field="description")
    name = (complainant_name or "").strip() or (complainant.display_name if complainant else "")
    if not name:
        raise InvalidInput(_("Give the complainant's name."), field="complainant_name")
    phone = (complainant_phone or "").strip() or (complainant.phone if complainant else "")
    if survey is not None and survey.contract_id != contract.pk:
        raise InvalidInput(_("The survey belongs to another contract."), field="survey")
    if engineer is None and ticket is not None:
        engineer = ticket.assignee
    received_at = received_at or moment
    registered_by = actor or (complainant if complainant is not None else
                              contract.project_manager)
    with transaction.atomic():
        complaint = Complaint(
            number=_next_number(timezone.localtime(moment).year), contract=contract,
            channel=channel, complainant=complainant, complainant_name=name[:100],
            complainant_phone=phone[:40], ticket=ticket, engineer=engineer, survey=survey,
            major=bool(major), description=description, received_at=received_at,
            answer_due=received_at + ANSWER_WITHIN,
            resolution_due=seventh_working_day(timezone.localdate(received_at)),
            registered_by=registered_by, created_at=moment)
        _save(complaint, actor, "registered")
        _check_quarter_limits(complaint)
    return complaint


def _save(complaint: Complaint, actor, reason: str, update_fields=None) -> None:
    complaint._history_user = actor
    complaint._change_reason = reason
    complaint.save(update_fields=update_fields)


# --- answering and resolving ---------------------------------------------------------------------
def _locked_for(actor, complaint: Complaint) -> Complaint:
    if not can(actor, Capability.MANAGE_COMPLAINTS):
        raise PermissionRefused(_("Your role may not handle complaints."))
    if not complaints_visible_to(actor).filter(pk=complaint.pk).exists():
        raise PermissionRefused(_("You are not on this contract."))
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_answer(*, actor, complaint: Complaint, answer: str) -> Complaint:
    """Record the first answer given to the complainant (due within 24 h of receipt)."""
    current = _locked_for(actor, complaint)
    if current.status != Complaint.Status.RECEIVED:
        raise ActionRefused(_("Complaint %(number)s was already answered.")
                                % {"number": current.number})
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("Write the answer given to the complainant."), field="answer")
    current.answer, current.answered_at = answer, now()
    current.status = Complaint.Status.ANSWERED
    _save(current, actor, "answered")
    return current


@transaction.atomic
def complaint_resolve(*, actor, complaint: Complaint, handling_opinion: str,
                      reviewer=None) -> Complaint:
    """Close the complaint with a written handling opinion (处理意见), after it was answered."""
    current = _locked_for(actor, complaint)
    if current.status == Complaint.Status.RESOLVED:
        raise ActionRefused(_("Complaint %(number)s is already resolved.")
                                % {"number": current.number})
    if current.status != Complaint.Status.ANSWERED:
        raise ActionRefused(_("Answer the complainant before resolving the complaint."))
    opinion = (handling_opinion or "").strip()
    if not opinion:
        raise InvalidInput(_("A written handling opinion is required."),
                           field="handling_opinion")
    if reviewer is not None and not may_review_complaints(reviewer):
        raise InvalidInput(_("The reviewer must be a member of the provider's staff."),
                           field="reviewer")
    current.handling_opinion, current.resolved_at = opinion, now()
    current.reviewer = reviewer
    current.status = Complaint.Status.RESOLVED
    _save(current, actor, "resolved")
    return current


# --- e-mails -------------------------------------------------------------------------------------
def _mail(event: str, recipient, dedupe_key: str, **context) -> None:
    email_from_template(recipient=recipient, event=f"complaint.{event}",
                        template=f"surveys/email/complaint_{event}.txt",
                        context={"site_url": settings.SITE_URL, **context},
                        dedupe_key=dedupe_key)


def _url(complaint: Complaint) -> str:
    return settings.SITE_URL + reverse("surveys:complaint_detail", args=[complaint.number])


def delivery_managers_of(contract: Contract):
    """Delivery managers on the contract's team (by duty or by role); when the team names none,
    every active delivery manager (they see all contracts), so level 2 always reaches someone."""
    on_team = User.objects.filter(
        Q(contract_memberships__duty=ContractMember.Duty.DELIVERY_MANAGER)
        | Q(role=Role.DELIVERY_MANAGER),
        contract_memberships__contract=contract, is_active=True).distinct()
    people = list(on_team)
    if not people:
        people = list(User.objects.filter(role=Role.DELIVERY_MANAGER, is_active=True))
    return people


# --- quarterly limits ----------------------------------------------------------------------------
def _check_quarter_limits(complaint: Complaint) -> list[ComplaintAlert]:
    """Alert the PM once per (contract, quarter, kind) when the count reaches the limit."""
    year, quarter = quarter_of(complaint.received_at)
    start, end = quarter_bounds(year, quarter)
    counts = Complaint.objects.filter(contract=complaint.contract_id,
                                      received_at__gte=start, received_at__lt=end).aggregate(
        total=Count("pk"), major=Count("pk", filter=Q(major=True)))
    limit, major_limit = limits_of(complaint.contract)
    fired = []
    for kind, count, allowed in ((ComplaintAlert.Kind.ALL, counts["total"], limit),
                                 (ComplaintAlert.Kind.MAJOR, counts["major"], major_limit)):
        if kind == ComplaintAlert.Kind.MAJOR and not complaint.major:
            continue  # the major count did not change
        if count < allowed:
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin must not break ours
                alert, created = ComplaintAlert.objects.get_or_create(
                    contract=complaint.contract, year=year, quarter=quarter, kind=kind,
                    defaults={"count": count, "created_at": now()})
        except IntegrityError:
            continue
        if created:
            fired.append(alert)
            _mail("limit", complaint.contract.project_manager,
                  f"complaint-limit:{complaint.contract_id}:{year}Q{quarter}:{kind}",
                  complaint=complaint, contract=complaint.contract, year=year, quarter=quarter,
                  kind=alert.get_kind_display(), count=count, limit=allowed,
                  url=settings.SITE_URL + reverse("surveys:complaints")
                  + f"?contract={complaint.contract.code}&quarter={year}Q{quarter}")
    return fired


# --- overdue escalation --------------------------------------------------------------------------
def complaints_escalate_overdue() -> int:
    """Beat job (every 5 min): level 1 tells the PM of an answer overdue; level 2 tells the
    delivery managers and the PM of a solution overdue. Each level fires once per complaint:
    rows are claimed with SKIP LOCKED and their level raised in the same transaction."""
    moment = now()
    fired = 0
    fired += _escalate(1, Q(status=Complaint.Status.RECEIVED, answer_due__lt=moment,
                            escalation_level__lt=1), moment)
    fired += _escalate(2, Q(resolution_due__lt=timezone.localdate(moment),
                            escalation_level__lt=2) & ~Q(status=Complaint.Status.RESOLVED),
                       moment)
    return fired


def _escalate(level: int, condition: Q, moment: datetime) -> int:
    with transaction.atomic():
        rows = list(Complaint.objects.select_for_update(skip_locked=True)
                    .filter(condition).order_by("pk")[:ESCALATION_BATCH])
        for complaint in rows:
            complaint.escalation_level = level
            _save(complaint, None, f"escalated to level {level}",
                  update_fields=["escalation_level"])
            contract = complaint.contract
            recipients = [contract.project_manager]
            if level == 2:
                recipients = [*delivery_managers_of(contract), contract.project_manager]
            seen = set()
            for person in recipients:
                if person is None or person.pk in seen:
                    continue
                seen.add(person.pk)
                _mail("overdue", person, f"complaint:{complaint.pk}:level{level}:{person.pk}",
                      complaint=complaint, level=level, url=_url(complaint))
    return len(rows)
