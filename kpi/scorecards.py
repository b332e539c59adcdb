"""Engineer scorecards (K2): the objective part of a quarter read from the daily rollup, the
managers' ratings on seed 000's four dimensions, the composite score and the "not up to
standard" flag (seed 000: under 80 in a quarter → the PM is told, who may ask for a replacement).

Selectors (who sees which scorecard) and services (compute, rate, edit the scheme) live here;
the pages, the API and the quarterly beat job call them.

Scoring (all 0–100):
- volume = min(100, resolved / volume_target × 100); on-time = clocks met / clocks with a verdict
  (response, arrival, resolution together) × 100; satisfaction = satisfied / answered × 100;
  reopen = max(0, 100 − reopen % × reopen_penalty); complaints = max(0, 100 − n ×
  complaint_penalty). A sub-score with nothing measured is left out and the remaining weights
  re-normalised.
- a dimension = the mean of its three sub-items; the rating score = the dimensions weighted; it
  exists only when all twelve sub-items are rated.
- composite = objective_weight % × objective + (100 − objective_weight) % × rating, from the two
  stored (2-decimal) scores, rounded to 2 decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import CLIENT_ROLES, Capability, Role, can
from core.clock import now
from core.periods import Quarter
from kpi import figures as kpi_figures
from kpi.figures import Scope
from kpi.models import Scorecard, ScorecardRating, ScorecardScheme
from kpi.models.rollup import MEASURES
from kpi.models.scorecards import RATING_ITEMS
from kpi.selectors import contract_engineers, dashboard_contracts
from notifications.services import email_from_template
from sla.models import Contract, ContractMember

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
OBJECTIVE_PARTS = ("volume", "on_time", "satisfaction", "reopen", "complaints")
DIMENSIONS = tuple(dim for dim, _label, _items in RATING_ITEMS)
ITEM_CODES = tuple(code for _dim, _label, items in RATING_ITEMS for code, _l in items)
ENGINEER_ROLES = (Role.ENGINEER, Role.SECOND_LINE)


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- quarters ------------------------------------------------------------------------------------
def quarter_of(card: Scorecard) -> Quarter:
    return Quarter(card.year, card.quarter)


# --- selectors: who sees what --------------------------------------------------------------------
def is_manager(user) -> bool:
    """PMs, delivery and general managers and admins read scorecards of their contracts (the
    client's IT contact reads dashboards, never people's scorecards)."""
    if not can(user, Capability.READ_DASHBOARDS):
        return False
    return user.is_superuser or user.role not in CLIENT_ROLES


def has_own_scorecards(user) -> bool:
    """Engineers (on-site and second line) look at their own scorecards on the list page."""
    return getattr(user, "is_authenticated", False) and user.is_active \
        and user.role in ENGINEER_ROLES


def reads_own(user) -> bool:
    """Any provider person may open "my scorecards" (a page empty for those never scored)."""
    return getattr(user, "is_authenticated", False) and user.is_active and (
        user.is_superuser or user.role not in CLIENT_ROLES)


def scorecard_contracts(user) -> QuerySet[Contract]:
    """Contracts whose scorecards the user manages or reads (none for anyone else)."""
    if not is_manager(user):
        return Contract.objects.none()
    return dashboard_contracts(user)


def scorecard_contract(user, code: str) -> Contract:
    """Contract.DoesNotExist (→ 404) unless the user reads that contract's scorecards."""
    return scorecard_contracts(user).select_related("project_manager").get(code=code)


def may_rate(user, contract: Contract) -> bool:
    """The contract's PM, a delivery manager or an admin rate and edit the scheme."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (can(user, Capability.ADMINISTER) or user.role == Role.DELIVERY_MANAGER
            or contract.project_manager_id == user.pk)


def scorecards_visible_to(user) -> QuerySet[Scorecard]:
    """Every scorecard of the contracts the user manages, and the user's own."""
    cards = Scorecard.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return cards.none()
    if is_manager(user):
        return cards.filter(Q(contract__in=scorecard_contracts(user)) | Q(engineer=user))
    if user.role in CLIENT_ROLES:
        return cards.none()
    return cards.filter(engineer=user)


def scorecard_get(user, pk: int) -> Scorecard:
    """One visible scorecard; Scorecard.DoesNotExist (→ 404) otherwise."""
    return (scorecards_visible_to(user)
            .select_related("engineer", "contract", "contract__project_manager")
            .prefetch_related("ratings__rated_by").get(pk=pk))


def scored_people(contract: Contract) -> QuerySet[User]:
    """Who gets a scorecard: the contract's on-site and second-line engineers (seed 000 scores
    the 驻地工程师; the desk and the managers are not rated here)."""
    engineers = ContractMember.objects.filter(
        contract=contract, duty__in=[ContractMember.Duty.ENGINEER,
                                     ContractMember.Duty.SECOND_LINE]).values("user_id")
    return contract_engineers(contract).filter(pk__in=engineers)


def engineer_history(card: Scorecard, quarters: int = 4) -> list[Scorecard]:
    """The engineer's scorecards on the same contract for the last `quarters` quarters up to
    this one, oldest first."""
    wanted = quarter_of(card).and_before(quarters)
    cards = {(c.year, c.quarter): c for c in Scorecard.objects.filter(
        engineer_id=card.engineer_id, contract_id=card.contract_id,
        year__in={w.year for w in wanted})}
    return [cards.get((w.year, w.quarter)) or Scorecard(
        engineer_id=card.engineer_id, contract_id=card.contract_id, year=w.year,
        quarter=w.quarter) for w in reversed(wanted)]


# --- scheme --------------------------------------------------------------------------------------
def default_scheme() -> ScorecardScheme:
    scheme = ScorecardScheme.objects.filter(contract__isnull=True).order_by("pk").first()
    if scheme is None:
        scheme = ScorecardScheme.objects.create(contract=None)
    return scheme


def scheme_for(contract: Contract) -> ScorecardScheme:
    """The contract's own scheme, or the default one (created with defaults when missing)."""
    scheme = ScorecardScheme.objects.filter(contract=contract).first()
    return scheme or default_scheme()


# --- objective part ------------------------------------------------------------------------------
def engineer_totals(contract: Contract, engineer_id: int, q: Quarter) -> dict[str, int]:
    return kpi_figures.totals(Scope(contract_ids=(contract.pk,), engineer_ids=(engineer_id,)),
                              q.start, q.end)


def team_totals(contract: Contract, engineer_ids, q: Quarter) -> dict[int, dict[str, int]]:
    """figures.totals for many engineers at once: one grouped query over the rollup (the same
    sums as engineer_totals for each engineer)."""
    scope = Scope(contract_ids=(contract.pk,), engineer_ids=tuple(engineer_ids))
    empty = {"refreshed_at": None, **dict.fromkeys(MEASURES, 0)}
    return {pk: empty.copy() for pk in engineer_ids} | kpi_figures.totals_by(
        scope, q.start, q.end, "engineer_id")


def objective_part(totals: dict[str, int], scheme: ScorecardScheme) -> dict:
    """The figures, the sub-scores (None: nothing measured), the weights actually used and the
    objective score (Decimal or None)."""
    figs = kpi_figures.from_totals(totals)
    met = sum(totals[f"{k}_met"] for k in kpi_figures.CLOCKS)
    verdicts = met + sum(totals[f"{k}_breached"] for k in kpi_figures.CLOCKS)
    figs["on_time_rate"] = kpi_figures.ratio(met, verdicts)
    subs: dict[str, Decimal | None] = {
        "volume": min(HUNDRED, Decimal(totals["resolved"]) * HUNDRED / scheme.volume_target)
        if scheme.volume_target else None,
        "on_time": Decimal(met) * HUNDRED / verdicts if verdicts else None,
        "satisfaction": (Decimal(totals["surveys_satisfied"]) * HUNDRED
                         / totals["surveys_answered"]) if totals["surveys_answered"] else None,
        "reopen": (max(Decimal(0), HUNDRED - Decimal(totals["resolved_reopened"]) * HUNDRED
                       / totals["resolved"] * scheme.reopen_penalty)
                   if totals["resolved"] else None),
        "complaints": max(Decimal(0), HUNDRED - totals["complaints"] * scheme.complaint_penalty),
    }
    weights = {part: getattr(scheme, f"w_{part}") for part in OBJECTIVE_PARTS}
    used = {part: w for part, w in weights.items() if subs[part] is not None}
    total_weight = sum(used.values())
    score = (cents(sum(subs[p] * w for p, w in used.items()) / total_weight)
             if total_weight else None)
    return {
        "figures": figs,
        "sub_scores": {p: None if v is None else float(cents(v)) for p, v in subs.items()},
        "left_out": [p for p in OBJECTIVE_PARTS if subs[p] is None],
        "weights": {p: (float(cents(Decimal(w) * HUNDRED / total_weight)) if total_weight
                        else 0.0) for p, w in used.items()},
        "renormalised": any(subs[p] is None and weights[p] for p in OBJECTIVE_PARTS),
        "score": score,
    }


# --- ratings -------------------------------------------------------------------------------------
def dimension_scores(ratings) -> dict[str, Decimal | None]:
    """Mean of each dimension's sub-items (None until all three are rated)."""
    by_item = {r.item: r.score for r in ratings}
    result = {}
    for dim, _label, items in RATING_ITEMS:
        scores = [by_item.get(code) for code, _l in items]
        result[dim] = (Decimal(sum(scores)) / len(scores)
                       if all(s is not None for s in scores) else None)
    return result


def rating_score(ratings, scheme: ScorecardScheme) -> Decimal | None:
    dims = dimension_scores(ratings)
    if any(v is None for v in dims.values()):
        return None
    weights = {dim: getattr(scheme, f"w_{dim}") for dim in DIMENSIONS}
    total = sum(weights.values())
    if not total:
        return None
    return cents(sum(dims[d] * w for d, w in weights.items()) / total)


def composite_of(objective: Decimal | None, rating: Decimal | None,
                 scheme: ScorecardScheme) -> Decimal | None:
    """Only with every sub-item rated; an objective part with nothing measured is left out."""
    if rating is None:
        return None
    if objective is None:
        return cents(rating)
    ow = Decimal(scheme.objective_weight)
    return cents((ow * objective + (HUNDRED - ow) * rating) / HUNDRED)


# --- computing -----------------------------------------------------------------------------------
def _apply(card: Scorecard, totals: dict, scheme: ScorecardScheme, ratings) -> bool:
    """Set the card's scores from totals and ratings; True when anything changed."""
    part = objective_part(totals, scheme)
    q = quarter_of(card)
    stored = {
        **part["figures"], "sub_scores": part["sub_scores"], "left_out": part["left_out"],
        "weights": part["weights"], "renormalised": part["renormalised"],
        "period": [q.start.isoformat(), q.end.isoformat()], "scheme_id": scheme.pk,
        "pass_mark": scheme.pass_mark, "objective_weight": scheme.objective_weight,
    }
    rating = rating_score(ratings, scheme)
    composite = composite_of(part["score"], rating, scheme)
    below = composite is not None and composite < scheme.pass_mark
    new = {"figures": stored, "objective_score": part["score"], "rating_score": rating,
           "composite": composite, "below_standard": below}
    changed = any(_differs(getattr(card, f), v) for f, v in new.items())
    for field, value in new.items():
        setattr(card, field, value)
    return changed


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (None if old is None else Decimal(old)) != (None if new is None else Decimal(new))
    return old != new


def _refresh(card: Scorecard, totals: dict, scheme: ScorecardScheme) -> None:
    """Apply totals and the stored ratings; save only when something changed, and tell the PM
    of a flag not yet notified."""
    if _apply(card, totals, scheme, list(card.ratings.all())) or card.computed_at is None:
        card.computed_at = now()
        card.save()
    if card.below_standard and card.flag_notified_at is None:
        _notify_pm(card, scheme)


def _notify_pm(card: Scorecard, scheme: ScorecardScheme) -> None:
    """Tell the contract's PM once per scorecard (the lock makes two computations agree)."""
    with transaction.atomic():
        locked = Scorecard.objects.select_for_update().get(pk=card.pk)
        if locked.flag_notified_at is not None or not locked.below_standard:
            card.flag_notified_at = locked.flag_notified_at
            return
        contract = Contract.objects.select_related("project_manager").get(pk=card.contract_id)
        pm = contract.project_manager
        if pm is None or not pm.is_active:
            return
        moment = now()
        Scorecard.objects.filter(pk=card.pk).update(flag_notified_at=moment)
        card.flag_notified_at = moment
        engineer = User.objects.get(pk=card.engineer_id)
        email_from_template(
            recipient=pm, event="kpi.scorecard_below_standard",
            template="kpi/email/scorecard_below_standard.txt",
            context={"card": card, "engineer": engineer, "contract": contract,
                     "quarter": str(quarter_of(card)), "pass_mark": scheme.pass_mark,
                     "url": settings.SITE_URL + reverse("kpi:scorecard", args=[card.pk])},
            dedupe_key=f"kpi.scorecard.below_standard.{card.pk}")


def scorecard_compute(card: Scorecard, *, scheme: ScorecardScheme | None = None) -> Scorecard:
    """Recompute one scorecard (objective part from the rollup, ratings as stored); saves only
    when something changed."""
    contract = card.contract
    scheme = scheme or scheme_for(contract)
    _refresh(card, engineer_totals(contract, card.engineer_id, quarter_of(card)), scheme)
    return card


def quarter_open(contract: Contract, q: Quarter) -> list[Scorecard]:
    """Every scorecard of the contract's team for the quarter, created when missing and
    recomputed; a constant number of queries when nothing changed."""
    scheme = scheme_for(contract)
    people = list(scored_people(contract))
    existing = {c.engineer_id: c for c in Scorecard.objects.filter(
        contract=contract, year=q.year, quarter=q.quarter)
        .select_related("engineer").prefetch_related("ratings")}
    cards = []
    for person in people:
        card = existing.pop(person.pk, None)
        if card is None:
            card, _created = Scorecard.objects.get_or_create(
                engineer=person, contract=contract, year=q.year, quarter=q.quarter)
        card.engineer, card.contract = person, contract
        cards.append(card)
    # People who left the team keep their scorecard for the quarter.
    for card in existing.values():
        card.contract = contract
        cards.append(card)
    totals = team_totals(contract, [c.engineer_id for c in cards], q)
    for card in cards:
        _refresh(card, totals[card.engineer_id], scheme)
    cards.sort(key=lambda c: (c.engineer.name, c.engineer_id))
    return cards


def compute_previous_quarter() -> dict:
    """The quarterly job: every contract's team scorecards of the quarter before today's."""
    q = Quarter.current().previous()
    counts = {}
    for contract in Contract.objects.order_by("code"):
        counts[contract.code] = len(quarter_open(contract, q))
    return {"quarter": str(q), "scorecards": counts}


# --- ratings service -----------------------------------------------------------------------------
class ScorecardError(Exception):
    pass


@transaction.atomic
def scorecard_rate(*, actor, card: Scorecard, scores: dict[str, int | None],
                   notes: dict[str, str] | None = None, comment: str | None = None,
                   ) -> Scorecard:
    """Store the rater's scores (0–100; None removes a rating) and recompute the card."""
    if not may_rate(actor, card.contract):
        raise ScorecardError(_("Only the contract's project manager, a delivery manager or an "
                               "administrator may rate."))
    notes = notes or {}
    locked = Scorecard.objects.select_for_update().get(pk=card.pk)
    current = {r.item: r for r in locked.ratings.all()}
    moment = now()
    for item in ITEM_CODES:
        if item not in scores:
            continue
        score, note = scores[item], (notes.get(item) or "").strip()[:200]
        if score is not None and not 0 <= int(score) <= 100:
            raise ScorecardError(_("A score is from 0 to 100."))
        existing = current.get(item)
        if score is None:
            if existing is not None:
                existing.delete()
            continue
        if existing is None:
            ScorecardRating.objects.create(scorecard=locked, item=item, score=score,
                                           note=note, rated_by=actor, rated_at=moment)
        elif existing.score != score or existing.note != note:
            existing.score, existing.note = score, note
            existing.rated_by, existing.rated_at = actor, moment
            existing.save()
    if comment is not None and comment.strip() != locked.manager_comment:
        locked.manager_comment = comment.strip()
        locked.save(update_fields=["manager_comment"])
    locked.contract = card.contract
    return scorecard_compute(locked)


@transaction.atomic
def scheme_save(*, actor, contract: Contract, values: dict) -> ScorecardScheme:
    """Save the contract's own scheme (created from the values when it had none)."""
    if not may_rate(actor, contract):
        raise ScorecardError(_("Only the contract's project manager, a delivery manager or an "
                               "administrator may change the scheme."))
    scheme = ScorecardScheme.objects.select_for_update().filter(contract=contract).first()
    if scheme is None:
        scheme = ScorecardScheme(contract=contract)
    for field, value in values.items():
        setattr(scheme, field, value)
    scheme.full_clean()
    scheme.save()
    return scheme
