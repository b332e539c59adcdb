"""Read queries for contracts, scoped by role and contract (REQUIREMENTS X2, X6)."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.roles import Capability, Role, can
from core import batch
from core.prepared import PreparedQuery
from sla.clocks import calendar_for
from sla.holiday_notice import missing_festivals
from sla.models import Clock, Contract, ContractMember, HolidayDay, HolidayYear


def contract_scope(user) -> tuple[str, dict]:
    """Which rule of contracts_visible_to applies to `user`, and its values: "none", "all"
    (the management roles), "contact" (a client contact's contracts), "client" (an end user's
    organisation's) or "team" (the projects they manage or are on)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "none", {}
    if can(user, Capability.SEE_ALL_CONTRACTS):
        return "all", {}
    if user.role == Role.CLIENT_CONTACT:
        return "contact", {"person": user.pk}
    if user.role == Role.END_USER:
        if not user.organisation_id:
            return "none", {}
        return "client", {"organisation": user.organisation_id}
    return "team", {"person": user.pk, "person_again": user.pk}


def contracts_in_scope(scope: str, **values) -> QuerySet[Contract]:
    """The contracts of one of contract_scope's rules, with its values."""
    contracts = Contract.objects.all()
    if scope == "none":
        return contracts.none()
    if scope == "all":
        return contracts
    if scope == "contact":
        return contracts.filter(client_contacts=values["person"])
    if scope == "client":
        return contracts.filter(client_id=values["organisation"])
    # Their project's manager, or on its team.
    return contracts.filter(
        Q(project_manager=values["person"])
        | Q(pk__in=ContractMember.objects.filter(user=values["person_again"])
            .values("contract_id")))


def contracts_visible_to(user) -> QuerySet[Contract]:
    """The contracts a person may see: theirs, and for the management roles all of them."""
    scope, values = contract_scope(user)
    return contracts_in_scope(scope, **values)


# The (id, code) of the contracts a person sees: asked on nearly every page and API call of
# the provider's staff, so compiled once per process for each rule (core.prepared). Negative
# ids are no person's or organisation's; other prepared queries over contracts_in_scope use
# the same markers.
CONTRACT_SCOPE_MARKERS = {"contact": {"person": -1_987_654_321},
                  "client": {"organisation": -1_987_654_321},
                  "team": {"person": -1_987_654_321, "person_again": -1_987_654_322},
                  "all": {}}
VISIBLE_CONTRACT_CODES = {
    scope: PreparedQuery(lambda scope=scope, **values: contracts_in_scope(scope, **values)
                         .order_by("code").values_list("pk", "code"), **markers)
    for scope, markers in CONTRACT_SCOPE_MARKERS.items()}


def visible_contract_codes(user) -> list[tuple[int, str]]:
    """(id, code) of contracts_visible_to(user), by code. Read once within a core.batch scope
    (one request): the queue page needs them for the tickets in scope and for two lists of
    codes, and read them twice, with a query built four times (bench/README.md, issue 19)."""
    scope, values = contract_scope(user)
    if scope == "none":
        return []
    return batch.remember(("sla.visible_contract_codes", user.pk),
                          lambda: VISIBLE_CONTRACT_CODES[scope].rows(**values))


# One contract by its code among those a person sees (filing through the API names it so), by
# the same rules, compiled once per rule.
CODE_MARKER = "\x00contract-code"  # no code holds a NUL character
VISIBLE_CONTRACT_BY_CODE = {
    scope: PreparedQuery(lambda code, scope=scope, **values: contracts_in_scope(
        scope, **values).filter(code=code), code=CODE_MARKER, **markers)
    for scope, markers in CONTRACT_SCOPE_MARKERS.items()}


def visible_contract_by_code(user, code: str) -> Contract | None:
    """contracts_visible_to(user).get(code=code), or None: one query compiled once."""
    scope, values = contract_scope(user)
    if scope == "none":
        return None
    found = VISIBLE_CONTRACT_BY_CODE[scope].models(code=code, **values)
    return found[0] if found else None


def contract_visible_to(user, contract: Contract) -> bool:
    """Whether `contract` is one of contracts_visible_to(user): from the rows in hand for the
    roles whose rule is about the contract row alone (management: every contract; an end user:
    their organisation's), from visible_contract_codes for the others. Filing a ticket asks
    this."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if can(user, Capability.SEE_ALL_CONTRACTS):
        return True
    if user.role == Role.END_USER:
        return bool(user.organisation_id) and contract.client_id == user.organisation_id
    # The contracts they see, by a prepared query (or already read in this request).
    return any(pk == contract.pk for pk, _code in visible_contract_codes(user))


def contract_list(*, user) -> QuerySet[Contract]:
    """Contracts for list pages and the API, with what a row shows loaded in constant queries."""
    return (
        contracts_visible_to(user)
        .select_related("client", "provider", "calendar", "project_manager")
        .order_by("code")
    )


def contract_detail(*, user, code: str) -> Contract:
    """One visible contract with its team; raises Contract.DoesNotExist otherwise (→ 404)."""
    return (
        contract_list(user=user)
        .prefetch_related(
            Prefetch("members",
                     queryset=ContractMember.objects.select_related("user").order_by("duty")),
            Prefetch("client_contacts", queryset=User.objects.order_by("name")),
            "sites",
        )
        .get(code=code)
    )


def contract_team_q(contracts: QuerySet[Contract]) -> Q:
    """A filter on people: the provider team (members and PMs) of the given contracts."""
    return Q(pk__in=ContractMember.objects.filter(contract__in=contracts).values("user_id")) | Q(
        pk__in=contracts.values("project_manager_id")
    )


def clock_states(clocks, *, at) -> list[dict]:
    """What a ticket page and the API show of each clock: target, due, business time left or
    overrun, and whether it runs, waits, was met or breached."""
    rows = []
    for clock in clocks:
        calendar = calendar_for(clock.calendar)
        if clock.stopped_at is not None:
            state = ("met" if clock.met else "breached" if clock.met is False
                     else "not_needed")
            remaining = None
        elif clock.paused_since is not None:
            state = "paused"
            remaining = clock.target_seconds - clock.consumed_seconds
        else:
            state = "breached" if clock.due_at <= at else "running"
            remaining = (calendar.between(at, clock.due_at) if clock.due_at > at
                         else -calendar.between(clock.due_at, at))
        rows.append({
            "kind": clock.kind, "label": clock.get_kind_display(), "state": state,
            "target_minutes": clock.target_seconds // 60, "due_at": clock.due_at,
            "remaining_seconds": remaining, "paused": clock.paused_since is not None,
            "met": clock.met, "breached": clock.breached_at is not None or state == "breached",
            "stopped_at": clock.stopped_at, "provisional": clock.provisional,
        })
    return rows


def sla_board(*, user, at, limit: int = 100) -> dict:
    """Breached and at-risk running clocks of the user's contracts, soonest first, with counts
    per contract (the managers' board)."""
    running = Clock.objects.filter(stopped_at__isnull=True, paused_since__isnull=True,
                                   ticket__contract__in=contracts_visible_to(user))
    breached = running.filter(due_at__lte=at)
    at_risk = running.filter(warn_at__lte=at, due_at__gt=at)
    per_contract = {}
    for name, queryset in (("breached", breached), ("at_risk", at_risk)):
        for code, n in (queryset.values_list("ticket__contract__code")
                        .annotate(n=Count("pk")).values_list("ticket__contract__code", "n")):
            per_contract.setdefault(code, {"breached": 0, "at_risk": 0})[name] = n
    related = ("ticket__assignee", "ticket__contract", "calendar")
    return {
        "per_contract": sorted(per_contract.items()),
        "breached": list(breached.select_related(*related).order_by("due_at")[:limit]),
        "at_risk": list(at_risk.select_related(*related).order_by("due_at")[:limit]),
    }


def holiday_year_stored(*, year: int, region: str = "CN") -> dict:
    """What the tables hold for ``year``: ``closed`` and ``makeup`` as ``{day: name}``, the
    ``HolidayYear`` row (``entered``, None when the year is not entered) and the statutory
    festivals its days lack (``missing``). Two queries."""
    closed, makeup = {}, {}
    for day, kind, name in HolidayDay.objects.filter(region=region, day__year=year).values_list(
            "day", "kind", "name"):
        (closed if kind == HolidayDay.Kind.CLOSED else makeup)[day] = name
    return {"year": year, "closed": closed, "makeup": makeup,
            "entered": HolidayYear.objects.filter(region=region, year=year).first(),
            "missing": missing_festivals(closed.values())}
