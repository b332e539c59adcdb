"""Problem services (B2): proposing from recurring faults and P1 major incidents, opening by
hand, the analysis (root cause, workaround, known error), the fix as a change and the client's
confirmation. One transaction each; the problem row is locked for every transition."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from core.clock import now
from core.counters import next_in_year
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from knowledge.models import Article, Change, Problem, ProblemCounter, Visibility
from knowledge.services._common import is_client_approver, link, sees_contract, works_contract
from knowledge.services.articles import article_create
from notifications.services import email_from_template
from tickets.choices import Kind, Priority, Status
from tickets.models import Ticket

S = Problem.Status
# Analysis fields the owner edits while the problem is open.
TEXT_FIELDS = ("title", "description", "root_cause", "workaround", "known_error")
LIVE = {S.PROPOSED, S.OPEN, S.KNOWN_ERROR, S.FIXING, S.AWAITING_CONFIRMATION}


def problem_number_next(year: int) -> str:
    return f"PRB-{year}-{next_in_year(ProblemCounter, year):04d}"


def _locked(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _save(problem: Problem, actor, reason: str, fields: list[str]) -> Problem:
    problem.updated_at = now()
    problem._history_user = actor
    problem._change_reason = reason
    problem.save(update_fields=[*fields, "updated_at"])
    return problem


def _require_worker(actor, problem_or_contract) -> None:
    contract = getattr(problem_or_contract, "contract", problem_or_contract)
    if not works_contract(actor, contract):
        raise PermissionRefused(_("Only the provider's staff on this contract work problems."))


def _require(problem: Problem, *states) -> None:
    if problem.status not in states:
        raise ActionRefused(_("Problem %(number)s is %(status)s: this cannot be done now.")
                            % {"number": problem.number, "status": problem.get_status_display()})


def _tell_owner(problem: Problem, template: str) -> None:
    if problem.owner_id:
        email_from_template(recipient=problem.owner, event="problem", template=template,
                            context={"problem": problem,
                                     "url": link("knowledge:problem_detail",
                                                 number=problem.number)})


@transaction.atomic
def problem_create(*, actor, contract, title: str, description: str = "", owner=None,
                   tickets=(), assets=()) -> Problem:
    """Open a problem by hand, linking the tickets and assets it is about."""
    _require_worker(actor, contract)
    if not (title or "").strip():
        raise InvalidInput(_("Give the problem a title."), field="title")
    if owner is not None and not works_contract(owner, contract):
        raise InvalidInput(_("The owner must work on this contract."), field="owner")
    for ticket in tickets:
        if ticket.contract_id != contract.pk:
            raise InvalidInput(_("Ticket %(number)s is on another contract.")
                               % {"number": ticket.number}, field="tickets")
    for asset in assets:
        if asset.contract_id != contract.pk:
            raise InvalidInput(_("Asset %(asset)s is on another contract.") % {"asset": asset},
                               field="assets")
    moment = now()
    problem = Problem(number=problem_number_next(moment.year), contract=contract,
                      title=title.strip(), description=description.strip(),
                      owner=owner or actor, status=S.OPEN, source=Problem.Source.MANUAL,
                      created_by=actor, created_at=moment, updated_at=moment)
    problem._history_user = actor
    problem.save()
    problem.tickets.set(tickets)
    problem.assets.set(assets)
    _tell_owner(problem, "knowledge/email/problem_owner.txt")
    return problem


def _propose(*, key: str, contract, title: str, source: str, tickets, asset=None,
             moment: datetime) -> Problem | None:
    """The proposal for ``key``, once: a second look links new tickets to the same problem.
    A savepoint keeps a concurrent proposal (the unique key) from failing the caller."""
    problem = Problem.objects.filter(proposal_key=key).first()
    if problem is None:
        try:
            with transaction.atomic():
                problem = Problem.objects.create(
                    number=problem_number_next(moment.year), contract=contract, title=title[:200],
                    source=source, proposal_key=key, status=S.PROPOSED,
                    owner=contract.project_manager, created_at=moment, updated_at=moment)
        except IntegrityError:
            problem = Problem.objects.get(proposal_key=key)
        # No e-mail: the PM hears of a P1 already (ticket.urgent) and finds proposals on the
        # problem list; a mail per recurring printer jam would be noise.
    problem.tickets.add(*tickets)
    if asset is not None:
        problem.assets.add(asset)
    return problem


def problem_propose_for_ticket(ticket: Ticket) -> Problem | None:
    """Called as a ticket is filed (in its transaction): a P1 major incident, or the N-th fault
    on one asset and category within RECURRING_FAULT_DAYS, proposes a problem (once)."""
    if ticket.kind != Kind.FAULT:
        return None
    moment = ticket.created_at
    if ticket.priority == Priority.P1:
        return _propose(key=f"ticket:{ticket.pk}", contract=ticket.contract,
                        title=_("Major incident: %(title)s") % {"title": ticket.title},
                        source=Problem.Source.MAJOR_INCIDENT, tickets=[ticket], moment=moment)
    if not ticket.recurring_fault or ticket.asset_id is None:
        return None
    since = moment - timedelta(days=settings.RECURRING_FAULT_DAYS)
    faults = list(Ticket.objects.filter(
        asset_id=ticket.asset_id, category_id=ticket.category_id, kind=Kind.FAULT,
        created_at__gte=since).exclude(status=Status.CANCELLED).order_by("created_at")[:50])
    if len(faults) < settings.PROBLEM_RECURRING_FAULTS:
        return None
    return _propose(key=f"asset:{ticket.asset_id}:category:{ticket.category_id}",
                    contract=ticket.contract,
                    title=_("Recurring fault on %(asset)s: %(title)s")
                    % {"asset": ticket.asset, "title": ticket.title},
                    source=Problem.Source.RECURRING, tickets=faults, asset=ticket.asset,
                    moment=moment)


def problems_propose(*, moment: datetime | None = None) -> int:
    """The hourly sweep behind the intake signal (a ticket filed by import or before this app
    was installed): every recurring fault and P1 incident of the window without its proposal.
    Returns how many proposals exist for what it found."""
    moment = moment or now()
    since = moment - timedelta(days=settings.RECURRING_FAULT_DAYS)
    groups = (Ticket.objects.filter(recurring_fault=True, kind=Kind.FAULT, created_at__gte=since,
                                    asset__isnull=False)
              .exclude(status=Status.CANCELLED)
              .values("asset_id", "category_id")
              .annotate(n=Count("id")).filter(n__gte=settings.PROBLEM_RECURRING_FAULTS))
    found = 0
    for group in groups:
        latest = (Ticket.objects.filter(asset_id=group["asset_id"],
                                        category_id=group["category_id"], kind=Kind.FAULT,
                                        created_at__gte=since)
                  .select_related("contract__project_manager", "asset")
                  .order_by("-created_at").first())
        with transaction.atomic():
            found += problem_propose_for_ticket(latest) is not None
    majors = (Ticket.objects.filter(priority=Priority.P1, kind=Kind.FAULT, created_at__gte=since)
              .exclude(status=Status.CANCELLED).filter(problems__isnull=True)
              .select_related("contract__project_manager"))
    for ticket in majors:
        with transaction.atomic():
            found += problem_propose_for_ticket(ticket) is not None
    return found


@transaction.atomic
def problem_accept(*, actor, problem: Problem, owner=None) -> Problem:
    """A proposal is a real problem: analysis starts (optionally with another owner)."""
    problem = _locked(problem)
    _require_worker(actor, problem)
    _require(problem, S.PROPOSED)
    if owner is not None and not works_contract(owner, problem.contract):
        raise InvalidInput(_("The owner must work on this contract."), field="owner")
    problem.status = S.OPEN
    problem.owner = owner or problem.owner or actor
    return _save(problem, actor, "accepted", ["status", "owner"])


@transaction.atomic
def problem_dismiss(*, actor, problem: Problem, reason: str) -> Problem:
    problem = _locked(problem)
    _require_worker(actor, problem)
    _require(problem, S.PROPOSED, S.OPEN)
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the problem is dismissed."), field="reason")
    problem.status = S.DISMISSED
    problem.description = (problem.description + "\n\n" if problem.description else "") + \
        _("Dismissed: %(reason)s") % {"reason": reason.strip()}
    return _save(problem, actor, "dismissed", ["status", "description"])


@transaction.atomic
def problem_analyse(*, actor, problem: Problem, **fields) -> Problem:
    """Record the analysis. A known error recorded moves an open problem to "known error"."""
    problem = _locked(problem)
    _require_worker(actor, problem)
    _require(problem, S.OPEN, S.KNOWN_ERROR, S.FIXING, S.AWAITING_CONFIRMATION)
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be edited: %(names)s")
                           % {"names": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    if "title" in fields and not (fields["title"] or "").strip():
        raise InvalidInput(_("Give the problem a title."), field="title")
    changed = []
    for name, value in fields.items():
        value = (value or "").strip()
        if getattr(problem, name) != value:
            setattr(problem, name, value)
            changed.append(name)
    if problem.known_error and problem.status == S.OPEN:
        problem.status = S.KNOWN_ERROR
        changed.append("status")
    if not changed:
        return problem
    return _save(problem, actor, "analysed", changed)


@transaction.atomic
def problem_publish_known_error(*, actor, problem: Problem) -> Article:
    """The known error becomes a knowledge article (an internal draft for review: symptom from
    the problem, cause from the root-cause analysis, solution from the known error and the
    workaround), linked from the problem; once only."""
    problem = _locked(problem)
    _require_worker(actor, problem)
    _require(problem, S.KNOWN_ERROR, S.FIXING, S.AWAITING_CONFIRMATION, S.CLOSED)
    if problem.known_error_article_id is not None:
        raise ActionRefused(_("The known error of %(number)s is already an article.")
                            % {"number": problem.number}, code="already_published")
    if not problem.known_error.strip():
        raise InvalidInput(_("Record the known error first."), field="known_error")
    solution = problem.known_error.strip()
    if problem.workaround.strip():
        solution = f"{solution}\n\n{_('Workaround')}: {problem.workaround.strip()}"
    article = article_create(
        actor=actor, title=problem.title[:200],
        symptom=(problem.description or problem.title).strip(),
        cause=problem.root_cause.strip(), solution=solution,
        visibility=Visibility.INTERNAL, contract=problem.contract)
    problem.known_error_article = article
    _save(problem, actor, "known error published", ["known_error_article"])
    return article


@transaction.atomic
def problem_link_change(*, actor, problem: Problem, change: Change) -> Problem:
    """Name the change that fixes the problem; an implemented change asks the client at once."""
    problem = _locked(problem)
    _require_worker(actor, problem)
    _require(problem, S.OPEN, S.KNOWN_ERROR, S.FIXING)
    if change.contract_id != problem.contract_id:
        raise InvalidInput(_("The change is on another contract."), field="change")
    problem.fix_change = change
    problem.status = (S.AWAITING_CONFIRMATION if change.status in {
        Change.Status.IMPLEMENTED, Change.Status.REVIEWED} else S.FIXING)
    _save(problem, actor, "fix linked", ["fix_change", "status"])
    if problem.status == S.AWAITING_CONFIRMATION:
        _ask_confirmation(problem)
    return problem


def problem_fix_done(*, change: Change) -> None:
    """The fixing change was implemented: its problems wait for the client's confirmation.
    Called by change_implement in its transaction."""
    for problem in Problem.objects.select_for_update().filter(fix_change=change, status=S.FIXING):
        problem.status = S.AWAITING_CONFIRMATION
        _save(problem, change.implemented_by, "fix implemented", ["status"])
        _ask_confirmation(problem)


def _ask_confirmation(problem: Problem) -> None:
    url = link("knowledge:problem_detail", number=problem.number)
    for contact in problem.contract.client_contacts.filter(is_active=True):
        email_from_template(recipient=contact, event="problem",
                            template="knowledge/email/problem_confirm.txt",
                            context={"problem": problem, "url": url},
                            dedupe_key=f"problem-confirm:{problem.pk}:{contact.pk}")


@transaction.atomic
def problem_confirm(*, actor, problem: Problem, note: str = "") -> Problem:
    """The client confirms the fault is fixed (seed 003 1.1.8.1): the problem closes."""
    problem = _locked(problem)
    if not is_client_approver(actor, problem.contract):
        if not sees_contract(actor, problem.contract):
            raise PermissionRefused(_("This problem is not on your contract."))
        raise PermissionRefused(_("Only the client's contact confirms a fix."))
    _require(problem, S.AWAITING_CONFIRMATION)
    problem.status = S.CLOSED
    problem.confirmed_by = actor
    problem.confirmed_at = now()
    problem.confirmation_note = (note or "").strip()
    _save(problem, actor, "confirmed", ["status", "confirmed_by", "confirmed_at",
                                        "confirmation_note"])
    _tell_owner(problem, "knowledge/email/problem_confirmed.txt")
    return problem
